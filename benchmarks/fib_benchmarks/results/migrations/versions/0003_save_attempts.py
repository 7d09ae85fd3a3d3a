"""Save attempts, for a rate limit that every server process shares: each attempt's
client, time and size, kept for a minute.

Revision ID: 0003
Revises: 0002
Created: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "save_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("bytes", sa.BigInteger, nullable=False),
    )
    op.create_index("save_attempts_client_at", "save_attempts", ["client", "at"])


def downgrade() -> None:
    op.drop_index("save_attempts_client_at", "save_attempts")
    op.drop_table("save_attempts")
