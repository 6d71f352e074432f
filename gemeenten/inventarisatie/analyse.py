"""The analysis of an inventory: per theme how many respondents have a need and with what
priority, the matrix municipality × theme, the needs without a national response, and the
comparison of two inventories.

The counting is pure: `tel` takes the themes, the municipalities in view and their answers (one
`Cel` per answer; `analyseer` reads them in three queries) and counts everything in one pass
over the answers. Shares are exact fractions (`Aandeel`), shown rounded to one decimal only on
screen and in the export, so 3 of 7 is ``Fraction(3, 7)`` and reads "42,9 %".

A *respondent* of a theme is a municipality in view that answered that theme (need or not); a
municipality that left a theme open counts for neither the numerator nor the denominator, and
shows "—" in the matrix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy import select

from gemeenten import programmas
from gemeenten.inventarisatie.models import (
    Antwoord,
    Deel,
    Deelnemer,
    Inventarisatie,
    Thema,
    actie_behoeften,
    actie_themas,
)
from gemeenten.models import Gemeente, Programma
from kern.db import db

PRIORITEITEN = (1, 2, 3, 4, 5)
EEN_DECIMAAL = Decimal("0.1")
TWEE_DECIMALEN = Decimal("0.01")


def afgerond(breuk: Fraction, stap: Decimal) -> Decimal:
    """``breuk`` as a Decimal rounded half up to ``stap`` (Decimal division has no such
    rounding of its own that is exact for every fraction)."""
    return (Decimal(breuk.numerator) / Decimal(breuk.denominator)).quantize(
        stap, rounding=ROUND_HALF_UP
    )


def nl(getal: Decimal) -> str:
    """A Decimal with a decimal comma: ``42,9``."""
    return str(getal).replace(".", ",")


@dataclass(frozen=True)
class Aandeel:
    """``teller`` of ``noemer``; no share when the denominator is zero."""

    teller: int
    noemer: int

    @property
    def breuk(self) -> Fraction | None:
        return Fraction(self.teller, self.noemer) if self.noemer else None

    @property
    def procent(self) -> Decimal | None:
        """The share in percent, to one decimal: 3 of 7 is ``Decimal("42.9")``."""
        breuk = self.breuk
        return None if breuk is None else afgerond(breuk * 100, EEN_DECIMAAL)

    def __str__(self) -> str:
        procent = self.procent
        return "—" if procent is None else f"{nl(procent)} %"


def verschil(toen: Aandeel, nu: Aandeel) -> Decimal | None:
    """The change from ``toen`` to ``nu`` in percentage points, to one decimal, computed from
    the exact shares (not from their rounded figures)."""
    if toen.breuk is None or nu.breuk is None:
        return None
    return afgerond((nu.breuk - toen.breuk) * 100, EEN_DECIMAAL)


def verschil_tekst(punten: Decimal | None) -> str:
    if punten is None:
        return "—"
    teken = "+" if punten > 0 else ("−" if punten < 0 else "")
    return f"{teken}{nl(abs(punten))} procentpunt"


# --- What the analysis reads ----------------------------------------------------------------


@dataclass(frozen=True)
class Themakop:
    """A theme as the analysis shows it: in its part, in the inventory's order."""

    id: int
    naam: str
    deel: str


@dataclass(frozen=True)
class Rij:
    """A municipality in view."""

    id: int
    cbs_code: str
    naam: str  # as shown: CBS's name, with the common name where that differs
    provincie: str


@dataclass(frozen=True)
class Cel:
    """One municipality's answer on one theme."""

    gemeente_id: int
    thema_id: int
    behoefte: bool
    prioriteit: int | None  # 1 (low) to 5 (high) where there is a need and it was given
    met_actie: bool = False  # a need an action responds to, on its theme or on itself


# --- What it gives --------------------------------------------------------------------------


@dataclass
class Themacijfers:
    """One theme over the municipalities in view."""

    thema: Themakop
    respondenten: int = 0  # answered the theme
    met_behoefte: int = 0
    per_prioriteit: dict[int, int] = field(default_factory=lambda: dict.fromkeys(PRIORITEITEN, 0))
    zonder_prioriteit: int = 0  # a need without a priority given
    zonder_actie: int = 0  # needs no action responds to yet

    @property
    def aandeel(self) -> Aandeel:
        return Aandeel(self.met_behoefte, self.respondenten)

    @property
    def met_prioriteit(self) -> int:
        return sum(self.per_prioriteit.values())

    @property
    def gemiddelde(self) -> Fraction | None:
        """The mean priority of the needs that have one, exact."""
        if not self.met_prioriteit:
            return None
        som = sum(p * n for p, n in self.per_prioriteit.items())
        return Fraction(som, self.met_prioriteit)

    @property
    def gemiddelde_afgerond(self) -> Decimal | None:
        gemiddelde = self.gemiddelde
        return None if gemiddelde is None else afgerond(gemiddelde, TWEE_DECIMALEN)

    @property
    def gemiddelde_tekst(self) -> str:
        """The mean as the page shows it: "4,33", "3,00"; "—" without priorities."""
        gemiddelde = self.gemiddelde_afgerond
        return "—" if gemiddelde is None else nl(gemiddelde)


