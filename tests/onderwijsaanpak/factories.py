"""Builders for the onderwijsaanpak's test objects; each goes through the services and flushes,
none commits."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from gemeenten.models import Gemeente
from kern.db import db
from kern.uploads import Upload
from onderwijsaanpak import activiteiten_import, services
from onderwijsaanpak.activiteiten_import.basis import BLAD, EERSTE_RIJ
from onderwijsaanpak.models import (
    Activiteit,
    ActiviteitSoort,
    Cohortlid,
    Fase,
    Niveau,
    Rapportage,
    Rapportageronde,
)

PILOT_START = date(2015, 9, 1)
UITROL_START = date(2016, 1, 4)
VANDAAG = date(2017, 11, 15)  # the day most tests are set on


def maak_cohortlid(
    gemeente: Gemeente,
    fase: Fase = Fase.UITROL,
    *,
    gepland_start: date | None = None,
    gestart_op: date | None = None,
) -> Cohortlid:
    standaard = PILOT_START if fase is Fase.PILOT else UITROL_START
    return services.neem_op(
        gemeente,
        fase=fase,
        gepland_start=gepland_start or standaard,
        gestart_op=gestart_op,
        toelichting=None,
        door="test",
    )


def gegevens(
    *,
    soort: ActiviteitSoort = ActiviteitSoort.TRAINING_PROFESSIONALS,
    datum: date = date(2016, 3, 10),
    school: str = "Het Amstel Lyceum",
    niveau: Niveau = Niveau.VO,
    deelnemers: int = 20,
    brin: str | None = None,
    aanbieder: str | None = None,
    opmerkingen: str | None = None,
) -> services.ActiviteitGegevens:
    return services.ActiviteitGegevens(
        soort=soort,
        datum=datum,
        school=school,
        niveau=niveau,
        deelnemers=deelnemers,
        brin=brin,
        aanbieder=aanbieder,
        opmerkingen=opmerkingen,
    )


def maak_activiteit(gemeente: Gemeente, **velden: object) -> Activiteit:
    return services.meld_activiteit(
        gemeente,
        gegevens(**velden),  # type: ignore[arg-type]
        door="test",
        vandaag=VANDAAG,
    )


def maak_ronde(
    naam: str = "Schooljaar 2016-2017",
    periode_van: date = date(2016, 8, 1),
    periode_tot: date = date(2017, 7, 31),
    uiterlijk: date = date(2017, 10, 1),
) -> Rapportageronde:
    return services.open_ronde(
        services.RondeGegevens(naam, periode_van, periode_tot, uiterlijk), door="test"
    )


def maak_rapportage(ronde: Rapportageronde, gemeente: Gemeente) -> Rapportage:
    return services.dien_in(ronde, gemeente, toelichting=None, door="test", vandaag=VANDAAG)


def verplaats(lid: Cohortlid, naar: Fase, vanaf: date, reden: str = "Volgens plan") -> None:
    """Move a member to ``naar`` from ``vanaf`` (planned; no actual start yet)."""
    services.verplaats(
        lid,
        naar=naar,
        gepland_start=vanaf,
        gestart_op=None,
        reden=reden,
        door="test",
        versie=lid.versie,
    )


def activiteitenwerkmap(gemeente: Gemeente, *regels: tuple[object, ...]) -> bytes:
    """The municipality's activities template with ``regels`` typed from its first row."""
    werkmap = load_workbook(io.BytesIO(activiteiten_import.sjabloon(gemeente)))
    for rij, waarden in enumerate(regels, EERSTE_RIJ):
        for kolom, waarde in enumerate(waarden, 1):
            werkmap[BLAD].cell(row=rij, column=kolom, value=waarde)
    uit = io.BytesIO()
    werkmap.save(uit)
    return uit.getvalue()


def maak_activiteitenupload(gemeente: Gemeente, school: str) -> Upload:
    """A checked upload of one activity at ``school``, waiting for confirmation. Commits what
    came before: an upload keeps its original through a session of its own."""
    db.session.commit()
    inhoud = activiteitenwerkmap(
        gemeente,
        ("Training voor onderwijsprofessionals", "10-03-2016", school, None, "VO", 15),
    )
    upload, _ = activiteiten_import.ontvang(
        gemeente, inhoud, bestandsnaam="activiteiten.xlsx", door="test"
    )
    db.session.commit()
    return upload
