"""Authenticated encryption of values and blobs (AES-256-GCM from `cryptography`).

Format of a sealed value: 1 version byte, 12-byte random nonce, ciphertext+tag.
The associated data binds a ciphertext to where it belongs (a blob's sha256, a
column name), so a ciphertext moved to another row fails to open.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"\x01"
KEY_BYTES = 32


class DecryptionError(Exception):
    """A ciphertext did not open: wrong key, or the bytes were altered."""


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def seal(key: bytes, plaintext: bytes, associated: bytes = b"") -> bytes:
    nonce = os.urandom(12)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def open_sealed(key: bytes, sealed: bytes, associated: bytes = b"") -> bytes:
    if len(sealed) < 29 or sealed[:1] != VERSION:
        raise DecryptionError("not a sealed value (unknown format)")
    try:
        return AESGCM(key).decrypt(sealed[1:13], sealed[13:], associated)
    except InvalidTag:
        raise DecryptionError("wrong key or altered data") from None


def subkey(key: bytes, purpose: str) -> bytes:
    """Derive an independent key for one purpose (blobs, blind index, sqlite)."""
    return hmac.new(key, b"refwatch:" + purpose.encode(), hashlib.sha256).digest()


def blind_index(key: bytes, value: str) -> str:
    """Keyed hash for exact look-up of an encrypted value (HMAC-SHA256, hex)."""
    return hmac.new(subkey(key, "blind-index"), value.encode("utf-8"), hashlib.sha256).hexdigest()
