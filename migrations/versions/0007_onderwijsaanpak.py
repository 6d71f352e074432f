"""onderwijsaanpak: the cohort and its phases, activities, lessons, reporting rounds

Membership of the onderwijsaanpak now follows from the cohort (`gemeenten.programmas`,
registered by `onderwijsaanpak`). Each manual flag becomes a cohort member: the flag did not say
which phase, so it is taken into the rollout (planned from 1 January 2016, when the rollout
began) with a reason that says so, for an officer to check; its note is kept. Flags marked as
demo data are removed instead: `flask demo laden` makes the demo cohort with its phases.
Every flag that goes is written to the register's own history (gemeente_mutaties).

The downgrade sets a flag again for every municipality that takes part, and refuses when it
would lose activities, lessons, rounds or a phase history.

Revision ID: 0007
Revises: 0006


"""

from datetime import UTC, date, datetime

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

PROGRAMMA = "onderwijsaanpak"
DOOR = "migratie 0007"
UITROL_VANAF = date(2016, 1, 1)
REDEN = (
    "Overgenomen uit de deelname die met de hand werd bijgehouden. Die zei niet in welke fase; "
    "aangenomen is de uitrol, gepland vanaf 1 januari 2016. Controleer de fase en de data."
)

deelnames = sa.table(
    "deelnames",
    sa.column("id", sa.Integer),
    sa.column("gemeente_id", sa.Integer),
    sa.column("programma", sa.String),
    sa.column("toelichting", sa.String),
    sa.column("demo", sa.Boolean),
)
mutaties = sa.table(
    "gemeente_mutaties",
    sa.column("gemeente_id", sa.Integer),
    sa.column("soort", sa.String),
    sa.column("oud", sa.String),
    sa.column("nieuw", sa.String),
    sa.column("uitgevoerd_op", sa.DateTime(timezone=True)),
    sa.column("uitgevoerd_door", sa.String),
)
cohortleden = sa.table(
    "cohortleden",
    sa.column("id", sa.Integer),
    sa.column("gemeente_id", sa.Integer),
    sa.column("fase", sa.String),
    sa.column("toelichting", sa.String),
    sa.column("demo", sa.Boolean),
    sa.column("opgenomen_door", sa.String),
    sa.column("opgenomen_op", sa.DateTime(timezone=True)),
    sa.column("versie", sa.Integer),
)
faseperioden = sa.table(
    "faseperioden",
    sa.column("cohortlid_id", sa.Integer),
    sa.column("volgnummer", sa.Integer),
    sa.column("fase", sa.String),
    sa.column("gepland_start", sa.Date),
    sa.column("gestart_op", sa.Date),
    sa.column("reden", sa.Text),
    sa.column("vastgelegd_door", sa.String),
    sa.column("vastgelegd_op", sa.DateTime(timezone=True)),
    sa.column("versie", sa.Integer),
)


