"""inventarisatie: the national response, actions on themes and single needs

An action (`inventarisatie_acties`) belongs to an inventory and says what is done, by which
organisation (NCTV, SZW, ESS, ROR, or another one, named), its status (gepland, lopend,
afgerond) and the date that goes with it. Two link tables say which themes and which single
needs (answers with a need) it responds to; removing an action, a theme or an answer removes
its links.

Revision ID: 0011
Revises: 0008


"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "inventarisatie_acties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inventarisatie_id", sa.Integer(), nullable=False),
        sa.Column("omschrijving", sa.Text(), nullable=False),
        sa.Column(
            "organisatie",
            sa.Enum(
                "nctv",
                "szw",
                "ess",
                "ror",
                "anders",
                name="organisatie",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("organisatie_anders", sa.String(length=200), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "gepland",
                "lopend",
                "afgerond",
                name="actiestatus",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("vastgelegd_door", sa.String(length=254), nullable=False),
        sa.Column("vastgelegd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("versie", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(organisatie = 'anders') = (organisatie_anders IS NOT NULL)",
            name=op.f("ck_inventarisatie_acties_andere_organisatie_genoemd"),
        ),
        sa.ForeignKeyConstraint(
            ["inventarisatie_id"],
            ["inventarisaties.id"],
            name=op.f("fk_inventarisatie_acties_inventarisatie_id_inventarisaties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventarisatie_acties")),
    )
    op.create_index(
        op.f("ix_inventarisatie_acties_inventarisatie_id"),
        "inventarisatie_acties",
        ["inventarisatie_id"],
        unique=False,
    )
    op.create_table(
        "inventarisatie_actie_themas",
        sa.Column("actie_id", sa.Integer(), nullable=False),
        sa.Column("thema_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actie_id"],
            ["inventarisatie_acties.id"],
            name="fk_actie_themas_actie",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thema_id"],
            ["inventarisatie_themas.id"],
            name="fk_actie_themas_thema",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("actie_id", "thema_id", name=op.f("pk_inventarisatie_actie_themas")),
    )
    op.create_table(
        "inventarisatie_actie_behoeften",
        sa.Column("actie_id", sa.Integer(), nullable=False),
        sa.Column("antwoord_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actie_id"],
            ["inventarisatie_acties.id"],
            name="fk_actie_behoeften_actie",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["antwoord_id"],
            ["inventarisatie_antwoorden.id"],
            name="fk_actie_behoeften_antwoord",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "actie_id", "antwoord_id", name=op.f("pk_inventarisatie_actie_behoeften")
        ),
    )


def downgrade():
    op.drop_table("inventarisatie_actie_behoeften")
    op.drop_table("inventarisatie_actie_themas")
    op.drop_index(
        op.f("ix_inventarisatie_acties_inventarisatie_id"), table_name="inventarisatie_acties"
    )
    op.drop_table("inventarisatie_acties")
