"""kern: a background job keeps the file it made (an export)

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("achtergrondtaken") as tabel:
        tabel.add_column(sa.Column("bestand", sa.LargeBinary(), nullable=True))
        tabel.add_column(sa.Column("bestandsnaam", sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table("achtergrondtaken") as tabel:
        tabel.drop_column("bestandsnaam")
        tabel.drop_column("bestand")
