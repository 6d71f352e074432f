"""Builders for the needs inventory's objects in tests; each flushes, so ids are set, and none
commits."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from openpyxl import load_workbook

from gemeenten.inventarisatie import acties, antwoorden_import
from gemeenten.inventarisatie.models import (
    Actie,
    ActieStatus,
    Antwoord,
    Deel,
    Deelnemer,
    Inventarisatie,
    Organisatie,
    Thema,
)
from gemeenten.models import Gemeente
from kern.db import db
from kern.uploads import Upload

UITGENODIGD = date(2015, 6, 1)
VANDAAG = date(2016, 6, 1)  # the day the action tests are set on


def maak_inventarisatie(
    naam: str = "Quickscan 2015", datum: date = date(2015, 10, 12), **velden: object
) -> Inventarisatie:
    inventarisatie = Inventarisatie(
        naam=naam,
        datum=datum,
        kamerstuk=velden.pop("kamerstuk", "29 754, nr. 323"),
        aangemaakt_door="test",
        **velden,
    )
    db.session.add(inventarisatie)
    db.session.flush()
    return inventarisatie


def maak_deel(inventarisatie: Inventarisatie, naam: str = "Lokale behoeften") -> Deel:
    deel = Deel(naam=naam, volgorde=len(inventarisatie.delen) + 1)
    inventarisatie.delen.append(deel)
    db.session.flush()
    return deel


def maak_thema(deel: Deel, naam: str = "Kennis") -> Thema:
    thema = Thema(naam=naam, volgorde=len(deel.themas) + 1)
    deel.themas.append(thema)
    db.session.flush()
    return thema


def maak_deelnemer(
    inventarisatie: Inventarisatie, gemeente: Gemeente, beantwoord_op: date | None = None
) -> Deelnemer:
    deelnemer = Deelnemer(
        gemeente=gemeente, uitgenodigd_op=UITGENODIGD, beantwoord_op=beantwoord_op
    )
    inventarisatie.deelnemers.append(deelnemer)
    db.session.flush()
    return deelnemer


def maak_antwoord(
    thema: Thema,
    gemeente: Gemeente,
    behoefte: bool = True,
    prioriteit: int | None = 3,
    **velden: object,
) -> Antwoord:
    antwoord = Antwoord(
        thema=thema,
        gemeente_id=gemeente.id,
        behoefte=behoefte,
        prioriteit=prioriteit,
        ingevuld_door="test",
        **velden,
    )
    db.session.add(antwoord)
    db.session.flush()
    return antwoord


def inventarisatie_met_themas(
    themas: Sequence[tuple[str, str]],
    naam: str = "Quickscan 2015",
    datum: date = date(2015, 10, 12),
) -> Inventarisatie:
    """An inventory with ``themas`` as (part, theme) pairs, the parts in order of appearance."""
    inventarisatie = maak_inventarisatie(naam, datum)
    delen: dict[str, Deel] = {}
    for deelnaam, themanaam in themas:
        if deelnaam not in delen:
            delen[deelnaam] = maak_deel(inventarisatie, deelnaam)
        maak_thema(delen[deelnaam], themanaam)
    return inventarisatie


def thema(inventarisatie: Inventarisatie, naam: str) -> Thema:
    return next(t for t in inventarisatie.themas if t.naam == naam)


def actiegegevens(
    *,
    omschrijving: str = "Train-de-trainer sleutelfiguren",
    organisatie: Organisatie = Organisatie.ROR,
    organisatie_anders: str | None = None,
    status: ActieStatus = ActieStatus.LOPEND,
    datum: date = date(2016, 3, 1),
    themas: Sequence[Thema] = (),
    behoeften: Sequence[Antwoord] = (),
) -> acties.ActieGegevens:
    return acties.ActieGegevens(
        omschrijving=omschrijving,
        organisatie=organisatie,
        organisatie_anders=organisatie_anders,
        status=status,
        datum=datum,
        thema_ids=[t.id for t in themas],
        behoefte_ids=[a.id for a in behoeften],
    )


def maak_actie(
    inventarisatie: Inventarisatie,
    *,
    themas: Sequence[Thema] = (),
    behoeften: Sequence[Antwoord] = (),
    **kwargs: object,
) -> Actie:
    """An action of the national government, through the service."""
    return acties.leg_vast(
        inventarisatie,
        actiegegevens(themas=themas, behoeften=behoeften, **kwargs),  # type: ignore[arg-type]
        vandaag=VANDAAG,
        door="test",
    )


def maak_antwoordenupload(inventarisatie: Inventarisatie) -> Upload:
    """A checked upload of the inventory's answers template with its first row's need turned
    around, waiting for confirmation. Commits what came before: an upload keeps its original
    through a session of its own."""
    db.session.commit()
    werkmap = load_workbook(io.BytesIO(antwoorden_import.sjabloon(inventarisatie)))
    cel = werkmap[antwoorden_import.BLAD].cell(antwoorden_import.basis.EERSTE_RIJ, 5)
    cel.value = "nee" if cel.value == "ja" else "ja"
    werkmap[antwoorden_import.BLAD].cell(antwoorden_import.basis.EERSTE_RIJ, 6).value = None
    uit = io.BytesIO()
    werkmap.save(uit)
    upload, _ = antwoorden_import.ontvang(
        inventarisatie, uit.getvalue(), bestandsnaam="antwoorden.xlsx", door="test"
    )
    db.session.commit()
    return upload
