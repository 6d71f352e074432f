"""Settling a decision from its approved final return, through the web forms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kern.accounts.models import Rol
from kern.audit import historie
from kern.formatting import geld
from subsidies import services
from subsidies.models import (
    Beschikking,
    BeschikkingStatus,
    Betaling,
    BetalingSoort,
    Vaststelling,
    VerantwoordingStatus,
)
from tests.subsidies.factories import maak_betaling, maak_verantwoording
from tests.subsidies.test_verantwoordingen import (
    formulier,
    goedkeuren,
    indienen_url,
    render_blok,
    versies,
)


def vaststellen_url(beschikking: Beschikking) -> str:
    return f"/versterkingsgelden/beschikkingen/{beschikking.id}/vaststellen"


def vaststelformulier(versie: int, datum: str = "2016-09-01", bevestig: bool = True) -> dict:
    data = {"versie": str(versie), "datum": datum}
    if bevestig:
        data["bevestig"] = "y"
    return data


def aantal(db, model: type) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def eindverantwoording_via_web(login_as, db, wereld, cumulatief: str) -> None:
    """The municipality submits its final return and the officer approves it."""
    antwoord = login_as(wereld.gebruiker).post(
        indienen_url(wereld.eigen),
        data=formulier(
            wereld.eigen,
            {"kennisbevordering": (cumulatief, cumulatief)},
            eind="ja",
            toelichting="Alles verantwoord.",
        ),
    )
    assert antwoord.status_code == 302
    laatste = versies(db, wereld.eigen)[-1]
    assert (
        goedkeuren(login_as(wereld.beleidsmedewerker), laatste, laatste.versie).status_code == 302
    )


def test_settling_below_what_was_paid_plans_a_clawback(app, db, wereld, login_as):
    maak_betaling(wereld.eigen, "80000.00")
    eindverantwoording_via_web(login_as, db, wereld, "70.000,00")
    officier = login_as(wereld.beleidsmedewerker)

    voorstel = officier.get(vaststellen_url(wereld.eigen))

    assert voorstel.status_code == 200
    pagina = voorstel.text
    for bedrag in ("100000", "70000", "80000"):
        assert geld(Decimal(bedrag)) in pagina
    assert f"Terugvordering {geld(Decimal('10000'))}" in pagina
    assert f"Vaststellen op {geld(Decimal('70000'))}" in pagina

    antwoord = officier.post(
        vaststellen_url(wereld.eigen), data=vaststelformulier(wereld.eigen.versie)
    )

    assert antwoord.status_code == 302
    vervolg = officier.get(antwoord.location).text
    assert f"is vastgesteld op {geld(Decimal('70000'))}" in vervolg
    assert f"Terugvordering {geld(Decimal('10000'))} is ingepland." in vervolg
    beschikking = db.session.get(Beschikking, wereld.eigen.id)
    assert beschikking.status is BeschikkingStatus.VASTGESTELD
    vaststelling = beschikking.vaststelling
    assert vaststelling.vastgesteld_bedrag == Decimal("70000.00")
    assert vaststelling.subsidiabel == Decimal("70000.00")
    assert vaststelling.betaald == Decimal("80000.00")
    assert vaststelling.saldo == Decimal("-10000.00")
    assert vaststelling.datum == date(2016, 9, 1)
    assert vaststelling.vastgesteld_door == wereld.beleidsmedewerker.email
    [terug] = [b for b in beschikking.betalingen if b.soort is BetalingSoort.TERUGVORDERING]
    assert terug.bedrag == Decimal("10000.00")
    assert terug.betaald_op is None  # planned, not yet received

    # The municipality sees the result with its returns.
    blok = render_blok(app, wereld.gebruiker, beschikking)
    assert f"Terugvordering {geld(Decimal('10000'))}" in blok
    assert geld(Decimal("70000")) in blok
    # The audit trail records the settlement and the decision's new status.
    [aangemaakt] = historie("vaststelling", vaststelling.id)
    assert aangemaakt.actie == "aangemaakt"
    assert aangemaakt.wijzigingen["saldo"] == [None, "-10000.00"]
    assert ["beschikt", "vastgesteld"] in [
        r.wijzigingen.get("status") for r in historie("beschikking", beschikking.id)
    ]


def test_settling_above_the_grant_is_capped_and_plans_an_extra_payment(db, wereld, login_as):
    maak_betaling(wereld.eigen, "80000.00")
    eindverantwoording_via_web(login_as, db, wereld, "120.000,00")
    officier = login_as(wereld.beleidsmedewerker)

    pagina = officier.get(vaststellen_url(wereld.eigen)).text
    assert f"Nabetaling {geld(Decimal('20000'))}" in pagina
    antwoord = officier.post(
        vaststellen_url(wereld.eigen), data=vaststelformulier(wereld.eigen.versie)
    )

    assert antwoord.status_code == 302
    beschikking = db.session.get(Beschikking, wereld.eigen.id)
    assert beschikking.status is BeschikkingStatus.VASTGESTELD
    assert beschikking.vaststelling.vastgesteld_bedrag == Decimal("100000.00")
    assert beschikking.vaststelling.subsidiabel == Decimal("120000.00")
    [extra] = [b for b in beschikking.betalingen if b.soort is BetalingSoort.NABETALING]
    assert extra.bedrag == Decimal("20000.00")
    assert f"Nabetaling {geld(Decimal('20000'))}" in officier.get(antwoord.location).text


def test_settling_exactly_what_was_paid_plans_nothing(db, wereld, login_as):
    maak_betaling(wereld.eigen, "80000.00")
    eindverantwoording_via_web(login_as, db, wereld, "80.000,00")
    officier = login_as(wereld.beleidsmedewerker)
    assert "Geen nabetaling of terugvordering" in officier.get(vaststellen_url(wereld.eigen)).text

    officier.post(vaststellen_url(wereld.eigen), data=vaststelformulier(wereld.eigen.versie))

    beschikking = db.session.get(Beschikking, wereld.eigen.id)
    assert beschikking.vaststelling.saldo == Decimal("0.00")
    assert [b.soort for b in beschikking.betalingen] == [BetalingSoort.VOORSCHOT]


# --- Refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize("soort", ["geen", "tussentijds", "niet_beoordeeld", "teruggestuurd"])
def test_no_settlement_without_an_approved_final_return(db, wereld, soort, login_as):
    if soort == "tussentijds":
        tussentijds = maak_verantwoording(wereld.eigen)
        services.keur_goed(tussentijds, door="test", versie=tussentijds.versie)
    elif soort == "niet_beoordeeld":
        maak_verantwoording(wereld.eigen, eind=True)
    elif soort == "teruggestuurd":
        eind = maak_verantwoording(wereld.eigen, eind=True)
        services.stuur_terug(eind, reden="Nee.", door="test", versie=eind.versie)
    officier = login_as(wereld.beleidsmedewerker)
    versie = wereld.eigen.versie

    pagina = officier.get(vaststellen_url(wereld.eigen))
    antwoord = officier.post(vaststellen_url(wereld.eigen), data=vaststelformulier(versie))

    assert pagina.status_code == 200
    assert "Er is nog geen goedgekeurde eindverantwoording." in pagina.text
    assert "Vaststellen op" not in pagina.text
    assert antwoord.status_code == 302
    assert "Er is nog geen goedgekeurde eindverantwoording." in officier.get(antwoord.location).text
    assert aantal(db, Vaststelling) == 0
    assert db.session.get(Beschikking, wereld.eigen.id).status is BeschikkingStatus.BESCHIKT


def _klaar_om_vast_te_stellen(db, wereld) -> None:
    maak_betaling(wereld.eigen, "80000.00")
    eind = maak_verantwoording(wereld.eigen, Decimal("70000.00"), eind=True)
    services.keur_goed(eind, door="test", versie=eind.versie)


def test_settling_twice_is_refused(db, wereld, login_as):
    _klaar_om_vast_te_stellen(db, wereld)
    officier = login_as(wereld.beleidsmedewerker)
    officier.post(vaststellen_url(wereld.eigen), data=vaststelformulier(wereld.eigen.versie))
    versie = wereld.eigen.versie

    pagina = officier.get(vaststellen_url(wereld.eigen)).text
    antwoord = officier.post(vaststellen_url(wereld.eigen), data=vaststelformulier(versie))

    assert "Vastgesteld op 1 september 2016" in pagina
    assert "Vaststellen op" not in pagina
    assert antwoord.status_code == 302
    assert "Deze beschikking is al vastgesteld." in officier.get(antwoord.location).text
    assert aantal(db, Vaststelling) == 1
    assert db.session.get(Beschikking, wereld.eigen.id).versie == versie
    assert (
        db.session.execute(
            select(func.count()).where(Betaling.soort == BetalingSoort.TERUGVORDERING)
        ).scalar_one()
        == 1
    )


def test_a_stale_version_is_refused_with_409(db, wereld, login_as):
    _klaar_om_vast_te_stellen(db, wereld)
    getekend = wereld.eigen.versie  # the versie in the officer's form
    services.wijzig_beschikking(  # meanwhile a colleague amends the decision
        wereld.eigen,
        services.BeschikkingGegevens(bedrag=Decimal("90000.00")),
        door="collega",
        versie=getekend,
        reden="Lager plafond.",
    )

    antwoord = login_as(wereld.beleidsmedewerker).post(
        vaststellen_url(wereld.eigen), data=vaststelformulier(getekend)
    )

    assert antwoord.status_code == 409
    assert "Iemand anders heeft deze beschikking intussen gewijzigd" in antwoord.text
    assert geld(Decimal("90000")) in antwoord.text  # the proposal as it now is
    assert aantal(db, Vaststelling) == 0
    beschikking = db.session.get(Beschikking, wereld.eigen.id)
    assert beschikking.status is BeschikkingStatus.GEWIJZIGD
    assert [b.soort for b in beschikking.betalingen] == [BetalingSoort.VOORSCHOT]


@pytest.mark.parametrize(
    ("data", "melding"),
    [
        ({"datum": "2016-09-01"}, "Bevestig de vaststelling."),
        ({"datum": "31-02-2016", "bevestig": "y"}, "Dit is geen geldige datum"),
        ({"datum": "", "bevestig": "y"}, "Vul de datum van de vaststelling in."),
        ({"datum": "2016-09-01", "bevestig": "y", "versie": "x"}, "Ongeldige versie"),
        ({}, "Versie ontbreekt"),
    ],
)
def test_an_incomplete_settlement_form_saves_nothing(db, wereld, data, melding, login_as):
    _klaar_om_vast_te_stellen(db, wereld)
    data = {"versie": str(wereld.eigen.versie), **data} if data else {}

    antwoord = login_as(wereld.beleidsmedewerker).post(vaststellen_url(wereld.eigen), data=data)

    assert antwoord.status_code == 400
    assert melding in antwoord.text
    assert aantal(db, Vaststelling) == 0


def test_open_planned_payments_block_the_settlement(db, wereld, login_as):
    _klaar_om_vast_te_stellen(db, wereld)
    services.plan_betaling(
        wereld.eigen,
        soort=BetalingSoort.VOORSCHOT,
        bedrag=Decimal("5000.00"),
        gepland_op=date(2016, 1, 1),
    )
    officier = login_as(wereld.beleidsmedewerker)

    assert (
        "er staat nog een geplande betaling open"
        in officier.get(vaststellen_url(wereld.eigen)).text
    )
    antwoord = officier.post(
        vaststellen_url(wereld.eigen), data=vaststelformulier(wereld.eigen.versie)
    )

    assert (
        "Registreer die als betaald of annuleer die met een reden"
        in officier.get(antwoord.location).text
    )
    assert aantal(db, Vaststelling) == 0


@pytest.mark.parametrize("rol", [Rol.GEMEENTE, Rol.FINANCIEN, Rol.BEHEERDER])
def test_only_a_grant_officer_settles(db, wereld, rol, login_as):
    _klaar_om_vast_te_stellen(db, wereld)
    client = login_as(rol, gemeente=wereld.amsterdam if rol is Rol.GEMEENTE else None)

    assert client.get(vaststellen_url(wereld.eigen)).status_code == 403
    antwoord = client.post(
        vaststellen_url(wereld.eigen), data=vaststelformulier(wereld.eigen.versie)
    )

    assert antwoord.status_code == 403
    assert aantal(db, Vaststelling) == 0
    assert versies(db, wereld.eigen)[-1].status is VerantwoordingStatus.GOEDGEKEURD


# --- A planned payment that will not be made --------------------------------------------------


def annuleren_url(betaling: Betaling) -> str:
    return f"/versterkingsgelden/betalingen/{betaling.id}/annuleren"


def beschikking_url(beschikking: Beschikking) -> str:
    return f"/versterkingsgelden/beschikkingen/{beschikking.id}"


def _open_voorschot(db, wereld) -> Betaling:
    """Ready to settle, but for an advance that was planned and will never be paid."""
    _klaar_om_vast_te_stellen(db, wereld)
    betaling = services.plan_betaling(
        wereld.eigen,
        soort=BetalingSoort.VOORSCHOT,
        bedrag=Decimal("5000.00"),
        gepland_op=date(2016, 1, 1),
        omschrijving="Tweede voorschot",
    )
    return betaling


def test_the_settle_button_is_not_offered_while_a_payment_is_open(db, wereld, login_as):
    betaling = _open_voorschot(db, wereld)
    officier = login_as(wereld.beleidsmedewerker)

    pagina = officier.get(beschikking_url(wereld.eigen)).text
    voorstel = officier.get(vaststellen_url(wereld.eigen)).text

    assert f'href="{vaststellen_url(wereld.eigen)}"' not in pagina
    assert "Vaststellen kan nog niet: er staat nog een geplande betaling open" in pagina
    assert f'href="{annuleren_url(betaling)}"' in pagina
    assert "Vaststellen op" not in voorstel  # no form that would only be refused
    assert "Vaststellen kan nog niet: er staat nog een geplande betaling open" in voorstel


def test_an_officer_cancels_a_planned_payment_with_a_reason_and_can_then_settle(
    db, wereld, login_as
):
    betaling = _open_voorschot(db, wereld)
    officier = login_as(wereld.beleidsmedewerker)
    formulier_pagina = officier.get(annuleren_url(betaling))
    assert formulier_pagina.status_code == 200
    assert "Tweede voorschot" in formulier_pagina.text

    zonder_reden = officier.post(
        annuleren_url(betaling), data={"reden": "  ", "versie": str(betaling.versie)}
    )
    assert zonder_reden.status_code == 400
    assert "Geef de reden van de annulering." in zonder_reden.text
    assert db.session.get(Betaling, betaling.id).geannuleerd_op is None

    antwoord = officier.post(
        annuleren_url(betaling),
        data={"reden": "Het voorschot is niet meer nodig.", "versie": str(betaling.versie)},
    )

    assert antwoord.status_code == 302
    pagina = officier.get(antwoord.location).text
    assert f"Voorschot van {geld(Decimal('5000'))} geannuleerd." in pagina
    assert "Het voorschot is niet meer nodig." in pagina
    bewaard = db.session.get(Betaling, betaling.id)  # kept, never deleted
    assert bewaard.geannuleerd_op is not None
    assert bewaard.geannuleerd_door == wereld.beleidsmedewerker.email
    assert bewaard.reden_annulering == "Het voorschot is niet meer nodig."
    assert bewaard.betaald_op is None
    assert bewaard.beschikking.gepland == 0
    [regel] = [r for r in historie("betaling", betaling.id) if r.actie == "gewijzigd"]
    assert regel.door == wereld.beleidsmedewerker.email
    assert regel.wijzigingen["reden_annulering"] == [None, "Het voorschot is niet meer nodig."]
    # Nothing is open any more: the settlement is offered and goes through.
    assert f'href="{vaststellen_url(wereld.eigen)}"' in pagina
    vastgesteld = officier.post(
        vaststellen_url(wereld.eigen), data=vaststelformulier(bewaard.beschikking.versie)
    )
    assert vastgesteld.status_code == 302
    assert aantal(db, Vaststelling) == 1


def test_a_paid_or_cancelled_payment_cannot_be_cancelled(db, wereld, login_as):
    betaling = _open_voorschot(db, wereld)
    services.annuleer_betaling(betaling, reden="Niet nodig.", door="test", versie=betaling.versie)
    [betaald] = [b for b in wereld.eigen.betalingen if b.betaald_op is not None]
    officier = login_as(wereld.beleidsmedewerker)

    for doel, melding in (
        (betaling, "Deze betaling is al geannuleerd."),
        (betaald, "Deze betaling is al op 02-11-2015 geregistreerd; die wordt niet geannuleerd."),
    ):
        antwoord = officier.post(
            annuleren_url(doel), data={"reden": "Nogmaals", "versie": str(doel.versie)}
        )
        assert antwoord.status_code == 400
        assert melding in antwoord.text
    assert db.session.get(Betaling, betaling.id).reden_annulering == "Niet nodig."
    assert db.session.get(Betaling, betaald.id).geannuleerd_op is None


@pytest.mark.parametrize("rol", [Rol.GEMEENTE, Rol.BEHEERDER])
def test_only_officers_and_finance_cancel_a_payment(db, wereld, rol, login_as):
    """Finance cancels too: see tests/subsidies/test_betalingen.py."""
    betaling = _open_voorschot(db, wereld)
    client = login_as(rol, gemeente=wereld.amsterdam if rol is Rol.GEMEENTE else None)

    assert client.get(annuleren_url(betaling)).status_code == 403
    antwoord = client.post(
        annuleren_url(betaling), data={"reden": "Weg ermee", "versie": str(betaling.versie)}
    )

    assert antwoord.status_code == 403
    assert db.session.get(Betaling, betaling.id).geannuleerd_op is None
    assert "Annuleren" not in client.get(beschikking_url(wereld.eigen)).text