def upgrade():
    op.create_table(
        "cohortleden",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gemeente_id", sa.Integer(), nullable=False),
        sa.Column(
            "fase",
            sa.Enum(
                "pilot",
                "uitrol",
                "beeindigd",
                name="fase",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("toelichting", sa.String(length=200), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("opgenomen_door", sa.String(length=254), nullable=False),
        sa.Column("opgenomen_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("versie", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["gemeente_id"], ["gemeenten.id"], name=op.f("fk_cohortleden_gemeente_id_gemeenten")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohortleden")),
        sa.UniqueConstraint("gemeente_id", name=op.f("uq_cohortleden_gemeente_id")),
    )
    with op.batch_alter_table("cohortleden", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cohortleden_fase"), ["fase"], unique=False)

    op.create_table(
        "faseperioden",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohortlid_id", sa.Integer(), nullable=False),
        sa.Column("volgnummer", sa.Integer(), nullable=False),
        sa.Column(
            "fase",
            sa.Enum(
                "pilot",
                "uitrol",
                "beeindigd",
                name="faseperiodefase",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("gepland_start", sa.Date(), nullable=False),
        sa.Column("gestart_op", sa.Date(), nullable=True),
        sa.Column("reden", sa.Text(), nullable=True),
        sa.Column("vastgelegd_door", sa.String(length=254), nullable=False),
        sa.Column("vastgelegd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("versie", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohortlid_id"],
            ["cohortleden.id"],
            name=op.f("fk_faseperioden_cohortlid_id_cohortleden"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faseperioden")),
        sa.UniqueConstraint("cohortlid_id", "volgnummer", name="uq_faseperioden_volgnummer"),
    )
    with op.batch_alter_table("faseperioden", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_faseperioden_cohortlid_id"), ["cohortlid_id"], unique=False
        )

    op.create_table(
        "activiteiten",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gemeente_id", sa.Integer(), nullable=False),
        sa.Column(
            "soort",
            sa.Enum(
                "training_schoolbestuur",
                "training_professionals",
                "burgerschap",
                name="activiteitsoort",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("school", sa.String(length=200), nullable=False),
        sa.Column("brin", sa.String(length=6), nullable=True),
        sa.Column(
            "niveau",
            sa.Enum(
                "vo", "mbo", name="niveau", native_enum=False, create_constraint=True, length=5
            ),
            nullable=False,
        ),
        sa.Column("deelnemers", sa.Integer(), nullable=False),
        sa.Column("aanbieder", sa.String(length=200), nullable=True),
        sa.Column("opmerkingen", sa.Text(), nullable=True),
        sa.Column("bron", sa.String(length=20), nullable=False),
        sa.Column("gemeld_door", sa.String(length=254), nullable=False),
        sa.Column("gemeld_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("versie", sa.Integer(), nullable=False),
        sa.CheckConstraint("deelnemers > 0", name=op.f("ck_activiteiten_deelnemers_positief")),
        sa.ForeignKeyConstraint(
            ["gemeente_id"], ["gemeenten.id"], name=op.f("fk_activiteiten_gemeente_id_gemeenten")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activiteiten")),
    )
    with op.batch_alter_table("activiteiten", schema=None) as batch_op:
        batch_op.create_index(
            "ix_activiteiten_gemeente_datum", ["gemeente_id", "datum"], unique=False
        )

    op.create_table(
        "lessen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gemeente_id", sa.Integer(), nullable=False),
        sa.Column("thema", sa.String(length=120), nullable=False),
        sa.Column("tekst", sa.Text(), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("in_uitrol", sa.Boolean(), nullable=False),
        sa.Column("vastgelegd_door", sa.String(length=254), nullable=False),
        sa.Column("vastgelegd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("versie", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["gemeente_id"], ["gemeenten.id"], name=op.f("fk_lessen_gemeente_id_gemeenten")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessen")),
    )
    with op.batch_alter_table("lessen", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lessen_gemeente_id"), ["gemeente_id"], unique=False)

    op.create_table(
        "rapportagerondes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("naam", sa.String(length=120), nullable=False),
        sa.Column("periode_van", sa.Date(), nullable=False),
        sa.Column("periode_tot", sa.Date(), nullable=False),
        sa.Column("uiterlijk", sa.Date(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("geopend_door", sa.String(length=254), nullable=False),
        sa.Column("geopend_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gesloten_door", sa.String(length=254), nullable=True),
        sa.Column("gesloten_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("versie", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "periode_tot >= periode_van", name=op.f("ck_rapportagerondes_periode_oplopend")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rapportagerondes")),
        sa.UniqueConstraint("naam", name=op.f("uq_rapportagerondes_naam")),
    )

    op.create_table(
        "rapportages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ronde_id", sa.Integer(), nullable=False),
        sa.Column("gemeente_id", sa.Integer(), nullable=False),
        sa.Column("volgnummer", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "ingediend",
                "goedgekeurd",
                "teruggestuurd",
                name="rapportagestatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("aantal_activiteiten", sa.Integer(), nullable=False),
        sa.Column("deelnemers", sa.Integer(), nullable=False),
        sa.Column("toelichting", sa.Text(), nullable=True),
        sa.Column("ingediend_door", sa.String(length=254), nullable=False),
        sa.Column("ingediend_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beoordeeld_door", sa.String(length=254), nullable=True),
        sa.Column("beoordeeld_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reactie", sa.Text(), nullable=True),
        sa.Column("versie", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["gemeente_id"], ["gemeenten.id"], name=op.f("fk_rapportages_gemeente_id_gemeenten")
        ),
        sa.ForeignKeyConstraint(
            ["ronde_id"],
            ["rapportagerondes.id"],
            name=op.f("fk_rapportages_ronde_id_rapportagerondes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rapportages")),
        sa.UniqueConstraint(
            "ronde_id", "gemeente_id", "volgnummer", name="uq_rapportages_volgnummer"
        ),
    )
    with op.batch_alter_table("rapportages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rapportages_gemeente_id"), ["gemeente_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_rapportages_ronde_id"), ["ronde_id"], unique=False)

    _flags_into_the_cohort()


def _flags_into_the_cohort():
    verbinding = op.get_bind()
    vlaggen = verbinding.execute(
        sa.select(deelnames.c.gemeente_id, deelnames.c.toelichting, deelnames.c.demo)
        .where(deelnames.c.programma == PROGRAMMA)
        .order_by(deelnames.c.gemeente_id)
    ).all()
    if not vlaggen:
        return
    nu = datetime.now(UTC)
    echt = [(gemeente_id, toelichting) for gemeente_id, toelichting, demo in vlaggen if not demo]
    if echt:
        op.bulk_insert(
            cohortleden,
            [
                {
                    "gemeente_id": gemeente_id,
                    "fase": "uitrol",
                    "toelichting": toelichting,
                    "demo": False,
                    "opgenomen_door": DOOR,
                    "opgenomen_op": nu,
                    "versie": 1,
                }
                for gemeente_id, toelichting in echt
            ],
        )
        leden = (
            verbinding.execute(
                sa.select(cohortleden.c.id).where(cohortleden.c.opgenomen_door == DOOR)
            )
            .scalars()
            .all()
        )
        op.bulk_insert(
            faseperioden,
            [
                {
                    "cohortlid_id": lid_id,
                    "volgnummer": 1,
                    "fase": "uitrol",
                    "gepland_start": UITROL_VANAF,
                    "gestart_op": None,
                    "reden": REDEN,
                    "vastgelegd_door": DOOR,
                    "vastgelegd_op": nu,
                    "versie": 1,
                }
                for lid_id in leden
            ],
        )
    op.bulk_insert(
        mutaties,
        [
            {
                "gemeente_id": gemeente_id,
                "soort": "deelname",
                "oud": (
                    f"Onderwijsaanpak ({'demogegevens, ' if demo else ''}met de hand)"
                    f"{': ' + toelichting if toelichting else ''}"
                )[:100],
                "nieuw": (
                    "Onderwijsaanpak: demogegevens opnieuw te laden"
                    if demo
                    else "Onderwijsaanpak: volgt uit het cohort (uitrol)"
                ),
                "uitgevoerd_op": nu,
                "uitgevoerd_door": DOOR,
            }
            for gemeente_id, toelichting, demo in vlaggen
        ],
    )
    verbinding.execute(sa.delete(deelnames).where(deelnames.c.programma == PROGRAMMA))


def downgrade():
    verbinding = op.get_bind()
    verloren = {
        "activiteit(en)": "SELECT COUNT(*) FROM activiteiten",
        "les(sen)": "SELECT COUNT(*) FROM lessen",
        "rapportageronde(s)": "SELECT COUNT(*) FROM rapportagerondes",
        "faseovergang(en)": "SELECT COUNT(*) FROM faseperioden WHERE volgnummer > 1",
    }
    aantallen = {
        wat: verbinding.execute(sa.text(sql)).scalar_one() for wat, sql in verloren.items()
    }
    if any(aantallen.values()):
        raise RuntimeError(
            "This downgrade would lose "
            + ", ".join(f"{n} {wat}" for wat, n in aantallen.items() if n)
            + " of the onderwijsaanpak; not downgrading."
        )
    leden = verbinding.execute(
        sa.select(
            cohortleden.c.gemeente_id,
            cohortleden.c.fase,
            cohortleden.c.toelichting,
            cohortleden.c.demo,
        ).where(cohortleden.c.fase.in_(("pilot", "uitrol")))
    ).all()
    if leden:
        # The flag has no phase: its note keeps it.
        op.bulk_insert(
            deelnames,
            [
                {
                    "gemeente_id": gemeente_id,
                    "programma": PROGRAMMA,
                    "toelichting": f"Fase {fase}{': ' + toelichting if toelichting else ''}"[:200],
                    "demo": demo,
                }
                for gemeente_id, fase, toelichting, demo in leden
            ],
        )
    verbinding.execute(sa.delete(mutaties).where(mutaties.c.uitgevoerd_door == DOOR))

    with op.batch_alter_table("faseperioden", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_faseperioden_cohortlid_id"))

    op.drop_table("faseperioden")
    with op.batch_alter_table("rapportages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rapportages_ronde_id"))
        batch_op.drop_index(batch_op.f("ix_rapportages_gemeente_id"))

    op.drop_table("rapportages")
    with op.batch_alter_table("lessen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lessen_gemeente_id"))

    op.drop_table("lessen")
    with op.batch_alter_table("cohortleden", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohortleden_fase"))

    op.drop_table("cohortleden")
    with op.batch_alter_table("activiteiten", schema=None) as batch_op:
        batch_op.drop_index("ix_activiteiten_gemeente_datum")

    op.drop_table("activiteiten")
    op.drop_table("rapportagerondes")
