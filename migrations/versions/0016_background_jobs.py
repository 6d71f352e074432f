"""kern: background jobs

`achtergrondtaken` records each job run on the queue (kern/taken.py): what it does and for
which object, who started it, its state, how far it got and how it ended. The unique partial
index lets one job per kind and key (an import per scheme) wait or run at a time.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

ACTIEF = sa.text("status IN ('wachtend', 'bezig')")


def upgrade():
    op.create_table(
        "achtergrondtaken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("soort", sa.String(length=40), nullable=False),
        sa.Column("sleutel", sa.String(length=80), nullable=False),
        sa.Column("stap", sa.String(length=40), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "wachtend",
                "bezig",
                "klaar",
                "mislukt",
                name="taakstatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("regels_gecontroleerd", sa.Integer(), nullable=False),
        sa.Column("regels_ingelezen", sa.Integer(), nullable=False),
        sa.Column("totaal", sa.Integer(), nullable=True),
        sa.Column("aangemaakt_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gestart_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("klaar_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hartslag", sa.DateTime(timezone=True), nullable=True),
        sa.Column("gebruiker_id", sa.Integer(), nullable=True),
        sa.Column("door", sa.String(length=254), nullable=False),
        sa.Column("gegevens", sa.JSON(), nullable=False),
        sa.Column("resultaat", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["gebruiker_id"],
            ["gebruikers.id"],
            name=op.f("fk_achtergrondtaken_gebruiker_id_gebruikers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["upload_id"], ["uploads.id"], name=op.f("fk_achtergrondtaken_upload_id_uploads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achtergrondtaken")),
    )
    op.create_index("ix_achtergrondtaken_upload_id", "achtergrondtaken", ["upload_id"])
    op.create_index(
        "uq_achtergrondtaken_actief",
        "achtergrondtaken",
        ["soort", "sleutel"],
        unique=True,
        sqlite_where=ACTIEF,
        postgresql_where=ACTIEF,
    )


def downgrade():
    op.drop_index("uq_achtergrondtaken_actief", table_name="achtergrondtaken")
    op.drop_index("ix_achtergrondtaken_upload_id", table_name="achtergrondtaken")
    op.drop_table("achtergrondtaken")
