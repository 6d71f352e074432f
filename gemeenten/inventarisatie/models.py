"""The needs inventory's data: inventories, their parts and themes, participants and answers.

An `Inventarisatie` has ordered `Deel` rows (parts: problematiek, capaciteit en beleid, ...),
each with ordered `Thema` rows the officers define. The municipalities asked to take part are
`Deelnemer` rows (invited on a date, answered on a date: the response rate). An `Antwoord` is
one municipality's answer on one theme. Themes and answers carry their inventory's id, and
composite foreign keys make the database itself refuse a theme in another inventory's part, or
an answer by a municipality that was not invited or on another inventory's theme.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kern.audit import Geaudit
from kern.db import Keuze, Model, tekst_enum, utcnow

if TYPE_CHECKING:
    from gemeenten.models import Gemeente

PRIORITEITEN = range(1, 6)  # 1 (low) to 5 (high)


class Inventarisatie(Geaudit, Model):
    """One needs inventory, such as the quickscan of 2015 (Kamerstuk 29 754, nr. 323).

    ``open_voor_gemeenten``: the officer has opened it for municipalities to enter and correct
    their own answers (by ``uiterlijk``, when set); closed, they only read them.
    """

    __tablename__ = "inventarisaties"
    __audit_soort__ = "inventarisatie"

    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(sa.String(200), unique=True)
    datum: Mapped[date]
    kamerstuk: Mapped[str | None] = mapped_column(sa.String(40))  # "29 754, nr. 323"
    open_voor_gemeenten: Mapped[bool] = mapped_column(default=False)
    uiterlijk: Mapped[date | None]  # when municipalities should have answered; None: no date
    # Demo data is labelled as such on every screen that shows it.
    demo: Mapped[bool] = mapped_column(default=False)
    aangemaakt_door: Mapped[str] = mapped_column(sa.String(254))
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)
    versie: Mapped[int] = mapped_column(default=1)

    delen: Mapped[list[Deel]] = relationship(
        back_populates="inventarisatie",
        order_by="[Deel.volgorde, Deel.id]",
        cascade="all, delete-orphan",
    )
    deelnemers: Mapped[list[Deelnemer]] = relationship(
        back_populates="inventarisatie", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": versie}

    @property
    def themas(self) -> list[Thema]:
        """Every theme, part by part, each part's in its order."""
        return [thema for deel in self.delen for thema in deel.themas]


