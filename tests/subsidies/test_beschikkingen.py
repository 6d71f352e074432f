"""Decisions and payments through the web forms, as an officer, finance and a municipality."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from gemeenten.models import Gemeente
from kern import tijd
from kern.accounts.models import Rol
from kern.db import db
from subsidies import services
from subsidies.models import (
    Beschikking,
    BeschikkingStatus,
    Betaling,
    BetalingSoort,
    Doelbedrag,
    Regeling,
)
from tests.gemeenten.factories import maak_gemeente
from tests.pagina import csrf_token, foutmeldingen, meldingen, tekst, versie_in
from tests.subsidies.factories import maak_beschikking, maak_regeling, maak_verantwoording
from tests.subsidies.test_regelingen import aantal, nieuwe_regeling

# The 2015 allocations announced in September 2015 (docs/domein.md); Gouda's amount was not yet set.
NEGEN_2015 = [
    ("GM0363", "Amsterdam", None, "Noord-Holland", "920.000"),
    ("GM0202", "Arnhem", None, "Gelderland", "400.000"),
    ("GM0503", "Delft", None, "Zuid-Holland", "535.000"),
    ("GM0518", "'s-Gravenhage", "Den Haag", "Zuid-Holland", "950.000"),
    ("GM0513", "Gouda", None, "Zuid-Holland", ""),
    ("GM0406", "Huizen", None, "Noord-Holland", "157.000"),
    ("GM0599", "Rotterdam", None, "Zuid-Holland", "665.000"),
    ("GM0344", "Utrecht", None, "Utrecht", "683.000"),
    ("GM0637", "Zoetermeer", None, "Zuid-Holland", "167.000"),
]


def geld(tekst: str) -> str:
    """How the site shows an amount: "€ 4.477.000,00" with a non-breaking space."""
    return "€\xa0" + tekst


def nieuwe_beschikking(client: FlaskClient, jaar_id: int, gemeente: Gemeente, **velden):
    data = {"gemeente_id": str(gemeente.id), "bedrag": "100.000", **velden}
    return client.post(f"/versterkingsgelden/jaren/{jaar_id}/beschikkingen/nieuw", data=data)


def neem(client: FlaskClient, beschikking: Beschikking, kenmerk: str, **velden):
    data = {
        "kenmerk": kenmerk,
        "datum": "2015-10-01",
        "versie": str(beschikking.versie),
        **velden,
    }
    return client.post(f"/versterkingsgelden/beschikkingen/{beschikking.id}/beschikken", data=data)


def wijzig(client: FlaskClient, beschikking: Beschikking, **velden):
    data = {"bedrag": "100.000", "versie": str(beschikking.versie), **velden}
    return client.post(f"/versterkingsgelden/beschikkingen/{beschikking.id}/wijzigen", data=data)


def plan(client: FlaskClient, beschikking: Beschikking, **velden):
    data = {"soort": "voorschot", "bedrag": "50.000", "gepland_op": "2015-11-01", **velden}
    return client.post(f"/versterkingsgelden/beschikkingen/{beschikking.id}/betalingen", data=data)


def registreer(client: FlaskClient, betaling: Betaling, betaald_op: str = "2015-11-02", **extra):
    """Register a payment as the confirmation step sends it (the planned amount by default)."""
    data = {
        "betaald_op": betaald_op,
        "bedrag": f"{betaling.bedrag}",
        "versie": str(betaling.versie),
        "bevestigd": "ja",
        **extra,
    }
    return client.post(f"/versterkingsgelden/betalingen/{betaling.id}/betaald", data=data)


def beschikking_van(gemeente: Gemeente) -> Beschikking | None:
    return db.session.execute(
        select(Beschikking).where(Beschikking.gemeente_id == gemeente.id)
    ).scalar_one_or_none()


def alle_meldingen(antwoord) -> str:
    return " | ".join([m for _, m in meldingen(antwoord)] + foutmeldingen(antwoord))


# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture
def jaar_id(regeling) -> int:
    return regeling.jaren[0].id


# --- The nine municipalities of 2015 --------------------------------------------------------


def test_an_officer_decides_the_nine_2015_grants_and_the_year_totals_4477000(db, officier):
    gemeenten = {}
    for code, naam, roepnaam, provincie, _ in NEGEN_2015:
        gemeenten[code] = maak_gemeente(code, naam, provincie)
        gemeenten[code].roepnaam = roepnaam

    aangemaakt = nieuwe_regeling(officier)
    regeling = db.session.execute(select(Regeling)).scalar_one()
    jaar_id = regeling.jaren[0].id
    formulier = tekst(officier.get(f"/versterkingsgelden/jaren/{jaar_id}/beschikkingen/nieuw"))
    for code, _, _, _, bedrag in NEGEN_2015:
        gemeente = gemeenten[code]
        assert nieuwe_beschikking(officier, jaar_id, gemeente, bedrag=bedrag).status_code == 302
        beschikking = beschikking_van(gemeente)
        assert neem(officier, beschikking, f"2015-VG-{code}").status_code == 302
    jaarpagina = officier.get(f"/versterkingsgelden/jaren/{jaar_id}")

    assert aangemaakt.status_code == 302
    assert "GM0363 Amsterdam" in formulier
    assert "GM0518 Den Haag ('s-Gravenhage)" in formulier
    beschikkingen = db.session.execute(select(Beschikking)).scalars().all()
    assert len(beschikkingen) == 9
    assert {b.status for b in beschikkingen} == {BeschikkingStatus.BESCHIKT}
    assert beschikking_van(gemeenten["GM0513"]).bedrag is None
    assert beschikking_van(gemeenten["GM0518"]).bedrag == Decimal("950000.00")
    inhoud = tekst(jaarpagina)
    assert geld("4.477.000,00") in inhoud
    assert "1 nog vast te stellen" in inhoud
    gouda = re.search(r"Gouda</a></th>(.*?)</tr>", jaarpagina.text, re.S)
    assert gouda is not None
    assert "nog vast te stellen" in gouda[1]
    assert "2015-VG-GM0513" in gouda[1]
    assert "Den Haag ('s-Gravenhage)" in inhoud
    assert "Nieuwe beschikking" in inhoud


def test_a_new_decision_is_a_draft_with_its_return_due_15_july_next_year(
    officier, jaar_id, amsterdam
):
    antwoord = nieuwe_beschikking(
        officier, jaar_id, amsterdam, bedrag="920.000", toelichting="Aangekondigd door NCTV."
    )

    beschikking = beschikking_van(amsterdam)
    assert antwoord.location.endswith(f"/versterkingsgelden/beschikkingen/{beschikking.id}")
    assert beschikking.status is BeschikkingStatus.CONCEPT
    assert beschikking.verantwoording_uiterlijk == date(2016, 7, 15)
    pagina = tekst(officier.get(antwoord.location))
    assert "15 juli 2016" in pagina
    assert "Beschikking nemen" in pagina
    assert "Er is nog geen versie vastgelegd" in pagina
    assert "Aangekondigd door NCTV." in pagina


# --- The ceiling ----------------------------------------------------------------------------


def test_over_allocation_is_refused_with_the_shortfall_then_accepted_when_confirmed(
    officier, jaar_id, amsterdam, rotterdam
):
    assert nieuwe_beschikking(officier, jaar_id, amsterdam, bedrag="900.000").status_code == 302
    assert neem(officier, beschikking_van(amsterdam), "VG-2015-001").status_code == 302

    geweigerd = nieuwe_beschikking(officier, jaar_id, rotterdam, bedrag="200.000,01")

    assert geweigerd.status_code == 400
    assert (
        "fout",
        f"Dit overschrijdt het plafond van {geld('1.000.000,00')} voor 2015 met "
        f"{geld('100.000,01')}. Bevestig de overschrijding als dat de bedoeling is.",
    ) in meldingen(geweigerd)
    assert 'name="bevestig_overschrijding"' in geweigerd.text
    assert beschikking_van(rotterdam) is None

    bevestigd = nieuwe_beschikking(
        officier, jaar_id, rotterdam, bedrag="200.000,01", bevestig_overschrijding="y"
    )

    assert bevestigd.status_code == 302
    assert beschikking_van(rotterdam).bedrag == Decimal("200000.01")
    # Deciding it is checked again, and needs the confirmation again.
    assert neem(officier, beschikking_van(rotterdam), "VG-2015-002").status_code == 400
    genomen = neem(officier, beschikking_van(rotterdam), "VG-2015-002", bevestig_overschrijding="y")
    assert genomen.status_code == 302
    regeling_pagina = tekst(officier.get("/versterkingsgelden/regelingen/1"))
    assert geld("-100.000,01") in regeling_pagina
    assert "(overschreden)" in regeling_pagina


def test_the_confirm_box_is_not_offered_before_the_ceiling_is_at_stake(officier, jaar_id):
    formulier = officier.get(f"/versterkingsgelden/jaren/{jaar_id}/beschikkingen/nieuw")

    assert 'name="bevestig_overschrijding"' not in formulier.text


def test_amending_above_the_ceiling_also_needs_confirmation(officier, beschikking):
    geweigerd = wijzig(officier, beschikking, bedrag="1.000.000,01", reden="Extra middelen")

    assert geweigerd.status_code == 400
    assert "met €\xa00,01" in alle_meldingen(geweigerd)
    assert beschikking.bedrag == Decimal("100000.00")

    bevestigd = wijzig(
        officier,
        beschikking,
        bedrag="1.000.000,01",
        reden="Extra middelen",
        bevestig_overschrijding="y",
    )

    assert bevestigd.status_code == 302
    assert beschikking.bedrag == Decimal("1000000.01")


# --- Amounts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bedrag", "melding"),
    [
        ("-5", '"-5" is negatief; een bedrag is nul of meer.'),
        ("1.234,5x", '"1.234,5x" is geen bedrag.'),
        ("12,345", '"12,345" heeft meer dan twee decimalen.'),
        ("1,234.567", '"1,234.567" is geen bedrag.'),
        ("9999999999999", '"9999999999999" is groter dan het hoogst mogelijke bedrag.'),
        ("1e5", '"1e5" is geen bedrag.'),
        ("NaN", '"NaN" is geen bedrag.'),
    ],
)
def test_a_wrong_amount_is_refused_in_dutch_and_nothing_is_saved(
    officier, jaar_id, amsterdam, bedrag, melding
):
    antwoord = nieuwe_beschikking(officier, jaar_id, amsterdam, bedrag=bedrag)

    assert antwoord.status_code == 400
    assert melding in foutmeldingen(antwoord)
    assert beschikking_van(amsterdam) is None


def test_amounts_keep_every_cent(officier, jaar_id, amsterdam):
    nieuwe_beschikking(officier, jaar_id, amsterdam, bedrag="€ 123.456,78")

    assert beschikking_van(amsterdam).bedrag == Decimal("123456.78")


def test_per_purpose_amounts_that_do_not_add_up_are_refused(officier, regeling, jaar_id, amsterdam):
    kennis, vroeg, persoon = (d.id for d in regeling.doelen)

    antwoord = nieuwe_beschikking(
        officier,
        jaar_id,
        amsterdam,
        bedrag="100.000",
        **{f"doel_{kennis}": "50.000", f"doel_{vroeg}": "40.000"},
    )

    assert antwoord.status_code == 400
    assert (
        "fout",
        f"De bedragen per doel tellen op tot {geld('90.000,00')}, niet tot het toegekende "
        f"{geld('100.000,00')}. Laat de verdeling leeg of maak haar sluitend.",
    ) in meldingen(antwoord)
    assert beschikking_van(amsterdam) is None
    assert aantal(Doelbedrag) == 0

    sluitend = nieuwe_beschikking(
        officier,
        jaar_id,
        amsterdam,
        bedrag="100.000",
        **{f"doel_{kennis}": "50.000", f"doel_{vroeg}": "40.000", f"doel_{persoon}": "10.000"},
    )

    assert sluitend.status_code == 302
    beschikking = beschikking_van(amsterdam)
    assert sorted((d.doel.code, d.bedrag) for d in beschikking.doelbedragen) == [
        ("kennisbevordering", Decimal("50000.00")),
        ("persoonsgerichte_aanpak", Decimal("10000.00")),
        ("vroegsignalering", Decimal("40000.00")),
    ]
    pagina = officier.get(sluitend.location).text
    assert re.search(
        r"Vroegsignalering</th><td>26, 30</td><td class=\"getal\">€\xa040\.000,00", pagina
    )


def test_a_split_without_an_amount_is_refused(officier, regeling, jaar_id, amsterdam):
    antwoord = nieuwe_beschikking(
        officier, jaar_id, amsterdam, bedrag="", **{f"doel_{regeling.doelen[0].id}": "10.000"}
    )

    assert antwoord.status_code == 400
    assert "Zonder totaalbedrag (nog vast te stellen) is er geen verdeling per doel." in (
        alle_meldingen(antwoord)
    )
    assert beschikking_van(amsterdam) is None


def test_a_wrong_per_purpose_amount_is_refused_next_to_its_field(
    officier, regeling, jaar_id, amsterdam
):
    antwoord = nieuwe_beschikking(
        officier, jaar_id, amsterdam, **{f"doel_{regeling.doelen[1].id}": "-1"}
    )

    assert antwoord.status_code == 400
    assert '"-1" is negatief; een bedrag is nul of meer.' in foutmeldingen(antwoord)
    assert beschikking_van(amsterdam) is None


# --- Forged fields --------------------------------------------------------------------------


def test_a_forged_recipient_is_refused(officier, jaar_id, amsterdam, beschikking):
    opgeheven = maak_gemeente("GM0738", "Aalburg", "Noord-Brabant")
    opgeheven.geldig_tot = date(2018, 12, 31)

    for gemeente_id in (str(opgeheven.id), "99999", "Amsterdam", str(amsterdam.id)):
        antwoord = officier.post(
            f"/versterkingsgelden/jaren/{jaar_id}/beschikkingen/nieuw",
            data={"gemeente_id": gemeente_id, "bedrag": "1"},
        )
        assert antwoord.status_code == 400, gemeente_id
        assert "Kies een gemeente uit de lijst." in foutmeldingen(antwoord), gemeente_id

    assert aantal(Beschikking) == 1


def test_forged_participants_are_refused_and_a_purpose_of_another_scheme_is_ignored(
    officier, jaar_id, amsterdam, rotterdam
):
    ander = maak_regeling(naam="Andere regeling", jaar=2016)
    vreemd_doel = ander.doelen[0].id

    vals = nieuwe_beschikking(officier, jaar_id, amsterdam, deelnemers=["99999"])
    genegeerd = nieuwe_beschikking(
        officier,
        jaar_id,
        amsterdam,
        regio_naam="Regio Amstelland",
        deelnemers=[str(rotterdam.id), str(amsterdam.id)],
        **{f"doel_{vreemd_doel}": "100.000"},
    )

    assert vals.status_code == 400
    assert "Kies deelnemende gemeenten uit de lijst." in foutmeldingen(vals)
    assert genegeerd.status_code == 302
    beschikking = beschikking_van(amsterdam)
    assert beschikking.doelbedragen == []
    assert [g.naam for g in beschikking.deelnemers] == ["Rotterdam"]  # not the lead itself
    pagina = tekst(officier.get(genegeerd.location))
    assert "Regio Amstelland (hoofdaanvrager Amsterdam)" in pagina
    assert "GM0599 Rotterdam" in pagina


# --- Deciding, amending, withdrawing --------------------------------------------------------


def test_deciding_twice_is_refused(officier, beschikking):
    antwoord = neem(officier, beschikking, "VG-2")

    assert antwoord.status_code == 400
    assert (
        "fout",
        "Alleen een concept kan worden beschikt; deze beschikking is beschikt.",
    ) in meldingen(antwoord)
    assert beschikking.kenmerk == "VG-1"


def test_deciding_needs_a_decision_number_that_is_not_taken(
    officier, jaar_id, beschikking, rotterdam
):
    nieuwe_beschikking(officier, jaar_id, rotterdam)
    concept = beschikking_van(rotterdam)

    zonder = neem(officier, concept, "  ")
    bezet = neem(officier, concept, "VG-1")
    verkeerde_datum = neem(officier, concept, "VG-3", datum="31-02-2015")

    assert "Vul het kenmerk van de beschikking in." in foutmeldingen(zonder)
    assert (
        "fout",
        "Kenmerk VG-1 is al gebruikt voor een andere beschikking.",
    ) in meldingen(bezet)
    assert "Dit is geen geldige datum; schrijf haar als 9-11-2015." in foutmeldingen(
        verkeerde_datum
    )
    assert beschikking_van(rotterdam).status is BeschikkingStatus.CONCEPT

    genomen = neem(officier, concept, "VG-2", datum="9-11-2015")

    assert genomen.status_code == 302
    assert beschikking_van(rotterdam).datum == date(2015, 11, 9)
    assert "9 november 2015" in tekst(officier.get(genomen.location))


def test_amending_keeps_the_earlier_version_visible(officier, beschikking):
    formulier = officier.get(f"/versterkingsgelden/beschikkingen/{beschikking.id}/wijzigen")
    zonder_reden = wijzig(officier, beschikking, bedrag="120.000")

    assert 'value="100.000,00"' in formulier.text
    assert zonder_reden.status_code == 400
    assert "Geef de reden van de wijziging; die komt in de beschikking." in alle_meldingen(
        zonder_reden
    )

    antwoord = wijzig(
        officier, beschikking, bedrag="120.000", reden="Extra inzet op nazorg", datum="2015-12-01"
    )

    assert antwoord.status_code == 302
    assert beschikking.status is BeschikkingStatus.GEWIJZIGD
    assert beschikking.bedrag == Decimal("120000.00")
    assert beschikking.datum == date(2015, 12, 1)
    assert [(v.volgnummer, v.bedrag, v.reden) for v in beschikking.versies] == [
        (1, Decimal("100000.00"), None),
        (2, Decimal("120000.00"), "Extra inzet op nazorg"),
    ]
    pagina = officier.get(antwoord.location).text
    versies = re.search(r"<h2>Versies</h2>(.*?)</table>", pagina, re.S)[1]
    assert geld("100.000,00") in versies
    assert geld("120.000,00") in versies
    assert "Extra inzet op nazorg" in versies
    assert "Gewijzigd" in versies


def test_a_draft_is_edited_without_a_reason_or_a_version_entry(
    officier, jaar_id, amsterdam, regeling
):
    nieuwe_beschikking(officier, jaar_id, amsterdam, bedrag="")
    concept = beschikking_van(amsterdam)

    antwoord = wijzig(officier, concept, bedrag="50.000")

    assert antwoord.status_code == 302
    beschikking = beschikking_van(amsterdam)
    assert beschikking.bedrag == Decimal("50000.00")
    assert beschikking.status is BeschikkingStatus.CONCEPT
    assert beschikking.versies == []


def test_a_stale_version_is_refused_with_409_and_the_first_change_kept(
    officier, beschikking, login_as
):
    collega = login_as(Rol.BELEIDSMEDEWERKER)
    url = f"/versterkingsgelden/beschikkingen/{beschikking.id}/wijzigen"
    mijn_versie = versie_in(officier.get(url))
    haar_versie = versie_in(collega.get(url))

    eerste = collega.post(url, data={"bedrag": "200.000", "reden": "Eerste", "versie": haar_versie})
    tweede = officier.post(
        url, data={"bedrag": "300.000", "reden": "Tweede", "versie": mijn_versie}
    )

    assert eerste.status_code == 302
    assert tweede.status_code == 409
    assert (
        "fout",
        "Iemand anders heeft deze beschikking intussen gewijzigd. Uw wijziging is niet "
        "opgeslagen; bekijk de nieuwe gegevens en probeer het opnieuw.",
    ) in meldingen(tweede)
    assert geld("200.000,00") in tekst(tweede)  # what the colleague saved is on the page
    assert beschikking.bedrag == Decimal("200000.00")
    assert [v.reden for v in beschikking.versies] == [None, "Eerste"]


def test_a_stale_version_on_deciding_and_withdrawing_is_refused_with_409(
    officier, jaar_id, rotterdam, beschikking
):
    nieuwe_beschikking(officier, jaar_id, rotterdam)
    concept = beschikking_van(rotterdam)
    oud = str(concept.versie)
    wijzig(officier, concept, bedrag="90.000")

    beslissen = neem(officier, concept, "VG-9", versie=oud)
    intrekken = officier.post(
        f"/versterkingsgelden/beschikkingen/{beschikking.id}/intrekken",
        data={"reden": "Vergissing", "versie": str(beschikking.versie - 1)},
    )

    assert beslissen.status_code == 409
    assert intrekken.status_code == 409
    assert beschikking_van(rotterdam).status is BeschikkingStatus.CONCEPT
    assert beschikking.status is BeschikkingStatus.BESCHIKT


def test_a_withdrawn_decision_cannot_be_amended(officier, beschikking):
    zonder_reden = officier.post(
        f"/versterkingsgelden/beschikkingen/{beschikking.id}/intrekken",
        data={"reden": " ", "versie": str(beschikking.versie)},
    )
    assert "Geef de reden van de intrekking." in foutmeldingen(zonder_reden)

    ingetrokken = officier.post(
        f"/versterkingsgelden/beschikkingen/{beschikking.id}/intrekken",
        data={"reden": "Gemeente ziet af van de middelen", "versie": str(beschikking.versie)},
    )
    wijziging = wijzig(officier, beschikking, bedrag="1", reden="Toch")

    assert ingetrokken.status_code == 302
    assert wijziging.status_code == 400
    assert (
        "fout",
        "Deze beschikking is ingetrokken en kan niet meer worden gewijzigd.",
    ) in meldingen(wijziging)
    assert beschikking.status is BeschikkingStatus.INGETROKKEN
    assert beschikking.bedrag == Decimal("100000.00")
    pagina = tekst(officier.get(f"/versterkingsgelden/beschikkingen/{beschikking.id}"))
    assert "Gemeente ziet af van de middelen" in pagina
    assert "Beschikking wijzigen" not in pagina
    jaarpagina = tekst(officier.get(f"/versterkingsgelden/jaren/{beschikking.regeling_jaar_id}"))
    assert re.search(r"Totaal.*?€\xa00,00", jaarpagina, re.S)  # withdrawn: not counted


def test_withdrawing_after_a_payment_plans_the_clawback(officier, financien, beschikking):
    plan(officier, beschikking, bedrag="40.000")
    registreer(financien, beschikking.betalingen[0])

    antwoord = officier.post(
        f"/versterkingsgelden/beschikkingen/{beschikking.id}/intrekken",
        data={"reden": "Niet besteed", "versie": str(beschikking.versie)},
    )

    pagina = officier.get(antwoord.location)
    assert (
        "succes",
        f"De beschikking is ingetrokken. Er is een terugvordering van {geld('40.000,00')} gepland.",
    ) in meldingen(pagina)
    assert "Terugvordering" in tekst(pagina)


def _vastgesteld(beschikking: Beschikking) -> Beschikking:
    """Take a decision through payment, return and settlement with the services."""
    betaling = services.plan_betaling(
        beschikking,
        soort=BetalingSoort.VOORSCHOT,
        bedrag=Decimal("100000.00"),
        gepland_op=date(2015, 11, 1),
    )
    services.registreer_betaling(betaling, betaald_op=date(2015, 11, 2), versie=betaling.versie)
    verantwoording = maak_verantwoording(beschikking, Decimal("80000.00"), eind=True)
    services.keur_goed(verantwoording, door="test", versie=verantwoording.versie)
    services.stel_vast(beschikking, datum=date(2016, 9, 1), door="test", versie=beschikking.versie)
    return beschikking


def test_a_settled_decision_cannot_be_withdrawn_or_amended(officier, beschikking):
    vastgesteld = _vastgesteld(beschikking)

    intrekken = officier.post(
        f"/versterkingsgelden/beschikkingen/{vastgesteld.id}/intrekken",
        data={"reden": "Te laat", "versie": str(vastgesteld.versie)},
    )
    wijzigen = wijzig(officier, vastgesteld, bedrag="1", reden="Te laat")

    assert intrekken.status_code == 400
    # The services' wording ("Een vastgesteld beschikking") is theirs; the refusal is ours.
    assert "Deze beschikking is vastgesteld en kan niet worden ingetrokken." in alle_meldingen(
        intrekken
    )
    assert wijzigen.status_code == 400
    assert "Deze beschikking is vastgesteld en kan niet meer worden gewijzigd." in alle_meldingen(
        wijzigen
    )
    assert beschikking.status is BeschikkingStatus.VASTGESTELD
    pagina = tekst(officier.get(f"/versterkingsgelden/beschikkingen/{vastgesteld.id}"))
    assert "Beschikking intrekken" not in pagina
    assert "Vastgesteld op €\xa080.000,00" in pagina  # the settlement's version entry


# --- Payments -------------------------------------------------------------------------------


def test_a_payment_is_planned_registered_and_the_totals_follow(officier, financien, beschikking):
    gepland = plan(officier, beschikking, bedrag="60.000", omschrijving="Eerste voorschot")

    assert gepland.status_code == 302
    pagina = officier.get(gepland.location)
    assert (
        "succes",
        f"Voorschot van {geld('60.000,00')} gepland op 1 november 2015.",
    ) in meldingen(pagina)
    totalen = re.search(r"<tfoot>(.*?)</tfoot>", pagina.text, re.S)[1]
    assert re.search(r"Betaald</th><td class=\"getal\">€\xa00,00", totalen)
    assert re.search(r"Gepland, nog niet betaald</th><td class=\"getal\">€\xa060\.000,00", totalen)

    betaling = beschikking.betalingen[0]
    betaald = registreer(financien, betaling, "2015-11-05")

    assert betaald.status_code == 302
    assert betaling.betaald_op == date(2015, 11, 5)
    pagina = officier.get(betaald.location).text
    totalen = re.search(r"<tfoot>(.*?)</tfoot>", pagina, re.S)[1]
    assert re.search(r"Betaald</th><td class=\"getal\">€\xa060\.000,00", totalen)
    assert re.search(r"Gepland, nog niet betaald</th><td class=\"getal\">€\xa00,00", totalen)
    assert re.search(r"Openstaand.*?</th><td class=\"getal\">€\xa040\.000,00", totalen)
    assert "5 november 2015" in pagina


def test_an_advance_above_what_is_open_is_refused(officier, beschikking):
    plan(officier, beschikking, bedrag="60.000")

    antwoord = plan(officier, beschikking, bedrag="40.000,01")

    assert antwoord.status_code == 400
    assert (
        "fout",
        f"Dit voorschot is {geld('0,01')} meer dan nog open staat ({geld('40.000,00')}).",
    ) in meldingen(antwoord)
    assert len(beschikking.betalingen) == 1


def test_an_advance_on_a_decision_without_an_amount_is_refused(officier, regeling, rotterdam):
    gouda = maak_beschikking(rotterdam, regeling, None, kenmerk="VG-G")

    antwoord = plan(officier, gouda)

    assert antwoord.status_code == 400
    assert (
        "fout",
        "Het bedrag van deze beschikking is nog niet vastgesteld; er kan nog geen voorschot "
        "worden gepland.",
    ) in meldingen(antwoord)
    assert aantal(Betaling) == 0


@pytest.mark.parametrize(
    ("velden", "melding"),
    [
        ({"bedrag": "0"}, "Een betaling is groter dan nul."),
        ({"bedrag": "-5"}, '"-5" is negatief; een bedrag is nul of meer.'),
        ({"bedrag": ""}, "Vul een bedrag in."),
        ({"bedrag": " "}, "Vul een bedrag in."),
        ({"soort": "cadeau"}, "Kies een soort betaling uit de lijst."),
        ({"gepland_op": "morgen"}, "Dit is geen geldige datum; schrijf haar als 9-11-2015."),
        ({"gepland_op": "1815-06-18"}, "Een datum ligt tussen 2000 en 2100."),
    ],
)
def test_a_wrong_payment_is_refused(officier, beschikking, velden, melding):
    antwoord = plan(officier, beschikking, **velden)

    assert antwoord.status_code == 400
    assert melding in alle_meldingen(antwoord)
    assert aantal(Betaling) == 0


def test_a_payment_on_a_draft_is_refused(officier, jaar_id, rotterdam):
    nieuwe_beschikking(officier, jaar_id, rotterdam)
    concept = beschikking_van(rotterdam)

    antwoord = plan(officier, concept)

    assert antwoord.status_code == 400
    assert (
        "Deze beschikking is nog een concept; er wordt geen voorschot op betaald."
        in alle_meldingen(antwoord)
    )
    assert "Betaling plannen" not in tekst(
        officier.get(f"/versterkingsgelden/beschikkingen/{concept.id}")
    )


def test_registering_a_payment_twice_or_with_a_stale_version_is_refused(
    officier, financien, beschikking
):
    plan(officier, beschikking)
    betaling = beschikking.betalingen[0]
    oude_versie = betaling.versie
    registreer(financien, betaling, "2015-11-02")

    nogmaals = registreer(financien, betaling, "2015-11-03")
    verouderd = registreer(financien, betaling, "2015-11-03", versie=str(oude_versie))

    assert nogmaals.status_code == 400
    assert "Deze betaling is al op 02-11-2015 geregistreerd." in alle_meldingen(nogmaals)
    assert verouderd.status_code == 409
    assert betaling.betaald_op == date(2015, 11, 2)


def test_finance_may_register_a_payment_but_not_plan_one(officier, beschikking, financien):
    plan(officier, beschikking)
    betaling = beschikking.betalingen[0]

    pagina = financien.get(f"/versterkingsgelden/beschikkingen/{beschikking.id}")
    geregistreerd = registreer(financien, betaling)
    gepland = plan(financien, beschikking, bedrag="1.000")

    assert "Betaling plannen" not in tekst(pagina)
    assert "Beschikking wijzigen" not in tekst(pagina)
    assert f'href="/versterkingsgelden/betalingen/{betaling.id}/betaald"' in pagina.text
    assert geregistreerd.status_code == 302
    assert gepland.status_code == 403
    assert betaling.betaald_op == date(2015, 11, 2)
    assert len(beschikking.betalingen) == 1


# --- A municipality user --------------------------------------------------------------------


def test_a_municipality_user_sees_their_own_decision_without_the_officer_forms(
    officier, regeling, amsterdam, rotterdam, beschikking, login_as
):
    eigen = beschikking_van(amsterdam)
    plan(officier, eigen)
    andere = maak_beschikking(rotterdam, regeling, Decimal("200000.00"), kenmerk="VG-R")
    services.plan_betaling(
        andere, soort=BetalingSoort.VOORSCHOT, bedrag=Decimal("1000.00"), gepland_op=date.today()
    )
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)

    pagina = gemeente.get(f"/versterkingsgelden/beschikkingen/{eigen.id}")
    vreemd = gemeente.get(f"/versterkingsgelden/beschikkingen/{andere.id}")
    vreemde_betaling = registreer(gemeente, andere.betalingen[0])
    historie = gemeente.get(f"/versterkingsgelden/beschikkingen/{eigen.id}/historie")

    assert pagina.status_code == 200
    inhoud = tekst(pagina)
    assert "VG-1" in inhoud
    assert geld("100.000,00") in inhoud
    assert "Voorschot" in inhoud
    assert "15 juli 2016" in inhoud
    assert "<form" not in pagina.text.replace(
        '<form method="post" action="/afmelden" class="inline">', ""
    )
    for officierswerk in ("Betaling plannen", "Beschikking wijzigen", "Intrekken", "Historie"):
        assert officierswerk not in inhoud
    assert "Rotterdam" not in pagina.text  # nowhere, not even in an attribute
    assert vreemd.status_code == 404
    assert "Rotterdam" not in vreemd.text
    assert vreemde_betaling.status_code == 403  # no municipality registers payments at all
    assert historie.status_code == 403
    assert andere.betalingen[0].betaald_op is None


# --- The audit trail ------------------------------------------------------------------------


def test_the_audit_page_lists_every_change_with_old_and_new_values(
    officier, beschikking, financien
):
    wijzig(officier, beschikking, bedrag="120.000", reden="Extra inzet")
    plan(officier, beschikking, bedrag="50.000")
    registreer(financien, beschikking.betalingen[0], "2015-12-01")

    antwoord = financien.get(f"/versterkingsgelden/beschikkingen/{beschikking.id}/historie")

    assert antwoord.status_code == 200
    inhoud = tekst(antwoord)
    assert f"bedrag: {geld('100.000,00')} → {geld('120.000,00')}" in inhoud
    assert "status: Beschikt → Gewijzigd" in inhoud
    assert "status: Concept → Beschikt" in inhoud
    assert "kenmerk: — → VG-1" in inhoud
    assert "betaald op: — → 1 december 2015" in inhoud
    assert "Betaling (voorschot)" in inhoud
    assert f"bedrag: — → {geld('50.000,00')}" in inhoud
    assert "versie:" not in inhoud
    rijen = re.findall(r"<tr>\s*<td>.*?</tr>", antwoord.text, re.S)
    assert "betaald op" in rijen[0]  # newest first
    assert "aangemaakt" in rijen[-1]
    assert "Beschikking (nr." in rijen[-1]
    assert "<form" not in antwoord.text.replace(
        '<form method="post" action="/afmelden" class="inline">', ""
    )


def _verdeeld_ontdaan_en_ingetrokken(officier, regeling, beschikking) -> str:
    """Split the grant, drop the split, plan a payment and withdraw: the trail's page."""
    kennis = regeling.doelen[0].id
    wijzig(officier, beschikking, reden="Verdeling", **{f"doel_{kennis}": "100.000"})
    wijzig(officier, beschikking, reden="Zonder verdeling")
    plan(officier, beschikking, bedrag="10.000")
    officier.post(
        f"/versterkingsgelden/beschikkingen/{beschikking.id}/intrekken",
        data={"reden": "Weg", "versie": str(beschikking.versie)},
    )
    assert aantal(Doelbedrag) == 0
    # The planned payment is cancelled with the withdrawal, and kept.
    [betaling] = db.session.execute(select(Betaling)).scalars()
    assert betaling.reden_annulering == "Beschikking ingetrokken: Weg"
    return tekst(officier.get(f"/versterkingsgelden/beschikkingen/{beschikking.id}/historie"))


