"""accounts: the second factor (TOTP and recovery codes), sessions that wait for it

`gebruikers` gets the TOTP secret, when it was confirmed and the last time step a code was
accepted for; `herstelcodes` keeps the SHA-256 of each single-use recovery code;
`sessies.tweede_factor_op` says when the session's second factor was given (NULL: password
checked, second factor pending). The security log knows the second factor's events and a role
change. Every running session ends with this migration: everyone signs in again, now with a
second factor (and enrols at that first sign-in).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

GEBEURTENISSEN = [
    "aanmelden",
    "afmelden",
    "sessies beëindigd",
    "wachtwoord gewijzigd",
    "toegang",
    "account aangemaakt",
    "account geblokkeerd",
    "account gedeblokkeerd",
    "upload",
    "import",
    "export",
]
NIEUWE_GEBEURTENISSEN = [
    "tweede factor",
    "tweede factor ingesteld",
    "tweede factor gereset",
    "rol gewijzigd",
]


def _gebeurtenis_check(waarden):
    lijst = ", ".join("'" + w + "'" for w in waarden)
    with op.batch_alter_table("beveiligingslog") as batch_op:
        batch_op.drop_constraint(op.f("ck_beveiligingslog_gebeurtenis"), type_="check")
        batch_op.create_check_constraint("gebeurtenis", sa.text(f"gebeurtenis IN ({lijst})"))


def upgrade():
    with op.batch_alter_table("gebruikers") as batch_op:
        batch_op.add_column(sa.Column("totp_geheim", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("totp_ingesteld_op", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("totp_laatste_stap", sa.BigInteger(), nullable=True))
    op.create_table(
        "herstelcodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gebruiker_id", sa.Integer(), nullable=False),
        sa.Column("sleutel", sa.String(length=64), nullable=False),
        sa.Column("gebruikt_op", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["gebruiker_id"],
            ["gebruikers.id"],
            name=op.f("fk_herstelcodes_gebruiker_id_gebruikers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_herstelcodes")),
    )
    op.create_index(
        op.f("ix_herstelcodes_gebruiker_id"), "herstelcodes", ["gebruiker_id"], unique=False
    )
    with op.batch_alter_table("sessies") as batch_op:
        batch_op.add_column(
            sa.Column("tweede_factor_op", sa.DateTime(timezone=True), nullable=True)
        )
    sessies = sa.table(
        "sessies",
        sa.column("beeindigd_op", sa.DateTime(timezone=True)),
    )
    op.execute(
        sessies.update()
        .where(sessies.c.beeindigd_op.is_(None))
        .values(beeindigd_op=sa.func.current_timestamp())
    )
    _gebeurtenis_check(GEBEURTENISSEN + NIEUWE_GEBEURTENISSEN)


def downgrade():
    # The security log's check keeps the new events: the log is append-only (0013's trigger),
    # so rows of them stay, and a narrower check would refuse them.
    with op.batch_alter_table("sessies") as batch_op:
        batch_op.drop_column("tweede_factor_op")
    op.drop_index(op.f("ix_herstelcodes_gebruiker_id"), table_name="herstelcodes")
    op.drop_table("herstelcodes")
    with op.batch_alter_table("gebruikers") as batch_op:
        batch_op.drop_column("totp_ingesteld_op")
        batch_op.drop_column("totp_laatste_stap")
        batch_op.drop_column("totp_geheim")
