"""Claims, extractions, events, persons, judgements and resolutions.

Revision ID: 0002_claims
Revises: 0001_capture
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_claims"
down_revision = "0001_capture"
branch_labels = None
depends_on = None

_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("document_sha256", sa.String(64), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("date_earliest", sa.Date),
        sa.Column("date_latest", sa.Date),
        sa.Column("date_text", sa.Text),
        sa.Column("date_precision", sa.String(16)),
        sa.Column("date_edtf", sa.String(64)),
        sa.Column("places", sa.JSON, nullable=False),
        sa.Column("count", sa.JSON),
        sa.Column("victims", sa.JSON),
        sa.Column("sources", sa.JSON),
        sa.Column("evidence", sa.JSON),
        sa.Column("perpetrators", sa.JSON, nullable=False),
        sa.Column("source_connection", sa.String(32)),
        sa.Column("extractor", sa.String(128), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("aggregate", sa.Boolean, nullable=False),
        sa.Column("share_women", sa.Float),
        sa.Column("review_state", sa.String(16), nullable=False),
        sa.Column("reviewer", sa.String(64)),
        sa.Column("reviewed_at", _TZ),
        sa.Column("review_note", sa.Text),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("sealed", sa.LargeBinary),
        sa.PrimaryKeyConstraint("id", name="pk_claims"),
        sa.ForeignKeyConstraint(["document_sha256"], ["documents.sha256"],
                                name="fk_claims_document_sha256_documents"),
    )
    op.create_index("ix_claims_document", "claims", ["document_sha256"])
    op.create_index("ix_claims_review_state", "claims", ["review_state"])

    op.create_table(
        "extractions",
        sa.Column("document_sha256", sa.String(64), nullable=False),
        sa.Column("extractor", sa.String(128), nullable=False),
        sa.Column("processed_at", _TZ, nullable=False),
        sa.Column("claims", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("document_sha256", name="pk_extractions"),
        sa.ForeignKeyConstraint(["document_sha256"], ["documents.sha256"],
                                name="fk_extractions_document_sha256_documents"),
    )

    op.create_table(
        "events",
        sa.Column("id", sa.String(48), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("event_class", sa.String(32), nullable=False),
        sa.Column("date_earliest", sa.Date),
        sa.Column("date_latest", sa.Date),
        sa.Column("date_precision", sa.String(16), nullable=False),
        sa.Column("date_disagree", sa.Boolean, nullable=False),
        sa.Column("date_texts", sa.JSON, nullable=False),
        sa.Column("places", sa.JSON, nullable=False),
        sa.Column("count_low", sa.Integer),
        sa.Column("count_best", sa.Integer),
        sa.Column("count_high", sa.Integer),
        sa.Column("count_unit", sa.String(16), nullable=False),
        sa.Column("count_best_qualifier", sa.String(16)),
        sa.Column("count_rule", sa.Text, nullable=False),
        sa.Column("count_conflicts", sa.JSON),
        sa.Column("count_figures", sa.JSON),
        sa.Column("sources", sa.JSON),
        sa.Column("victims", sa.JSON),
        sa.Column("documents", sa.JSON, nullable=False),
        sa.Column("aggregate", sa.Boolean, nullable=False),
        sa.Column("covers", sa.JSON, nullable=False),
        sa.Column("covered_by", sa.JSON, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("judgements", sa.JSON, nullable=False),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("resolved_at", _TZ, nullable=False),
        sa.Column("sealed", sa.LargeBinary),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )
    op.create_index("ix_events_dates", "events", ["date_earliest", "date_latest"])
    op.create_index("ix_events_type", "events", ["type"])

    op.create_table(
        "event_claims",
        sa.Column("event_id", sa.String(48), nullable=False),
        sa.Column("claim_id", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "claim_id", name="pk_event_claims"),
    )
    op.create_index("ix_event_claims_claim", "event_claims", ["claim_id"])

    op.create_table(
        "persons",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("names", sa.JSON),
        sa.Column("name_index", sa.String(64), nullable=False),
        sa.Column("sex", sa.String(8)),
        sa.Column("birth_year", sa.Integer),
        sa.Column("origin", sa.Text),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("status_label", sa.String(64), nullable=False),
        sa.Column("at_risk", sa.Boolean, nullable=False),
        sa.Column("timeline", sa.JSON, nullable=False),
        sa.Column("documents", sa.JSON, nullable=False),
        sa.Column("mention_ids", sa.JSON, nullable=False),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("sealed", sa.LargeBinary),
        sa.PrimaryKeyConstraint("id", name="pk_persons"),
    )
    op.create_index("ix_persons_name_index", "persons", ["name_index"])

    op.create_table(
        "person_events",
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("event_id", sa.String(48), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "event_id", name="pk_person_events"),
    )
    op.create_index("ix_person_events_event", "person_events", ["event_id"])

    op.create_table(
        "person_names",
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("name_index", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "name_index", name="pk_person_names"),
    )
    op.create_index("ix_person_names_index", "person_names", ["name_index"])

    op.create_table(
        "judgements",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("seq", _Id, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("claims", sa.JSON, nullable=False),
        sa.Column("others", sa.JSON, nullable=False),
        sa.Column("events", sa.JSON, nullable=False),
        sa.Column("who", sa.String(64), nullable=False),
        sa.Column("at", _TZ, nullable=False),
        sa.Column("why", sa.Text),
        sa.Column("edits", sa.JSON),
        sa.Column("sealed", sa.LargeBinary),
        sa.PrimaryKeyConstraint("id", name="pk_judgements"),
        sa.UniqueConstraint("seq", name="uq_judgements_seq"),
    )

    op.create_table(
        "resolutions",
        sa.Column("id", _Id, autoincrement=True, nullable=False),
        sa.Column("at", _TZ, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("claims", sa.Integer, nullable=False),
        sa.Column("events", sa.Integer, nullable=False),
        sa.Column("persons", sa.Integer, nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_resolutions"),
    )


def downgrade() -> None:
    for table in ("resolutions", "judgements", "person_names", "person_events", "persons", "event_claims",
                  "events", "extractions", "claims"):
        op.drop_table(table)
