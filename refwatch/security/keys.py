"""The data key: one random 256-bit key, stored only wrapped by a passphrase.

The keyring file (``keyring.json`` in the data folder) holds the data key
sealed with a key-encryption key derived from the passphrase by argon2id.
Changing the passphrase (``refwatch key rotate``) re-wraps the same data key,
so nothing else has to be re-encrypted. A wrong passphrase fails the GCM tag
check and is refused; it is never silently ignored.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw

from refwatch.security.crypto import DecryptionError, new_key, open_sealed, seal

KEYRING_NAME = "keyring.json"
# argon2id parameters: ~64 MiB, 3 passes; stored in the keyring so they can grow.
DEFAULT_KDF = {"name": "argon2id", "time_cost": 3, "memory_cost": 65536, "parallelism": 2}


class KeyUnavailable(Exception):
    """The data key could not be had; the message says what to do."""


def _derive(passphrase: str, salt: bytes, params: dict) -> bytes:
    return hash_secret_raw(passphrase.encode("utf-8"), salt, time_cost=params["time_cost"],
                           memory_cost=params["memory_cost"], parallelism=params["parallelism"],
                           hash_len=32, type=Type.ID)


def _wrap(data_key: bytes, passphrase: str, kdf: dict | None = None) -> dict:
    params = dict(kdf or DEFAULT_KDF)
    salt = os.urandom(16)
    kek = _derive(passphrase, salt, params)
    return {"version": 1, "kdf": params, "salt": base64.b64encode(salt).decode(),
            "wrapped_key": base64.b64encode(seal(kek, data_key, b"refwatch-data-key")).decode()}


def keyring_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEYRING_NAME


def has_keyring(data_dir: Path) -> bool:
    return keyring_path(data_dir).exists()


def create_keyring(data_dir: Path, passphrase: str, kdf: dict | None = None) -> bytes:
    """Make a new data key, write it wrapped, and return it."""
    if not passphrase:
        raise KeyUnavailable("an empty passphrase is not allowed")
    path = keyring_path(data_dir)
    if path.exists():
        raise KeyUnavailable(f"a keyring already exists at {path}; unlock it instead")
    path.parent.mkdir(parents=True, exist_ok=True)
    data_key = new_key()
    _write(path, _wrap(data_key, passphrase, kdf))
    return data_key


def unlock(data_dir: Path, passphrase: str) -> bytes:
    """Return the data key, or raise KeyUnavailable on a wrong passphrase."""
    path = keyring_path(data_dir)
    if not path.exists():
        raise KeyUnavailable(f"no keyring in {data_dir}", )
    ring = json.loads(path.read_text(encoding="utf-8"))
    kek = _derive(passphrase, base64.b64decode(ring["salt"]), ring["kdf"])
    try:
        return open_sealed(kek, base64.b64decode(ring["wrapped_key"]), b"refwatch-data-key")
    except DecryptionError:
        raise KeyUnavailable("wrong passphrase: the data key did not unlock") from None


def rotate(data_dir: Path, old_passphrase: str, new_passphrase: str) -> None:
    """Re-wrap the data key under a new passphrase (the data key is unchanged)."""
    if not new_passphrase:
        raise KeyUnavailable("an empty passphrase is not allowed")
    data_key = unlock(data_dir, old_passphrase)
    ring = json.loads(keyring_path(data_dir).read_text(encoding="utf-8"))
    _write(keyring_path(data_dir), _wrap(data_key, new_passphrase, ring.get("kdf")))


def _write(path: Path, ring: dict) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(ring, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def passphrase_from(key_file: str | Path | None = None, *, prompt: bool = True,
                    confirm: bool = False) -> str:
    """Find the passphrase: --key-file, then REFWATCH_PASSPHRASE, then a prompt."""
    if key_file:
        try:
            return Path(key_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise KeyUnavailable(f"cannot read key file {key_file}: {exc.strerror}") from None
    env = os.environ.get("REFWATCH_PASSPHRASE")
    if env:
        return env
    if prompt and sys.stdin.isatty():
        import getpass

        first = getpass.getpass("Refwatch passphrase: ")
        if confirm and getpass.getpass("Repeat passphrase: ") != first:
            raise KeyUnavailable("the two passphrases differ")
        return first
    raise KeyUnavailable("no passphrase: set REFWATCH_PASSPHRASE, pass --key-file, or run in a terminal")


def open_data_key(data_dir: Path, key_file: str | Path | None = None, *, create: bool = False) -> bytes:
    """The data key for a data folder; with ``create``, make the keyring if missing."""
    if not has_keyring(data_dir):
        if not create:
            raise KeyUnavailable(f"{data_dir} has no keyring; run `refwatch init` first")
        return create_keyring(data_dir, passphrase_from(key_file, confirm=True))
    return unlock(data_dir, passphrase_from(key_file))