def test_the_audit_page_shows_splits_and_payments_that_no_longer_exist(
    officier, regeling, beschikking
):
    inhoud = _verdeeld_ontdaan_en_ingetrokken(officier, regeling, beschikking)

    assert "Bedrag per doel: Kennisbevordering" in inhoud
    assert f"bedrag: — → {geld('100.000,00')}" in inhoud
    assert "Betaling (voorschot)" in inhoud
    assert f"bedrag: — → {geld('10.000,00')}" in inhoud
    assert "status: Gewijzigd → Ingetrokken" in inhoud


def test_the_audit_page_shows_their_removal(officier, regeling, beschikking):
    inhoud = _verdeeld_ontdaan_en_ingetrokken(officier, regeling, beschikking)

    assert f"bedrag: {geld('100.000,00')} → —" in inhoud
    assert "reden annulering: — → Beschikking ingetrokken: Weg" in inhoud
    assert "geannuleerd op: — → " in inhoud
    assert "+00:00" not in inhoud


def test_the_edit_and_withdraw_pages_say_when_nothing_can_be_changed(officier, beschikking):
    officier.post(
        f"/versterkingsgelden/beschikkingen/{beschikking.id}/intrekken",
        data={"reden": "Vergissing", "versie": str(beschikking.versie)},
    )

    wijzigen = tekst(officier.get(f"/versterkingsgelden/beschikkingen/{beschikking.id}/wijzigen"))
    intrekken = tekst(officier.get(f"/versterkingsgelden/beschikkingen/{beschikking.id}/intrekken"))

    assert "Deze beschikking is ingetrokken en kan niet meer worden gewijzigd." in wijzigen
    assert "Deze beschikking is ingetrokken en kan niet worden ingetrokken." in intrekken