@dataclass
class Analyse:
    """Per theme its figures, and the matrix: per municipality in view its answers by theme."""

    themas: list[Themakop]
    gemeenten: list[Rij]
    per_thema: list[Themacijfers]
    matrix: dict[int, dict[int, Cel]]  # gemeente id -> thema id -> answer

    def cel(self, gemeente: Rij, thema: Themakop) -> Cel | None:
        return self.matrix.get(gemeente.id, {}).get(thema.id)

    def met_behoefte(self, thema: Themakop) -> list[Rij]:
        """The municipalities in view with a need on ``thema``, in the page's order."""
        return [g for g in self.gemeenten if (c := self.cel(g, thema)) is not None and c.behoefte]

    @property
    def respondenten(self) -> int:
        """Municipalities in view that answered at least one theme."""
        return sum(1 for g in self.gemeenten if self.matrix.get(g.id))


def tel(themas: Sequence[Themakop], gemeenten: Sequence[Rij], cellen: Iterable[Cel]) -> Analyse:
    """Count, in one pass over the answers, everything the analysis shows. Answers of a
    municipality or theme not in view are left out."""
    in_beeld = {g.id for g in gemeenten}
    cijfers = {t.id: Themacijfers(t) for t in themas}
    matrix: dict[int, dict[int, Cel]] = {}
    for cel in cellen:
        per_thema = cijfers.get(cel.thema_id)
        if per_thema is None or cel.gemeente_id not in in_beeld:
            continue
        matrix.setdefault(cel.gemeente_id, {})[cel.thema_id] = cel
        per_thema.respondenten += 1
        if cel.behoefte:
            per_thema.met_behoefte += 1
            per_thema.zonder_actie += not cel.met_actie
            if cel.prioriteit in per_thema.per_prioriteit:
                per_thema.per_prioriteit[cel.prioriteit] += 1
            else:
                per_thema.zonder_prioriteit += 1
    return Analyse(list(themas), list(gemeenten), [cijfers[t.id] for t in themas], matrix)


def celtekst(cel: Cel | None) -> str:
    """A matrix cell as text, so that it reads without colour: "ja · 2", "ja", "nee", "—"."""
    if cel is None:
        return "—"
    if not cel.behoefte:
        return "nee"
    return "ja" if cel.prioriteit is None else f"ja · {cel.prioriteit}"


def celklasse(cel: Cel | None) -> str:
    """The cell's class for the heat map's colour (the text says the same)."""
    if cel is None:
        return "hm hm--leeg"
    if not cel.behoefte:
        return "hm hm--nee"
    return "hm hm--ja" if cel.prioriteit is None else f"hm hm--p{cel.prioriteit}"


# --- Two inventories ------------------------------------------------------------------------


def themasleutel(naam: str) -> str:
    """Themes of two inventories are the same theme when their names are, case and surrounding
    or repeated white space aside."""
    return " ".join(naam.split()).casefold()


@dataclass(frozen=True)
class Vergelijkregel:
    """A theme present in both inventories: its share then and now."""

    naam: str  # as the later inventory names it
    toen: Aandeel
    nu: Aandeel
    toen_met_behoefte: tuple[str, ...] = ()  # the municipalities with a need, by name
    nu_met_behoefte: tuple[str, ...] = ()

    @property
    def verschil(self) -> Decimal | None:
        return verschil(self.toen, self.nu)


@dataclass(frozen=True)
class Vergelijking:
    regels: list[Vergelijkregel]
    alleen_toen: list[str]  # theme names only in the earlier inventory
    alleen_nu: list[str]


def vergelijk(toen: Analyse, nu: Analyse) -> Vergelijking:
    """Per theme in both (by name), in the later inventory's order."""
    eerder = {themasleutel(c.thema.naam): c for c in toen.per_thema}
    later = {themasleutel(c.thema.naam) for c in nu.per_thema}

    def namen(uitkomst: Analyse, thema: Themakop) -> tuple[str, ...]:
        return tuple(g.naam for g in uitkomst.met_behoefte(thema))

    regels = [
        Vergelijkregel(
            c.thema.naam,
            eerder[sleutel].aandeel,
            c.aandeel,
            namen(toen, eerder[sleutel].thema),
            namen(nu, c.thema),
        )
        for c in nu.per_thema
        if (sleutel := themasleutel(c.thema.naam)) in eerder
    ]
    return Vergelijking(
        regels,
        alleen_toen=[c.thema.naam for k, c in eerder.items() if k not in later],
        alleen_nu=[c.thema.naam for c in nu.per_thema if themasleutel(c.thema.naam) not in eerder],
    )


# --- Reading from the database --------------------------------------------------------------

# The programmes the analysis filters on (the inventory's own membership would say nothing).
PROGRAMMAFILTERS = (Programma.VERSTERKINGSGELDEN, Programma.ONDERWIJSAANPAK)