class Deel(Geaudit, Model):
    """A part of an inventory's questionnaire, in the order it is asked."""

    __tablename__ = "inventarisatie_delen"
    __audit_soort__ = "inventarisatiedeel"
    __table_args__ = (
        sa.UniqueConstraint("inventarisatie_id", "naam", name="uq_inventarisatie_delen_naam"),
        sa.UniqueConstraint("id", "inventarisatie_id", name="uq_inventarisatie_delen_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by the unique keys that begin with it.
    inventarisatie_id: Mapped[int] = mapped_column(sa.ForeignKey("inventarisaties.id"))
    naam: Mapped[str] = mapped_column(sa.String(120))
    volgorde: Mapped[int]
    versie: Mapped[int] = mapped_column(default=1)

    inventarisatie: Mapped[Inventarisatie] = relationship(back_populates="delen")
    themas: Mapped[list[Thema]] = relationship(
        back_populates="deel", order_by="[Thema.volgorde, Thema.id]", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": versie}


class Thema(Geaudit, Model):
    """A theme an officer defined in a part; its name is unique in the inventory."""

    __tablename__ = "inventarisatie_themas"
    __audit_soort__ = "thema"
    __table_args__ = (
        sa.UniqueConstraint("inventarisatie_id", "naam", name="uq_inventarisatie_themas_naam"),
        sa.UniqueConstraint("id", "inventarisatie_id", name="uq_inventarisatie_themas_id"),
        sa.ForeignKeyConstraint(
            ["deel_id", "inventarisatie_id"],
            ["inventarisatie_delen.id", "inventarisatie_delen.inventarisatie_id"],
            name="fk_inventarisatie_themas_deel",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by the unique keys that begin with it.
    inventarisatie_id: Mapped[int] = mapped_column(sa.ForeignKey("inventarisaties.id"))
    deel_id: Mapped[int] = mapped_column(index=True)
    naam: Mapped[str] = mapped_column(sa.String(120))
    omschrijving: Mapped[str | None] = mapped_column(sa.Text)
    volgorde: Mapped[int]
    versie: Mapped[int] = mapped_column(default=1)

    # Written through the part: `deel` sets both ``deel_id`` and ``inventarisatie_id``.
    inventarisatie: Mapped[Inventarisatie] = relationship(viewonly=True)
    deel: Mapped[Deel] = relationship(back_populates="themas")

    __mapper_args__ = {"version_id_col": versie}

    @property
    def label(self) -> str:
        """For the audit trail of the actions that cover it."""
        return self.naam


class Deelnemer(Geaudit, Model):
    """A municipality invited to an inventory: when it was invited and when it answered."""

    __tablename__ = "inventarisatie_deelnemers"
    __audit_soort__ = "inventarisatiedeelnemer"
    __table_args__ = (
        sa.UniqueConstraint(
            "inventarisatie_id", "gemeente_id", name="uq_inventarisatie_deelnemers_gemeente"
        ),
        sa.CheckConstraint(
            "beantwoord_op IS NULL OR beantwoord_op >= uitgenodigd_op",
            name="beantwoord_na_uitnodiging",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by the unique keys that begin with it.
    inventarisatie_id: Mapped[int] = mapped_column(sa.ForeignKey("inventarisaties.id"))
    gemeente_id: Mapped[int] = mapped_column(sa.ForeignKey("gemeenten.id"), index=True)
    uitgenodigd_op: Mapped[date]
    beantwoord_op: Mapped[date | None]  # None: no answer yet
    versie: Mapped[int] = mapped_column(default=1)

    inventarisatie: Mapped[Inventarisatie] = relationship(back_populates="deelnemers")
    gemeente: Mapped[Gemeente] = relationship()
    antwoorden: Mapped[list[Antwoord]] = relationship(viewonly=True, order_by="Antwoord.thema_id")

    __mapper_args__ = {"version_id_col": versie}

    @property
    def heeft_geantwoord(self) -> bool:
        return self.beantwoord_op is not None


class Antwoord(Geaudit, Model):
    """A municipality's answer on one theme: a need or not, its priority, its description."""

    __tablename__ = "inventarisatie_antwoorden"
    __audit_soort__ = "antwoord"
    __table_args__ = (
        sa.UniqueConstraint(
            "inventarisatie_id",
            "gemeente_id",
            "thema_id",
            name="uq_inventarisatie_antwoorden_thema",
        ),
        sa.ForeignKeyConstraint(
            ["inventarisatie_id", "gemeente_id"],
            [
                "inventarisatie_deelnemers.inventarisatie_id",
                "inventarisatie_deelnemers.gemeente_id",
            ],
            name="fk_inventarisatie_antwoorden_deelnemer",
        ),
        sa.ForeignKeyConstraint(
            ["thema_id", "inventarisatie_id"],
            ["inventarisatie_themas.id", "inventarisatie_themas.inventarisatie_id"],
            name="fk_inventarisatie_antwoorden_thema",
        ),
        sa.CheckConstraint(
            "prioriteit IS NULL OR (prioriteit >= 1 AND prioriteit <= 5)",
            name="prioriteit_1_tot_5",
        ),
        sa.CheckConstraint("behoefte OR prioriteit IS NULL", name="prioriteit_alleen_bij_behoefte"),
        sa.Index("ix_inventarisatie_antwoorden_thema", "thema_id"),
        sa.Index("ix_inventarisatie_antwoorden_gemeente", "gemeente_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inventarisatie_id: Mapped[int] = mapped_column(sa.ForeignKey("inventarisaties.id"))
    gemeente_id: Mapped[int] = mapped_column(sa.ForeignKey("gemeenten.id"))
    thema_id: Mapped[int]
    behoefte: Mapped[bool]
    prioriteit: Mapped[int | None]  # 1 (low) to 5 (high); only with a need, and optional then
    toelichting: Mapped[str | None] = mapped_column(sa.Text)
    contactpersoon: Mapped[str | None] = mapped_column(sa.String(200))
    bron: Mapped[str] = mapped_column(sa.String(20), default="web")  # web or excel
    ingevuld_door: Mapped[str] = mapped_column(sa.String(254))
    ingevuld_op: Mapped[datetime] = mapped_column(default=utcnow)
    versie: Mapped[int] = mapped_column(default=1)

    # Written through the theme: `thema` sets both ``thema_id`` and ``inventarisatie_id``.
    inventarisatie: Mapped[Inventarisatie] = relationship(viewonly=True)
    gemeente: Mapped[Gemeente] = relationship()
    thema: Mapped[Thema] = relationship()

    __mapper_args__ = {"version_id_col": versie}

    @property
    def label(self) -> str:
        """For the audit trail of the actions that cover it: "Amsterdam: Kennis"."""
        return f"{self.gemeente.weergavenaam}: {self.thema.naam}"


# --- The national response: actions on needs (`gemeenten.inventarisatie.acties`) -------------


class Organisatie(Keuze):
    """Who carries an action out."""

    NCTV = "nctv"
    SZW = "szw"
    ESS = "ess"
    ROR = "ror"
    ANDERS = "anders"  # named in `Actie.organisatie_anders`

    @property
    def label(self) -> str:
        return ORGANISATIE_LABELS[self]

    @property
    def voluit(self) -> str:
        return ORGANISATIE_VOLUIT[self]


ORGANISATIE_LABELS = {
    Organisatie.NCTV: "NCTV",
    Organisatie.SZW: "SZW",
    Organisatie.ESS: "ESS",
    Organisatie.ROR: "ROR",
    Organisatie.ANDERS: "Anders",
}
ORGANISATIE_VOLUIT = {
    Organisatie.NCTV: "Nationaal Coördinator Terrorismebestrijding en Veiligheid",
    Organisatie.SZW: "Ministerie van Sociale Zaken en Werkgelegenheid",
    Organisatie.ESS: "Expertise-unit Sociale Stabiliteit",
    Organisatie.ROR: "Rijksopleidingsinstituut tegengaan Radicalisering",
    Organisatie.ANDERS: "Een andere organisatie",
}


class ActieStatus(Keuze):
    GEPLAND = "gepland"
    LOPEND = "lopend"
    AFGEROND = "afgerond"


def _naar(tabel: str, naam: str) -> sa.ForeignKey:
    """A link's foreign key; named by hand, as the convention's name passes PostgreSQL's 63
    characters."""
    return sa.ForeignKey(f"{tabel}.id", ondelete="CASCADE", name=naam)


# Which themes and which single needs (answers with a need) an action responds to. Removing a
# theme or an answer removes its links (the backrefs below let the ORM do so; the database too).
actie_themas = sa.Table(
    "inventarisatie_actie_themas",
    Model.metadata,
    sa.Column(
        "actie_id", _naar("inventarisatie_acties", "fk_actie_themas_actie"), primary_key=True
    ),
    sa.Column(
        "thema_id", _naar("inventarisatie_themas", "fk_actie_themas_thema"), primary_key=True
    ),
)
actie_behoeften = sa.Table(
    "inventarisatie_actie_behoeften",
    Model.metadata,
    sa.Column(
        "actie_id", _naar("inventarisatie_acties", "fk_actie_behoeften_actie"), primary_key=True
    ),
    sa.Column(
        "antwoord_id",
        _naar("inventarisatie_antwoorden", "fk_actie_behoeften_antwoord"),
        primary_key=True,
    ),
)


class Actie(Geaudit, Model):
    """The national government's response to needs of an inventory: what is done, by whom,
    how far it is, and the date that goes with its status (planned, started or finished).

    It responds to whole themes (every need on them) and to single needs; a need can be
    covered by several actions, and an action can cover many needs.
    """

    __tablename__ = "inventarisatie_acties"
    __audit_soort__ = "inventarisatieactie"
    __audit_relaties__ = ("themas", "behoeften")
    __table_args__ = (
        sa.CheckConstraint(
            "(organisatie = 'anders') = (organisatie_anders IS NOT NULL)",
            name="andere_organisatie_genoemd",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inventarisatie_id: Mapped[int] = mapped_column(sa.ForeignKey("inventarisaties.id"), index=True)
    omschrijving: Mapped[str] = mapped_column(sa.Text)
    organisatie: Mapped[Organisatie] = mapped_column(tekst_enum(Organisatie, "organisatie", 10))
    organisatie_anders: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[ActieStatus] = mapped_column(tekst_enum(ActieStatus, "actiestatus", 10))
    datum: Mapped[date]
    demo: Mapped[bool] = mapped_column(default=False)
    vastgelegd_door: Mapped[str] = mapped_column(sa.String(254))
    vastgelegd_op: Mapped[datetime] = mapped_column(default=utcnow)
    versie: Mapped[int] = mapped_column(default=1)

    inventarisatie: Mapped[Inventarisatie] = relationship()
    themas: Mapped[list[Thema]] = relationship(
        secondary=actie_themas, order_by="Thema.volgorde", backref="acties"
    )
    behoeften: Mapped[list[Antwoord]] = relationship(
        secondary=actie_behoeften, order_by="Antwoord.id", backref="acties"
    )

    __mapper_args__ = {"version_id_col": versie}

    @property
    def uitvoerder(self) -> str:
        """The organisation as shown: its abbreviation, or the other one's name."""
        if self.organisatie is Organisatie.ANDERS:
            return self.organisatie_anders or Organisatie.ANDERS.label
        return self.organisatie.label