@pytest.mark.csrf
def test_a_new_decision_needs_the_form_token(officier, jaar_id, amsterdam):
    formulier = officier.get(f"/versterkingsgelden/jaren/{jaar_id}/beschikkingen/nieuw")
    token = csrf_token(formulier)

    zonder = nieuwe_beschikking(officier, jaar_id, amsterdam)
    met = nieuwe_beschikking(officier, jaar_id, amsterdam, csrf_token=token)

    assert zonder.status_code == 400
    assert "Het formulier is verlopen of ongeldig." in tekst(zonder)
    assert met.status_code == 302
    assert beschikking_van(amsterdam) is not None


def test_the_clawback_is_planned_on_the_dutch_date(officier, financien, beschikking, monkeypatch):
    plan(officier, beschikking, bedrag="40.000")
    registreer(financien, beschikking.betalingen[0])
    # 23:30 UTC on 15 July is 01:30 on 16 July in Amsterdam.
    monkeypatch.setattr(tijd, "nu", lambda: datetime(2016, 7, 15, 23, 30, tzinfo=UTC))

    antwoord = officier.post(
        f"/versterkingsgelden/beschikkingen/{beschikking.id}/intrekken",
        data={"reden": "Niet besteed", "versie": str(beschikking.versie)},
    )

    assert antwoord.status_code == 302
    terugvordering = next(b for b in beschikking.betalingen if b.is_terugvordering)
    assert terugvordering.gepland_op == date(2016, 7, 16)
