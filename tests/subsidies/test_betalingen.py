"""Finance's work: the work list and its start page, registering payments (one, a batch),
cancelling one; through the forms, as finance does it."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from gemeenten.models import Gemeente
from kern.accounts.models import Rol
from kern.audit import AuditRegel
from kern.db import db
from subsidies.models import Beschikking, Betaling, BetalingSoort
from tests.formulieren import formulier, verstuur, verstuur_antwoord
from tests.pagina import meldingen, tekst

pytestmark = pytest.mark.usefixtures("demo", "op_1_juni_2016")  # the demo's payments

WERKLIJST = "/versterkingsgelden/betalingen"
BATCH = "/versterkingsgelden/betalingen/registreren"


def geld(bedrag: str) -> str:
    return "€\xa0" + bedrag


def betaling_van(cbs_code: str, soort: BetalingSoort = BetalingSoort.VOORSCHOT) -> Betaling:
    return db.session.execute(
        select(Betaling)
        .join(Betaling.beschikking)
        .join(Beschikking.gemeente)
        .where(Betaling.soort == soort, Betaling.betaald_op.is_(None))
        .where(Beschikking.gemeente.has(cbs_code=cbs_code))
    ).scalar_one()


def sectie(pagina: str, kop: str) -> str:
    """The part of the page from heading ``kop`` to the next h2."""
    gevonden = re.search(rf'<h2 id="[^"]*">{kop}.*?</h2>(.*?)(?=<h2|</main>)', pagina, re.S)
    assert gevonden, f"no section {kop}"
    return gevonden.group(1)


def ontvangers(html: str) -> list[str]:
    return [tekst(naam) for naam in re.findall(r'<th scope="row">([^<]+)</th>', html)]


# --- The start page and the work list -------------------------------------------------------


def test_finance_starts_with_the_demos_planned_payments_overdue_first(financien):
    pagina = financien.get("/").text

    blok = re.search(r'<section class="startblok".*?</section>', pagina, re.S).group(0)
    assert ontvangers(blok) == ["Rotterdam", "Arnhem", "Huizen", "Den Haag ('s-Gravenhage)"]
    assert "Te betalen: 3 (" + geld("522.000,00") + "), waarvan <strong>3 achterstallig" in blok
    assert "Terug te vorderen: 1 (" + geld("80.000,00") + ")</li>" in blok  # due in November
    for bedrag in ("165.000,00", "200.000,00", "157.000,00", "80.000,00"):
        assert geld(bedrag) in blok
    assert blok.count("Achterstallig") == 3
    assert f'href="{WERKLIJST}"' in blok


def test_an_officer_keeps_the_start_page_without_the_work_list(officier):
    pagina = officier.get("/").text

    assert "startblok" not in pagina
    assert ">Betalingen</a></h2>" in pagina  # the tile


def test_the_work_list_has_its_sections_totals_and_filters(financien):
    pagina = financien.get(WERKLIJST).text

    te_betalen = sectie(pagina, "Te betalen")
    assert ontvangers(te_betalen) == ["Rotterdam", "Arnhem", "Huizen"]
    assert "Totaal (3), waarvan achterstallig 3: " + geld("522.000,00") in te_betalen
    terug = sectie(pagina, "Terug te vorderen")
    assert ontvangers(terug) == ["Den Haag ('s-Gravenhage)"]
    assert "Achterstallig" not in terug
    assert "Deze maand is nog niets geregistreerd." in sectie(pagina, "Geregistreerd in juni 2016")

    leeg = financien.get(f"{WERKLIJST}?jaar=2015&regeling=999").text
    assert "Kies een regeling uit de lijst." in leeg  # shown, then ignored
    assert ontvangers(sectie(leeg, "Te betalen")) == ["Rotterdam", "Arnhem", "Huizen"]
    ander_jaar = financien.get(f"{WERKLIJST}?jaar=2016").text
    assert "Kies een jaar uit de lijst." in ander_jaar


# --- One payment ----------------------------------------------------------------------------


def test_finance_registers_one_payment_with_amount_and_reference_after_seeing_it(
    db, financien, medewerker_financien
):
    rotterdam = betaling_van("GM0599")
    pagina = financien.get(WERKLIJST).text
    link = f"/versterkingsgelden/betalingen/{rotterdam.id}/betaald?van=werklijst"
    assert f'href="{link}"' in pagina.replace("&amp;", "&")

    formulier_pagina = financien.get(link).text
    assert 'value="2016-06-01"' in formulier_pagina  # today, in Amsterdam
    assert 'value="165.000,00"' in formulier_pagina  # the planned amount
    controle = verstuur(
        financien, link, link, bedrag="160.000,00", betalingskenmerk="BANK-2016-0042"
    )

    assert controle.status_code == 200
    vast = re.search(r'<dl class="gegevens" id="vast-te-leggen">(.*?)</dl>', controle.text, re.S)
    assert re.findall(r"<dd>(.*?)</dd>", vast.group(1)) == [
        "1 juni 2016",
        geld("160.000,00"),
        "BANK-2016-0042",
    ]
    assert f"Dat is {geld('5.000,00')} minder dan gepland." in controle.text
    assert betaling_van("GM0599").betaald_op is None  # nothing recorded yet

    klaar = verstuur_antwoord(financien, controle, link, link)

    assert klaar.status_code == 302
    assert klaar.location == WERKLIJST
    betaling = db.session.get(Betaling, rotterdam.id)
    assert (betaling.betaald_op, betaling.betaald_bedrag, betaling.betalingskenmerk) == (
        date(2016, 6, 1),
        Decimal("160000.00"),
        "BANK-2016-0042",
    )
    assert betaling.beschikking.betaald == Decimal("660000.00")  # 500,000 earlier + 160,000
    spoor = (
        db.session.execute(
            select(AuditRegel).where(
                AuditRegel.soort == "betaling", AuditRegel.object_id == betaling.id
            )
        )
        .scalars()
        .all()[-1]
    )
    assert spoor.door == medewerker_financien.email
    assert spoor.wijzigingen["betaald_bedrag"] == [None, "160000.00"]
    assert spoor.wijzigingen["betalingskenmerk"] == [None, "BANK-2016-0042"]
    volgend = financien.get(klaar.location)
    assert (
        "succes",
        f"Voorschot van {geld('165.000,00')} geregistreerd als betaald op 1 juni 2016: "
        f"{geld('160.000,00')}.",
    ) in meldingen(volgend)
    lijst = volgend.text
    geregistreerd = sectie(lijst, "Geregistreerd in juni 2016")
    assert ontvangers(geregistreerd) == ["Rotterdam"]
    assert "BANK-2016-0042" in geregistreerd
    assert ontvangers(sectie(lijst, "Te betalen")) == ["Arnhem", "Huizen"]


def test_more_than_planned_or_nothing_is_refused_and_nothing_recorded(financien):
    arnhem = betaling_van("GM0202")
    pagina = f"/versterkingsgelden/betalingen/{arnhem.id}/betaald"

    te_veel = verstuur(financien, pagina, pagina, bedrag="200.000,01")
    niets = verstuur(financien, pagina, pagina, bedrag="0")
    bevestigd_te_veel = financien.post(
        pagina,
        data={
            "betaald_op": "2016-06-01",
            "bedrag": "250.000",
            "versie": str(arnhem.versie),
            "bevestigd": "ja",
        },
    )

    assert te_veel.status_code == 400
    assert (
        "fout",
        f"Er kan niet meer betaald worden geregistreerd dan gepland ({geld('200.000,00')}); "
        f"het verschil is {geld('0,01')}.",
    ) in meldingen(te_veel)
    assert niets.status_code == 400
    assert ("fout", "Het betaalde bedrag is groter dan nul.") in meldingen(niets)
    assert bevestigd_te_veel.status_code == 400
    assert betaling_van("GM0202").betaald_op is None


def test_a_clawback_is_registered_as_received(db, financien):
    den_haag = betaling_van("GM0518", BetalingSoort.TERUGVORDERING)
    pagina = f"/versterkingsgelden/betalingen/{den_haag.id}/betaald"

    controle = verstuur(financien, pagina, pagina)
    klaar = verstuur_antwoord(financien, controle, pagina, pagina)

    assert "Ontvangen bedrag" in controle.text
    assert klaar.status_code == 302
    betaling = db.session.get(Betaling, den_haag.id)
    assert betaling.betaald_bedrag == Decimal("80000.00")
    assert betaling.beschikking.betaald == Decimal("870000.00")  # 950,000 paid, 80,000 back
    lijst = financien.get(WERKLIJST).text
    geregistreerd = sectie(lijst, "Geregistreerd in juni 2016")
    assert re.search(
        rf"Totaal \(1\)</th>\s*<td[^>]*><strong>{geld('0,00')}</strong></td>\s*"
        rf"<td[^>]*><strong>{geld('80.000,00')}</strong>",
        geregistreerd,
    )


# --- A batch --------------------------------------------------------------------------------


def _batch(financien: FlaskClient, *betalingen: Betaling, **velden: str):
    """Tick ``betalingen`` on the work list and send the batch form."""
    f = formulier(financien.get(WERKLIJST).text, BATCH, WERKLIJST)
    assert sorted(f.keuzes["betalingen"]) == sorted(
        str(b.id)
        for b in db.session.scalars(select(Betaling).where(Betaling.betaald_op.is_(None)))
        if b.is_open
    )
    data = {**f.velden, **velden, "betalingen": [str(b.id) for b in betalingen]}
    return financien.post(BATCH, data=data)


def test_a_batch_is_shown_then_registered_at_the_planned_amounts(db, financien):
    arnhem, huizen = betaling_van("GM0202"), betaling_van("GM0406")

    controle = _batch(financien, arnhem, huizen, betalingskenmerk="BATCH-23")

    assert controle.status_code == 200
    pagina = controle.text
    assert "Dit wordt vastgelegd" in pagina
    assert ontvangers(pagina.split('id="gekozen"')[1]) == ["Arnhem", "Huizen"]
    assert geld("357.000,00") in pagina
    assert betaling_van("GM0202").betaald_op is None

    klaar = verstuur_antwoord(financien, controle, BATCH)

    assert klaar.status_code == 302
    volgend = financien.get(klaar.location)
    assert (
        "succes",
        f"Geregistreerd op 1 juni 2016: 2 betaald ({geld('357.000,00')}).",
    ) in meldingen(volgend)
    for betaling in (arnhem, huizen):
        geregistreerd = db.session.get(Betaling, betaling.id)
        assert geregistreerd.betaald_op == date(2016, 6, 1)
        assert geregistreerd.betaald_bedrag == geregistreerd.bedrag
        assert geregistreerd.betalingskenmerk == "BATCH-23"
    assert ontvangers(sectie(volgend.text, "Te betalen")) == ["Rotterdam"]


def test_a_batch_with_a_payment_registered_meanwhile_records_nothing(financien, login_as):
    arnhem, huizen = betaling_van("GM0202"), betaling_van("GM0406")
    controle = _batch(financien, arnhem, huizen)
    collega = login_as(Rol.FINANCIEN)
    pagina = f"/versterkingsgelden/betalingen/{huizen.id}/betaald"
    verstuur_antwoord(collega, verstuur(collega, pagina, pagina), pagina, pagina)

    klaar = verstuur_antwoord(financien, controle, BATCH)

    assert klaar.status_code == 400
    assert (
        "fout",
        f"Voorschot van {geld('157.000,00')} aan Huizen: Deze betaling is al op 01-06-2016 "
        "geregistreerd.",
    ) in meldingen(klaar)
    assert betaling_van("GM0202").betaald_op is None


@pytest.mark.parametrize(
    ("velden", "melding"),
    [
        ({"betaald_op": ""}, "Vul een datum in."),
        ({"betaald_op": "31-02-2016"}, "Dit is geen geldige datum; schrijf haar als 9-11-2015."),
        ({"betalingskenmerk": "x" * 61}, "Een betalingskenmerk is hooguit 60 tekens lang."),
    ],
)
def test_a_wrong_batch_is_refused(financien, velden, melding):
    antwoord = _batch(financien, betaling_van("GM0202"), **velden)

    assert antwoord.status_code == 400
    assert melding in antwoord.text
    assert betaling_van("GM0202").betaald_op is None


@pytest.mark.parametrize("vreemd", ["999999", str(2**63), str(2**70), "-1"])
def test_a_batch_with_an_id_that_no_payment_has_records_nothing(financien, vreemd):
    f = formulier(financien.get(WERKLIJST).text, BATCH, WERKLIJST)
    arnhem = betaling_van("GM0202")
    data = {**f.velden, "betalingen": [str(arnhem.id), vreemd]}

    antwoord = financien.post(BATCH, data=data)

    assert antwoord.status_code == 400
    assert "Een gekozen betaling bestaat niet (meer)." in antwoord.text
    assert betaling_van("GM0202").betaald_op is None


def test_a_batch_without_a_choice_says_so(financien):
    antwoord = _batch(financien)

    assert antwoord.status_code == 400
    assert "Kies op de <a" in antwoord.text
    assert "minstens één geplande betaling." in antwoord.text


# --- Cancelling -----------------------------------------------------------------------------


def test_finance_cancels_a_planned_payment_with_a_reason(db, financien, medewerker_financien):
    huizen = betaling_van("GM0406")
    pagina = f"/versterkingsgelden/betalingen/{huizen.id}/annuleren?van=werklijst"

    zonder_reden = verstuur(financien, pagina, pagina, reden=" ")
    klaar = verstuur(financien, pagina, pagina, reden="Rekeningnummer geblokkeerd")

    assert zonder_reden.status_code == 400
    assert klaar.status_code == 302
    assert klaar.location == WERKLIJST
    geannuleerd = db.session.get(Betaling, huizen.id)
    assert geannuleerd.reden_annulering == "Rekeningnummer geblokkeerd"
    assert geannuleerd.geannuleerd_door == medewerker_financien.email
    assert ontvangers(sectie(financien.get(WERKLIJST).text, "Te betalen")) == [
        "Rotterdam",
        "Arnhem",
    ]


def test_a_municipality_user_has_no_work_list(db, login_as):
    amsterdam = db.session.execute(select(Gemeente).filter_by(cbs_code="GM0363")).scalar_one()
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)

    assert gemeente.get(WERKLIJST).status_code == 403
    assert gemeente.post(BATCH, data={}).status_code == 403


def test_a_payment_registered_before_shows_no_form(db, financien):
    zoetermeer = db.session.execute(
        select(Betaling)
        .join(Betaling.beschikking)
        .where(Beschikking.gemeente.has(cbs_code="GM0637"))
    ).scalar_one()

    antwoord = financien.get(f"/versterkingsgelden/betalingen/{zoetermeer.id}/betaald")

    assert ("fout", "Deze betaling is al op 15-10-2015 geregistreerd.") in meldingen(antwoord)
    assert "Controleren" not in antwoord.text
