"""The needs inventory through its forms, as an officer and as a municipality user: what the
pages say and what the database holds, refusals included."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from gemeenten.inventarisatie import services
from gemeenten.inventarisatie.models import Antwoord, Deel, Deelnemer, Inventarisatie, Thema
from kern.accounts.models import Rol
from kern.db import db
from tests.inventarisatie.factories import (
    maak_antwoord,
    maak_deel,
    maak_inventarisatie,
    maak_thema,
)
from tests.pagina import foutmeldingen, meldingen, tekst, versie_in

pytestmark = pytest.mark.usefixtures("klok")


def aantal(model: type) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def rijen(quickscan, **per_thema: dict[str, str]) -> dict[str, str]:
    """The answers form's rows: every theme empty unless given (by theme attribute name)."""
    data: dict[str, str] = {}
    for i, naam in enumerate(("kennis", "training", "netwerk")):
        rij = per_thema.get(naam, {})
        data[f"rijen-{i}-thema_id"] = str(getattr(quickscan, naam).id)
        for veld in ("behoefte", "prioriteit", "toelichting", "contactpersoon"):
            if veld in rij or veld != "behoefte":
                data[f"rijen-{i}-{veld}"] = rij.get(veld, "")
    return data


# --- Inventories, parts and themes ----------------------------------------------------------


def test_an_officer_makes_an_inventory_with_parts_and_themes(login_as, db):
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    antwoord = officier.post(
        "/behoefte-inventarisatie/nieuw",
        data={"naam": "Quickscan 2015", "datum": "2015-10-12", "kamerstuk": "29 754, nr. 323"},
    )
    inventarisatie = db.session.execute(select(Inventarisatie)).scalar_one()
    url = f"/behoefte-inventarisatie/{inventarisatie.id}"
    assert antwoord.location == url
    officier.post(f"{url}/delen/nieuw", data={"naam": "Kennisopbouw", "volgorde": ""})
    officier.post(f"{url}/delen/nieuw", data={"naam": "Problematiek", "volgorde": "1"})
    deel = db.session.execute(select(Deel).where(Deel.naam == "Kennisopbouw")).scalar_one()
    antwoord = officier.post(
        f"{url}/themas/nieuw",
        data={"deel_id": str(deel.id), "naam": "Training", "omschrijving": "", "volgorde": ""},
    )

    assert antwoord.location == f"{url}#themas"
    pagina = tekst(officier.get(url))
    assert "Quickscan 2015" in pagina
    assert "29 754, nr. 323" in pagina
    assert (
        pagina.index("1. Problematiek")
        < pagina.index("2. Kennisopbouw")
        < pagina.rindex("Training")
    )
    assert "Gesloten: gemeenten kunnen hun antwoorden alleen bekijken" in pagina


@pytest.mark.parametrize(
    ("data", "melding"),
    [
        ({"naam": "", "datum": "2015-10-12"}, "Geef de inventarisatie een naam."),
        ({"naam": "Q", "datum": "31-02-2015"}, "Dit is geen geldige datum"),
        ({"naam": "Q", "datum": "2015-10-12", "kamerstuk": "Kamerstuk 323"}, "zoals 29 754, nr."),
    ],
)
def test_an_inventory_form_refuses_in_dutch_beside_the_field(login_as, db, data, melding):
    antwoord = login_as(Rol.BELEIDSMEDEWERKER).post("/behoefte-inventarisatie/nieuw", data=data)

    assert antwoord.status_code == 400
    assert any(melding in m for m in foutmeldingen(antwoord))
    assert aantal(Inventarisatie) == 0


def test_a_theme_in_another_inventorys_part_is_refused(login_as, quickscan):
    elders = maak_deel(maak_inventarisatie("Later"), "Problematiek")
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    antwoord = officier.post(
        f"{quickscan.url}/themas/nieuw",
        data={"deel_id": str(elders.id), "naam": "Advies", "omschrijving": "", "volgorde": ""},
    )

    assert antwoord.status_code == 400
    assert "Kies een deel uit de lijst." in foutmeldingen(antwoord)
    assert aantal(Thema) == 3
    # A theme of another inventory under this one's URL does not exist.
    assert officier.get(f"{quickscan.url}/themas/999999").status_code == 404


