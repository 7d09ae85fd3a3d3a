"""Saved runs and their measurements.

Revision ID: 0001
Revises:
Created: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("commit", sa.String(64)),
        sa.Column("dirty", sa.Boolean),
        sa.Column("machine", sa.Text),
        sa.Column("cases", sa.Integer, nullable=False),
        sa.Column("delete_token_sha256", sa.String(64), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
    )
    op.create_index("runs_saved_at", "runs", ["saved_at"])
    op.create_table(
        "measurements",
        sa.Column(
            "run_id", sa.String(16), sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("variant", sa.String(64), nullable=False),
        sa.Column("runtime_kind", sa.String(16), nullable=False),
        sa.Column("runtime", sa.Text, nullable=False),
        sa.Column("algorithm", sa.String(32), nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.Column("median_ms", sa.Float, nullable=False),
    )
    op.create_index("measurements_run_id", "measurements", ["run_id"])
    op.create_index("measurements_case", "measurements", ["algorithm", "n"])


def downgrade() -> None:
    op.drop_table("measurements")
    op.drop_table("runs")
