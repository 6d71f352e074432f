"""kern: the data version, raised by every transaction that changes programme data

One row (`kern.audit.Dataversie`), written by the first change; cached pages carry the version
they were computed at (kern/cache.py).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dataversie",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("versie", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataversie")),
    )


def downgrade():
    op.drop_table("dataversie")
