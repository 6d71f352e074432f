"""The security log (kern/beveiligingslog.py): sign-ins and their failures, refusals, account
changes, uploads and exports are recorded with who, what, result, address and time; never a
password; a line of the application's log cannot be forged; administrators search it."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select

from kern import beveiligingslog, uploads
from kern.accounts.models import Rol
from kern.beveiligingslog import Beveiligingsregel, Gebeurtenis, Resultaat
from tests.kern.factories import WACHTWOORD, maak_gebruiker
from tests.pagina import foutmeldingen, tekst


def regels(db) -> list[Beveiligingsregel]:
    return list(
        db.session.execute(select(Beveiligingsregel).order_by(Beveiligingsregel.id)).scalars()
    )


def test_a_failed_and_a_good_sign_in_are_recorded_without_the_password(db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER, email="ambtenaar@voorbeeld.nl")

    client.post(
        "/aanmelden", data={"email": "Ambtenaar@voorbeeld.nl", "wachtwoord": "geraden-maar-fout"}
    )
    client.post("/aanmelden", data={"email": officer.email, "wachtwoord": WACHTWOORD})

    mislukt, gelukt = regels(db)
    assert (mislukt.gebeurtenis, mislukt.resultaat) == (Gebeurtenis.AANMELDEN, Resultaat.MISLUKT)
    assert mislukt.door == "ambtenaar@voorbeeld.nl (poging)"
    assert mislukt.adres == "127.0.0.1"
    assert (gelukt.gebeurtenis, gelukt.resultaat, gelukt.door) == (
        Gebeurtenis.AANMELDEN,
        Resultaat.GELUKT,
        "ambtenaar@voorbeeld.nl",
    )
    assert gelukt.tijdstip.utcoffset() is not None
    for regel in (mislukt, gelukt):
        velden = " ".join(str(getattr(regel, k)) for k in ("door", "object", "toelichting"))
        assert "geraden-maar-fout" not in velden
        assert WACHTWOORD not in velden


def test_a_refused_page_is_recorded_with_who_and_where(db, login_as, amsterdam):
    klerk = login_as(Rol.GEMEENTE, gemeente=amsterdam)

    antwoord = klerk.get("/beheer/gebruikers")

    assert antwoord.status_code == 403
    (regel,) = [r for r in regels(db) if r.gebeurtenis is Gebeurtenis.TOEGANG]
    assert regel.resultaat is Resultaat.GEWEIGERD
    assert regel.object == "GET /beheer/gebruikers"
    assert regel.door.startswith("gemeente")
    assert regel.toelichting == "geen toegang voor deze rol"


def test_account_changes_are_recorded(db, login_as):
    beheer = login_as(Rol.BEHEERDER)
    doelwit = maak_gebruiker(Rol.FINANCIEN, email="geld@voorbeeld.nl")

    beheer.post(
        "/beheer/gebruikers/nieuw",
        data={
            "naam": "Nieuwe Collega",
            "email": "nieuw@voorbeeld.nl",
            "rol": "beleidsmedewerker",
            "gemeente_id": "0",
            "wachtwoord": "een lang en vers zinnetje",
        },
    )
    beheer.post(f"/beheer/gebruikers/{doelwit.id}/blokkeren")
    beheer.post(f"/beheer/gebruikers/{doelwit.id}/deblokkeren")

    gezien = [
        (r.gebeurtenis, r.object) for r in regels(db) if r.gebeurtenis.value.startswith("account")
    ]
    assert gezien[0][0] is Gebeurtenis.ACCOUNT_AANGEMAAKT
    assert gezien[0][1].endswith("(nieuw@voorbeeld.nl)")
    assert gezien[1:] == [
        (Gebeurtenis.ACCOUNT_GEBLOKKEERD, f"gebruiker {doelwit.id} (geld@voorbeeld.nl)"),
        (Gebeurtenis.ACCOUNT_GEDEBLOKKEERD, f"gebruiker {doelwit.id} (geld@voorbeeld.nl)"),
    ]
    assert "een lang en vers zinnetje" not in " ".join(r.toelichting for r in regels(db))


def test_an_export_and_an_upload_are_recorded(db, login_as):
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    officier.get("/gemeenten/?formaat=csv")
    upload, _ = uploads.ontvang(
        b"een bestand", soort="proef", bestandsnaam="verantwoording.xlsx", door="klerk@gemeente.nl"
    )
    db.session.commit()

    export, opgeslagen = [
        r for r in regels(db) if r.gebeurtenis in (Gebeurtenis.EXPORT, Gebeurtenis.UPLOAD)
    ]
    assert export.object == "/gemeenten/?formaat=csv"
    assert export.toelichting == "csv"
    assert (opgeslagen.door, opgeslagen.object, opgeslagen.toelichting) == (
        "klerk@gemeente.nl",
        f"upload {upload.id} (proef)",
        "verantwoording.xlsx",
    )


def test_what_a_user_typed_cannot_forge_a_line_of_the_log(app, db, caplog):
    with caplog.at_level(logging.INFO, logger="kern.beveiliging"):
        beveiligingslog.schrijf(
            Gebeurtenis.AANMELDEN,
            Resultaat.MISLUKT,
            door='x@y.nl\n{"gebeurtenis": "aanmelden", "resultaat": "gelukt"}',
        )

    (record,) = [r for r in caplog.records if r.name == "kern.beveiliging"]
    bericht = record.getMessage()
    assert "\n" not in bericht
    assert json.loads(bericht)["resultaat"] == "mislukt"


@pytest.fixture
def log_met_regels(db):
    for door, gebeurtenis, resultaat in [
        ("piet@voorbeeld.nl", Gebeurtenis.AANMELDEN, Resultaat.GELUKT),
        ("piet@voorbeeld.nl (poging)", Gebeurtenis.AANMELDEN, Resultaat.MISLUKT),
        ("kees@voorbeeld.nl", Gebeurtenis.EXPORT, Resultaat.GELUKT),
        ("100%_zeker@voorbeeld.nl", Gebeurtenis.AFMELDEN, Resultaat.GELUKT),
    ]:
        beveiligingslog.schrijf(gebeurtenis, resultaat, door=door)


@pytest.mark.parametrize(
    ("filters", "gevonden"),
    [
        ({"gebeurtenis": "aanmelden"}, 2),
        ({"gebeurtenis": "aanmelden", "resultaat": "mislukt"}, 1),
        ({"wie": "PIET"}, 2),
        ({"wie": "%"}, 1),  # a wildcard is searched as the character it is
        ({"wie": "_"}, 1),
    ],
)
def test_an_administrator_searches_the_log(db, login_as, log_met_regels, filters, gevonden):
    beheer = login_as(Rol.BEHEERDER)

    antwoord = beheer.get("/beheer/beveiligingslog", query_string=filters)

    assert antwoord.status_code == 200
    # the administrator's own sign-in is in the log too, as a sign-in that succeeded
    eigen = 1 if filters.get("gebeurtenis") == "aanmelden" and "resultaat" not in filters else 0
    aantal = gevonden + eigen
    assert f"{aantal} {'regel' if aantal == 1 else 'regels'} gevonden." in tekst(antwoord)


def test_a_search_with_an_end_before_its_start_says_so_and_shows_everything(db, login_as):
    beheer = login_as(Rol.BEHEERDER)

    antwoord = beheer.get(
        "/beheer/beveiligingslog", query_string={"van": "2026-12-01", "tot": "2026-11-01"}
    )

    assert antwoord.status_code == 200
    assert "De einddatum ligt voor de begindatum." in foutmeldingen(antwoord)