def test_editing_a_theme_with_a_stale_version_is_refused(login_as, quickscan):
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    url = f"{quickscan.url}/themas/{quickscan.kennis.id}"
    formulier = officier.get(url)
    versie = versie_in(formulier)
    data = {"deel_id": str(quickscan.kennis.deel_id), "naam": "Kennis", "omschrijving": "Nieuw"}
    officier.post(url, data={**data, "versie": versie, "volgorde": ""})

    antwoord = officier.post(url, data={**data, "naam": "Anders", "versie": versie, "volgorde": ""})

    assert antwoord.status_code == 409
    assert "Iemand anders heeft dit thema intussen gewijzigd" in tekst(antwoord)
    assert db.session.get(Thema, quickscan.kennis.id).naam == "Kennis"


# --- Invitations and the response -----------------------------------------------------------


def test_an_officer_invites_municipalities_from_the_register(login_as, quickscan, den_haag):
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    formulier = tekst(officier.get(f"{quickscan.url}/uitnodigen"))
    assert "GM0518 Den Haag ('s-Gravenhage)" in formulier
    assert "GM0363" not in formulier  # already invited

    antwoord = officier.post(
        f"{quickscan.url}/uitnodigen",
        data={"gemeente_ids": [str(den_haag.id)], "uitgenodigd_op": "2015-06-01"},
    )

    assert antwoord.location == f"{quickscan.url}#gemeenten"
    assert ("succes", "1 gemeente uitgenodigd.") in meldingen(officier.get(quickscan.url))
    assert {d.gemeente.naam for d in quickscan.inventarisatie.deelnemers} == {
        "Amsterdam",
        "Rotterdam",
        "'s-Gravenhage",
    }


def test_inviting_a_municipality_twice_is_refused(login_as, quickscan, amsterdam):
    antwoord = login_as(Rol.BELEIDSMEDEWERKER).post(
        f"{quickscan.url}/uitnodigen",
        data={"gemeente_ids": [str(amsterdam.id)], "uitgenodigd_op": "2015-06-01"},
    )

    assert antwoord.status_code == 400
    assert aantal(Deelnemer) == 2


def test_the_response_page_lists_who_answered_and_exports_it(login_as, quickscan):
    quickscan.amsterdam.beantwoord_op = date(2015, 7, 3)
    maak_antwoord(quickscan.kennis, quickscan.amsterdam.gemeente)
    client = login_as(Rol.FINANCIEN)

    pagina = tekst(client.get(f"{quickscan.url}/respons"))
    werkmap = load_workbook(
        io.BytesIO(client.get(f"{quickscan.url}/respons?formaat=xlsx").get_data())
    )

    assert "1 van de 2 uitgenodigde gemeenten heeft geantwoord (50%); 1 nog niet." in pagina
    assert "Amsterdam Noord-Holland 1 juni 2015 3 juli 2015 1" in pagina
    assert "Rotterdam Zuid-Holland 1 juni 2015 Nog niet geantwoord 0" in pagina
    blad = list(werkmap["Respons"].iter_rows(values_only=True))
    assert blad[0][:5] == ("Gemeente", "CBS-code", "Provincie", "Uitgenodigd op", "Beantwoord op")
    assert blad[1][0] == "Amsterdam"
    assert blad[1][4].date() == date(2015, 7, 3)
    assert blad[2][0] == "Rotterdam"
    assert blad[2][4] is None


def test_an_invitation_is_withdrawn_before_an_answer(login_as, quickscan):
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    officier.post(
        f"{quickscan.antwoorden_url(quickscan.rotterdam.gemeente)}/intrekken",
        data={"versie": str(quickscan.rotterdam.versie)},
    )

    assert [d.gemeente.naam for d in services.respons(quickscan.inventarisatie)] == ["Amsterdam"]


# --- Answers by the officer -----------------------------------------------------------------


