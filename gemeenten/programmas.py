"""Programme membership: where the register learns who takes part in which programme.

The register knows the programmes (`Programma`) but not their data. A programme whose
membership follows from its own data registers here how to find its members, as a query of
municipality ids (the versterkingsgelden: a decided decision; the onderwijsaanpak: its cohort). A
programme that registers nothing keeps the manual flag: a `Deelname` an officer sets by hand (for
now the needs inventory). The register's filter and the municipality page ask only this
module, and say on screen which membership is derived and which is set by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import Select, select

from gemeenten.models import Deelname, Gemeente, Programma
from kern.db import db

SLEUTEL = "programma_leden"
MET_DE_HAND = "met de hand bijgehouden"

Leden = Callable[[], Select[int]]  # the ids of the member municipalities


@dataclass(frozen=True)
class Herkomst:
    """How membership of one programme is determined."""

    programma: Programma
    leden: Leden | None  # None: by hand, from the programme's `Deelname` rows
    uitleg: str  # on screen: "volgt uit de beschikkingen", "met de hand bijgehouden"

    @property
    def met_de_hand(self) -> bool:
        return self.leden is None


def registreer(app: Flask, programma: Programma, leden: Leden, uitleg: str) -> None:
    """Membership of ``programma`` follows from data: ``leden`` selects the member ids."""
    app.extensions.setdefault(SLEUTEL, {})[programma] = Herkomst(programma, leden, uitleg)


def herkomst(programma: Programma) -> Herkomst:
    geregistreerd: dict[Programma, Herkomst] = current_app.extensions.get(SLEUTEL, {})
    return geregistreerd.get(programma) or Herkomst(programma, None, MET_DE_HAND)


def herkomsten() -> list[Herkomst]:
    return [herkomst(p) for p in Programma]


def met_de_hand() -> list[Programma]:
    """The programmes whose membership an officer sets."""
    return [h.programma for h in herkomsten() if h.met_de_hand]


def leden(programma: Programma) -> Select[int]:
    """The ids of the municipalities that take part in ``programma``."""
    gevonden = herkomst(programma).leden
    if gevonden is not None:
        return gevonden()
    return select(Deelname.gemeente_id).where(Deelname.programma == programma)


@dataclass(frozen=True)
class Lidmaatschap:
    """One municipality in one programme, as the pages show it."""

    herkomst: Herkomst
    deelname: Deelname | None = None  # the flag set by hand, when membership is manual

    @property
    def programma(self) -> Programma:
        return self.herkomst.programma


def van(gemeenten: Iterable[Gemeente]) -> dict[int, list[Lidmaatschap]]:
    """The memberships of each of ``gemeenten``, in the order of `Programma`.

    One query per derived programme, whatever the number of municipalities; manual flags come
    from each municipality's `deelnames`.
    """
    gemeenten = list(gemeenten)
    ids = [g.id for g in gemeenten]
    uit: dict[int, list[Lidmaatschap]] = {i: [] for i in ids}
    for h in herkomsten():
        if h.met_de_hand:
            for g in gemeenten:
                uit[g.id].extend(
                    Lidmaatschap(h, d) for d in g.deelnames if d.programma is h.programma
                )
            continue
        leden_ids = set(
            ()
            if not ids
            else db.session.execute(
                select(Gemeente.id).where(Gemeente.id.in_(ids), Gemeente.id.in_(leden(h.programma)))
            ).scalars()
        )
        for i in ids:
            if i in leden_ids:
                uit[i].append(Lidmaatschap(h))
    return uit
