"""A real (SQLCipher) store for CLI tests, with the security migration in place.

While migration 0002_claims is still being written, the migrations are copied
to a temporary folder with a stand-in 0002 so that 0003_security can be tested
on its own; once 0002 exists the package's own folder is used as is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from refwatch.security import keys
from refwatch.store import migrate

CHEAP_KDF = {"name": "argon2id", "time_cost": 1, "memory_cost": 1024, "parallelism": 1}
PASSPHRASE = "correct horse battery staple"
# Staged under a name Alembic ignores until 0002_claims lands (it would break every
# `refwatch init` meanwhile); renamed to 0003_security.py then.
STAGED = migrate.MIGRATIONS / "versions" / "0003_security.py.pending"
_STUB = ('revision = "0002_claims"\ndown_revision = "0001_capture"\nbranch_labels = None\n'
         'depends_on = None\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n')


def migrations_dir(tmp: Path) -> Path:
    versions = migrate.MIGRATIONS / "versions"
    if (versions / "0002_claims.py").exists() and (versions / "0003_security.py").exists():
        return migrate.MIGRATIONS
    copy = tmp / "migrations"
    shutil.copytree(migrate.MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    if not (copy / "versions" / "0002_claims.py").exists():
        (copy / "versions" / "0002_claims.py").write_text(_STUB)
    (copy / "versions" / "0003_security.py.pending").unlink(missing_ok=True)
    if not (copy / "versions" / "0003_security.py").exists():
        shutil.copy(STAGED, copy / "versions" / "0003_security.py")
    return copy


def init_store(data_dir: Path, monkeypatch) -> bytes:
    """Create keyring and store in data_dir; return the data key."""
    from refwatch.config import settings
    from refwatch.store.core import Store

    monkeypatch.setattr(migrate, "MIGRATIONS", migrations_dir(data_dir.parent))
    key = keys.create_keyring(data_dir, PASSPHRASE, CHEAP_KDF)
    Store.init(settings(data_dir=data_dir), key).close()
    return key
