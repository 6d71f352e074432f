"""versterkingsgelden: indexes for the work lists (open payments by planned date, payments
registered in a month, returns waiting for review)

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

OPEN = sa.text("betaald_op IS NULL AND geannuleerd_op IS NULL")
INGEDIEND = sa.text("status = 'ingediend'")


def upgrade():
    op.create_index(
        "ix_betalingen_open",
        "betalingen",
        ["gepland_op", "id"],
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_index("ix_betalingen_betaald_op", "betalingen", ["betaald_op", "id"])
    op.create_index(
        "ix_verantwoordingen_ingediend",
        "verantwoordingen",
        ["ingediend_op", "id"],
        sqlite_where=INGEDIEND,
        postgresql_where=INGEDIEND,
    )


def downgrade():
    op.drop_index("ix_verantwoordingen_ingediend", table_name="verantwoordingen")
    op.drop_index("ix_betalingen_betaald_op", table_name="betalingen")
    op.drop_index("ix_betalingen_open", table_name="betalingen")