@dataclass(frozen=True)
class Filter:
    """Which invited municipalities are in view: of a province, in a programme (through
    `gemeenten.programmas`, which each programme fills), or all."""

    provincie: str | None = None
    programma: Programma | None = None


def themakoppen(inventarisatie: Inventarisatie) -> list[Themakop]:
    """The inventory's themes, part by part in the questionnaire's order."""
    rijen = db.session.execute(
        select(Thema.id, Thema.naam, Deel.naam)
        .join(Deel, Deel.id == Thema.deel_id)
        .where(Thema.inventarisatie_id == inventarisatie.id)
        .order_by(Deel.volgorde, Thema.volgorde)
    )
    return [Themakop(id_, naam, deel) for id_, naam, deel in rijen]


def _in_beeld(inventarisatie: Inventarisatie, filter: Filter) -> sa.Select[int]:
    """The ids of the invited municipalities that ``filter`` leaves in view."""
    query = (
        select(Deelnemer.gemeente_id)
        .join(Gemeente, Gemeente.id == Deelnemer.gemeente_id)
        .where(Deelnemer.inventarisatie_id == inventarisatie.id)
    )
    if filter.provincie:
        query = query.where(Gemeente.provincie == filter.provincie)
    if filter.programma is not None:
        query = query.where(Gemeente.id.in_(programmas.leden(filter.programma)))
    return query


def gemeenten(inventarisatie: Inventarisatie, filter: Filter) -> list[Rij]:
    """The invited municipalities in view, by name."""
    rijen = db.session.execute(
        select(Gemeente)
        .where(Gemeente.id.in_(_in_beeld(inventarisatie, filter)))
        .order_by(Gemeente.naam, Gemeente.cbs_code)
    ).scalars()
    return [Rij(g.id, g.cbs_code, g.weergavenaam, g.provincie) for g in rijen]


def _met_actie() -> sa.ColumnElement[bool]:
    """Whether an action responds to the answer: on its theme, or on the answer itself."""
    op_thema = select(actie_themas.c.actie_id).where(actie_themas.c.thema_id == Antwoord.thema_id)
    op_behoefte = select(actie_behoeften.c.actie_id).where(
        actie_behoeften.c.antwoord_id == Antwoord.id
    )
    return sa.or_(op_thema.exists(), op_behoefte.exists())


def cellen(inventarisatie: Inventarisatie, filter: Filter) -> Iterable[Cel]:
    """Every answer of the municipalities in view, with whether an action responds to it."""
    rijen = db.session.execute(
        select(
            Antwoord.gemeente_id,
            Antwoord.thema_id,
            Antwoord.behoefte,
            Antwoord.prioriteit,
            _met_actie(),
        ).where(
            Antwoord.inventarisatie_id == inventarisatie.id,
            Antwoord.gemeente_id.in_(_in_beeld(inventarisatie, filter)),
        )
    )
    for gemeente_id, thema_id, behoefte, prioriteit, met_actie in rijen:
        yield Cel(gemeente_id, thema_id, bool(behoefte), prioriteit, bool(met_actie))


def analyseer(inventarisatie: Inventarisatie, filter: Filter) -> Analyse:
    """The analysis of ``inventarisatie`` over the municipalities ``filter`` leaves in view:
    three queries (themes, municipalities, answers) and one pass."""
    return tel(
        themakoppen(inventarisatie),
        gemeenten(inventarisatie, filter),
        cellen(inventarisatie, filter),
    )


@dataclass(frozen=True)
class OpenBehoefte:
    """A need no action responds to yet."""

    antwoord_id: int
    thema: Themakop
    gemeente: Rij
    prioriteit: int | None
    toelichting: str | None


def zonder_actie(inventarisatie: Inventarisatie, filter: Filter) -> list[OpenBehoefte]:
    """The needs of the municipalities in view that no action responds to, neither on their
    theme nor on themselves: theme by theme, the highest priority first, then by name."""
    koppen = {k.id: k for k in themakoppen(inventarisatie)}
    in_beeld = {g.id: g for g in gemeenten(inventarisatie, filter)}
    rijen = db.session.execute(
        select(Antwoord.id, Antwoord.thema_id, Antwoord.gemeente_id, Antwoord.prioriteit)
        .add_columns(Antwoord.toelichting)
        .where(
            Antwoord.inventarisatie_id == inventarisatie.id,
            Antwoord.behoefte,
            Antwoord.gemeente_id.in_(list(in_beeld)),
            sa.not_(_met_actie()),
        )
    )
    volgorde = {thema_id: nummer for nummer, thema_id in enumerate(koppen)}
    behoeften = [
        OpenBehoefte(id_, koppen[thema_id], in_beeld[gemeente_id], prioriteit, toelichting)
        for id_, thema_id, gemeente_id, prioriteit, toelichting in rijen
    ]
    behoeften.sort(key=lambda b: (volgorde[b.thema.id], -(b.prioriteit or 0), b.gemeente.naam))
    return behoeften
