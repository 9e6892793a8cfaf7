"""The pack index: where each original appended to a pack file sits.

An import used to write one sealed file per original; creating a file cost
the kernel 60-800 µs of CPU, an append to an open pack about 4 µs (see
``refwatch.store.blobs``). Each row names the pack, the offset of the sealed
bytes and their length; it is inserted in the transaction of the document row
that names the blob. Loose files written before this revision stay where they
are and are still read.

Revision ID: 0005_blob_packs
Revises: 0004_cjk_flag
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_blob_packs"
down_revision = "0004_cjk_flag"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blob_packs",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("pack", sa.String(64), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_blob_packs"),
    )


def downgrade() -> None:
    op.drop_table("blob_packs")