def test_an_officer_enters_a_municipalitys_answers(login_as, quickscan, amsterdam):
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    url = quickscan.antwoorden_url(amsterdam)
    formulier = officier.get(url)
    assert "Kennis Kennisopbouw" in tekst(formulier)

    antwoord = officier.post(
        url,
        data={
            **rijen(
                quickscan,
                kennis={
                    "behoefte": "ja",
                    "prioriteit": "5",
                    "toelichting": "Training wijkteams",
                    "contactpersoon": "J. de Vries",
                },
                training={"behoefte": "nee"},
            ),
            "beantwoord_op": "2015-07-03",
            "versie": versie_in(formulier),
        },
    )

    assert antwoord.status_code == 302
    opgeslagen = services.antwoorden_van(quickscan.amsterdam)
    assert set(opgeslagen) == {quickscan.kennis.id, quickscan.training.id}
    kennis = opgeslagen[quickscan.kennis.id]
    assert (kennis.behoefte, kennis.prioriteit, kennis.contactpersoon) == (True, 5, "J. de Vries")
    assert db.session.get(Deelnemer, quickscan.amsterdam.id).beantwoord_op == date(2015, 7, 3)
    pagina = officier.get(url)
    assert ("succes", "De antwoorden van Amsterdam zijn opgeslagen (2 gewijzigd).") in meldingen(
        pagina
    )
    assert "Training wijkteams" in pagina.text


@pytest.mark.parametrize(
    ("kennis", "melding"),
    [
        ({"behoefte": "nee", "prioriteit": "3"}, "Een prioriteit hoort bij een behoefte"),
        ({"behoefte": "ja", "prioriteit": "9"}, "Kies een prioriteit van 1 tot en met 5."),
        ({"behoefte": "ja", "prioriteit": "drie"}, "Kies een prioriteit van 1 tot en met 5."),
        ({"behoefte": "misschien"}, "Kies of er een behoefte is (ja of nee)."),
        ({"toelichting": "Zonder keuze"}, "Kies of er een behoefte is (ja of nee)."),
    ],
)
def test_a_wrong_answer_is_refused_beside_its_field(
    login_as, quickscan, amsterdam, kennis, melding
):
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    url = quickscan.antwoorden_url(amsterdam)

    antwoord = officier.post(
        url,
        data={
            **rijen(quickscan, kennis=kennis, training={"behoefte": "ja", "prioriteit": "2"}),
            "beantwoord_op": "2015-07-03",
            "versie": versie_in(officier.get(url)),
        },
    )

    assert antwoord.status_code == 400
    assert melding in " ".join(foutmeldingen(antwoord))
    assert aantal(Antwoord) == 0
    assert db.session.get(Deelnemer, quickscan.amsterdam.id).beantwoord_op is None


def test_the_officer_must_say_when_the_municipality_answered(login_as, quickscan, amsterdam):
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    url = quickscan.antwoorden_url(amsterdam)

    antwoord = officier.post(
        url,
        data={
            **rijen(quickscan, kennis={"behoefte": "ja"}),
            "beantwoord_op": "",
            "versie": versie_in(officier.get(url)),
        },
    )

    assert antwoord.status_code == 400
    assert "Vul in wanneer de gemeente antwoordde." in foutmeldingen(antwoord)
    assert aantal(Antwoord) == 0


# --- Answers by the municipality ------------------------------------------------------------


def test_a_municipality_reads_its_answers_when_the_inventory_is_closed(
    login_as, quickscan, amsterdam
):
    maak_antwoord(quickscan.kennis, amsterdam, prioriteit=4, toelichting="Meer kennis")
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)
    url = quickscan.antwoorden_url(amsterdam)

    pagina = gemeente.get(url)
    antwoord = gemeente.post(
        url,
        data={
            **rijen(quickscan, kennis={"behoefte": "nee"}),
            "versie": str(quickscan.amsterdam.versie),
        },
    )

    assert "Deze inventarisatie is gesloten: u kunt uw antwoorden bekijken" in tekst(pagina)
    assert "Kennisopbouw Kennis Ja 4 Meer kennis" in tekst(pagina)
    assert '<form method="post" novalidate>' not in pagina.text
    assert antwoord.status_code == 403
    assert db.session.execute(select(Antwoord.behoefte)).scalar_one() is True


def test_a_municipality_corrects_its_answers_while_the_inventory_is_open(
    login_as, quickscan, amsterdam
):
    quickscan.inventarisatie.open_voor_gemeenten = True
    maak_antwoord(quickscan.kennis, amsterdam, prioriteit=4)
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)
    url = quickscan.antwoorden_url(amsterdam)
    formulier = gemeente.get(url)
    assert 'name="beantwoord_op"' not in formulier.text

    antwoord = gemeente.post(
        url,
        data={
            **rijen(quickscan, kennis={"behoefte": "ja", "prioriteit": "2"}),
            "versie": versie_in(formulier),
        },
    )

    assert antwoord.status_code == 302
    assert db.session.execute(select(Antwoord.prioriteit)).scalar_one() == 2
    # The first save by the municipality is its answer: dated today.
    assert db.session.get(Deelnemer, quickscan.amsterdam.id).beantwoord_op == date(2015, 11, 2)


