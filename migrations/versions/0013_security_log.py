"""kern: the security log, and the database refusing changes to both trails

`beveiligingslog` records sign-ins, refusals, account changes, uploads, imports and exports
(kern/beveiligingslog.py). On PostgreSQL a trigger refuses UPDATE and DELETE on it and on
`audit_regels`, so that not even a bug or a hand-typed statement through the application's
account rewrites what happened (TRUNCATE, which only the test suite uses, is not a row change).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

ALLEEN_AANVULLEN = ("audit_regels", "beveiligingslog")


def upgrade():
    op.create_table(
        "beveiligingslog",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tijdstip", sa.DateTime(timezone=True), nullable=False),
        sa.Column("door", sa.String(length=254), nullable=False),
        sa.Column(
            "gebeurtenis",
            sa.Enum(
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
                name="gebeurtenis",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column(
            "resultaat",
            sa.Enum(
                "gelukt",
                "mislukt",
                "geweigerd",
                name="resultaat",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("object", sa.String(length=300), nullable=False),
        sa.Column("adres", sa.String(length=45), nullable=False),
        sa.Column("toelichting", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beveiligingslog")),
    )
    op.create_index("ix_beveiligingslog_tijdstip", "beveiligingslog", ["tijdstip"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE OR REPLACE FUNCTION weiger_wijziging() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% wordt alleen aangevuld: % is niet toegestaan',
                    TG_TABLE_NAME, TG_OP;
            END $$
            """
        )
        for tabel in ALLEEN_AANVULLEN:
            op.execute(
                f"CREATE TRIGGER {tabel}_alleen_aanvullen BEFORE UPDATE OR DELETE ON {tabel} "
                "FOR EACH ROW EXECUTE FUNCTION weiger_wijziging()"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for tabel in ALLEEN_AANVULLEN:
            op.execute(f"DROP TRIGGER IF EXISTS {tabel}_alleen_aanvullen ON {tabel}")
        op.execute("DROP FUNCTION IF EXISTS weiger_wijziging()")
    op.drop_index("ix_beveiligingslog_tijdstip", table_name="beveiligingslog")
    op.drop_table("beveiligingslog")
