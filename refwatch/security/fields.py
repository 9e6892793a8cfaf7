"""Application-level encryption of sensitive columns (PostgreSQL and exports).

On PostgreSQL the database is not encrypted as a whole, so person names,
aliases, contacts, testimony text and evidence spans naming people are sealed
by the application before they reach SQL. A database administrator or a
stolen dump then sees only ciphertext and keyed hashes.

* ``encrypt_field`` seals a value with AES-256-GCM under the ``fields``
  subkey; the column name is the associated data, so a ciphertext copied into
  another column does not open.
* ``name_index`` is a keyed blind index (HMAC-SHA256) of the *normalised*
  name, so "KIM Cheol-ok" finds "Kim Cheol Ok"; ``exact_index`` keeps the
  value as written. Equal values give equal indexes: an observer of the
  database learns which rows share a name, not the name (see docs/security.md).
"""

from __future__ import annotations

import re
import unicodedata

from refwatch.security.crypto import blind_index, open_sealed, seal, subkey

FIELD_PURPOSE = "fields"
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.,'’`·]+")


def field_key(data_key: bytes) -> bytes:
    return subkey(data_key, FIELD_PURPOSE)


def encrypt_field(data_key: bytes, column: str, value: str | None) -> bytes | None:
    """Seal one value for ``column`` (None stays None)."""
    if value is None:
        return None
    return seal(field_key(data_key), value.encode("utf-8"), column.encode("utf-8"))


def decrypt_field(data_key: bytes, column: str, sealed: bytes | None) -> str | None:
    """Open a value sealed for ``column``; raises crypto.DecryptionError if altered or moved."""
    if sealed is None:
        return None
    return open_sealed(field_key(data_key), bytes(sealed), column.encode("utf-8")).decode("utf-8")


def normalise_name(value: str) -> str:
    """Case, width, hyphens and spacing folded: "KIM  Cheol-ok" → "kim cheol ok"."""
    text = unicodedata.normalize("NFKC", value).casefold()
    return " ".join(_SEPARATORS.sub(" ", text).split())


def exact_index(data_key: bytes, column: str, value: str) -> str:
    """Blind index of the value as written (scoped to the column)."""
    return blind_index(data_key, f"exact:{column}:{value}")


def name_index(data_key: bytes, value: str) -> str:
    """Blind index of the normalised name, shared by names and aliases columns."""
    return blind_index(data_key, "name:" + normalise_name(value))