def test_a_municipality_never_sees_or_changes_another_municipalitys_answers(
    login_as, quickscan, amsterdam, rotterdam
):
    quickscan.inventarisatie.open_voor_gemeenten = True
    maak_antwoord(quickscan.kennis, rotterdam, prioriteit=4)
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)
    andere = quickscan.antwoorden_url(rotterdam)

    assert gemeente.get(andere).status_code == 404
    antwoord = gemeente.post(
        andere,
        data={
            **rijen(quickscan, kennis={"behoefte": "nee"}),
            "versie": str(quickscan.rotterdam.versie),
        },
    )

    assert antwoord.status_code == 404
    assert db.session.execute(select(Antwoord.behoefte)).scalar_one() is True
    # Nor the inventory's own pages.
    assert gemeente.get(quickscan.url).status_code == 403


def test_a_municipality_not_invited_finds_nothing(login_as, quickscan, den_haag):
    gemeente = login_as(Rol.GEMEENTE, gemeente=den_haag)

    assert gemeente.get(quickscan.antwoorden_url(den_haag)).status_code == 404


def test_opening_the_inventory_lets_municipalities_answer(login_as, quickscan):
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    officier.post(
        f"{quickscan.url}/voor-gemeenten",
        data={"versie": versie_in(officier.get(quickscan.url)), "open": "ja"},
    )

    pagina = officier.get(quickscan.url)
    assert meldingen(pagina)[0][0] == "succes"
    assert "Open: uitgenodigde gemeenten vullen hun eigen antwoorden in" in tekst(pagina)
    officier.post(
        f"{quickscan.url}/voor-gemeenten", data={"versie": versie_in(pagina), "open": "nee"}
    )
    assert db.session.get(Inventarisatie, quickscan.inventarisatie.id).open_voor_gemeenten is False


# --- Ids that do not belong -----------------------------------------------------------------


def test_parts_themes_and_municipalities_of_another_inventory_do_not_exist_here(
    login_as, quickscan, den_haag
):
    later = maak_inventarisatie("Later", date(2017, 3, 1))
    elders = maak_thema(maak_deel(later, "Problematiek"), "Radicalisering")
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    url = quickscan.url

    for adres in (
        f"{url}/themas/{elders.id}",
        f"{url}/delen/{elders.deel_id}",
        f"{url}/gemeenten/{den_haag.cbs_code}",  # not invited
        f"{url}/gemeenten/GM9999",
        "/behoefte-inventarisatie/999999/respons",
    ):
        assert officier.get(adres).status_code == 404, adres
    antwoord = officier.post(
        f"{url}/themas/{elders.id}/verwijderen", data={"versie": str(elders.versie)}
    )
    assert antwoord.status_code == 404
    assert db.session.get(Thema, elders.id) is not None


def test_answers_on_another_inventorys_theme_are_refused_and_change_nothing(
    login_as, quickscan, amsterdam
):
    elders = maak_thema(maak_deel(maak_inventarisatie("Later")), "Financiering")
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    url = quickscan.antwoorden_url(amsterdam)
    data = rijen(quickscan, kennis={"behoefte": "ja"})
    data["rijen-0-thema_id"] = str(elders.id)

    antwoord = officier.post(
        url, data={**data, "beantwoord_op": "2015-07-03", "versie": versie_in(officier.get(url))}
    )

    assert antwoord.status_code == 409
    assert "De thema's van deze inventarisatie zijn intussen gewijzigd" in tekst(antwoord)
    assert aantal(Antwoord) == 0


@pytest.mark.parametrize("thema_id", ["9" * 5000, "12a", "", "٣"])
def test_a_hostile_theme_id_is_a_stale_form(login_as, quickscan, amsterdam, thema_id):
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    url = quickscan.antwoorden_url(amsterdam)
    data = rijen(quickscan, kennis={"behoefte": "ja"})
    data["rijen-0-thema_id"] = thema_id

    antwoord = officier.post(
        url, data={**data, "beantwoord_op": "2015-07-03", "versie": versie_in(officier.get(url))}
    )

    assert antwoord.status_code == 409
    assert aantal(Antwoord) == 0
