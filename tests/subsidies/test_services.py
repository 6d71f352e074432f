"""The rules of the grant cycle, at the level of the services."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from subsidies import services
from subsidies.models import (
    BeschikkingStatus,
    BetalingSoort,
    VerantwoordingStatus,
)
from tests.gemeenten.factories import maak_gemeente
from tests.subsidies.factories import maak_beschikking, maak_verantwoording

VANDAAG = date(2016, 8, 1)  # the date the services are handed as today

D = Decimal


def _gegevens(bedrag, **extra):
    return services.BeschikkingGegevens(bedrag=None if bedrag is None else D(bedrag), **extra)


# --- Ceilings -----------------------------------------------------------------------------


def test_over_allocating_names_the_exact_shortfall_and_saves_nothing(regeling, db):
    jaar = regeling.jaren[0]
    maak_beschikking(maak_gemeente("GM0363"), regeling, D("600000.00"))

    with pytest.raises(services.PlafondOverschreden) as fout:
        services.maak_beschikking(
            jaar, maak_gemeente("GM0599", "Rotterdam", "Zuid-Holland"), _gegevens("400000.01")
        )

    assert fout.value.tekort == D("0.01")
    assert "met €\xa00,01" in str(fout.value)
    assert len(jaar.beschikkingen) == 1


def test_an_explicitly_confirmed_over_allocation_is_accepted(regeling, db):
    jaar = regeling.jaren[0]
    concept = services.maak_beschikking(
        jaar,
        maak_gemeente(),
        _gegevens("1000000.01"),
        bevestig_overschrijding=True,
    )
    assert services.toegekend_in(jaar) == D("0.00")  # a draft is not granted
    assert services.in_concept_in(jaar) == D("1000000.01")
    with pytest.raises(services.PlafondOverschreden):
        services.beschik(concept, kenmerk="VG-1", datum=date(2015, 10, 1), door="t", versie=1)
    services.beschik(
        concept,
        kenmerk="VG-1",
        datum=date(2015, 10, 1),
        door="t",
        versie=concept.versie,
        bevestig_overschrijding=True,
    )
    assert services.toegekend_in(jaar) == D("1000000.01")


def test_withdrawn_decisions_free_their_room_under_the_ceiling(regeling, db):
    jaar = regeling.jaren[0]
    eerste = maak_beschikking(maak_gemeente(), regeling, D("900000.00"))
    services.trek_in(
        eerste, reden="Geen uitvoering", door="t", versie=eerste.versie, vandaag=VANDAAG
    )

    maak_beschikking(maak_gemeente("GM0599", "Rotterdam", "Zuid-Holland"), regeling, D("900000.00"))
    assert services.toegekend_in(jaar) == D("900000.00")


def test_an_amendment_is_checked_against_the_ceiling_without_counting_itself(regeling, db):
    beschikking = maak_beschikking(maak_gemeente(), regeling, D("900000.00"))
    services.wijzig_beschikking(
        beschikking, _gegevens("1000000.00"), door="t", versie=beschikking.versie, reden="Meer"
    )
    with pytest.raises(services.PlafondOverschreden):
        services.wijzig_beschikking(
            beschikking, _gegevens("1000000.50"), door="t", versie=beschikking.versie, reden="x"
        )
    assert beschikking.bedrag == D("1000000.00")


def test_the_ceiling_cannot_drop_below_what_is_granted(regeling, db):
    jaar = regeling.jaren[0]
    maak_beschikking(maak_gemeente(), regeling, D("500000.00"))
    with pytest.raises(services.SubsidieFout, match=re.escape("al €\xa0500.000,00 toegekend")):
        services.wijzig_plafond(jaar, D("499999.99"), jaar.versie)


# --- Decisions ----------------------------------------------------------------------------


def test_an_amount_not_yet_set_does_not_count_and_allows_no_advance(regeling, db):
    gouda = maak_beschikking(maak_gemeente("GM0513", "Gouda", "Zuid-Holland"), regeling, None)
    assert gouda.status is BeschikkingStatus.BESCHIKT
    assert services.toegekend_in(regeling.jaren[0]) == D("0.00")
    with pytest.raises(services.SubsidieFout, match="nog niet vastgesteld"):
        services.plan_betaling(
            gouda, soort=BetalingSoort.VOORSCHOT, bedrag=D("1.00"), gepland_op=date(2015, 11, 1)
        )


def test_purpose_amounts_must_add_up_to_the_grant(regeling, db):
    doelen = regeling.doelen
    with pytest.raises(services.SubsidieFout, match=re.escape("tellen op tot €\xa090.000,00")):
        services.maak_beschikking(
            regeling.jaren[0],
            maak_gemeente(),
            _gegevens(
                "100000.00", doelbedragen={doelen[0].id: D("40000"), doelen[1].id: D("50000")}
            ),
        )


def test_an_amendment_keeps_every_earlier_version(regeling, db):
    beschikking = maak_beschikking(maak_gemeente(), regeling, D("100000.00"))
    services.wijzig_beschikking(
        beschikking, _gegevens("80000.00"), door="t", versie=beschikking.versie, reden="Minder"
    )
    assert [(v.volgnummer, v.status, v.bedrag, v.reden) for v in beschikking.versies] == [
        (1, BeschikkingStatus.BESCHIKT, D("100000.00"), None),
        (2, BeschikkingStatus.GEWIJZIGD, D("80000.00"), "Minder"),
    ]


def test_an_amendment_is_one_change_one_version_and_one_audit_entry(regeling, db):
    from sqlalchemy import func, select

    from kern.audit import AuditRegel

    beschikking = maak_beschikking(maak_gemeente(), regeling, D("100000.00"))
    db.session.commit()
    versie = beschikking.versie
    voor = db.session.scalar(
        select(func.count(AuditRegel.id)).where(AuditRegel.soort == "beschikking")
    )

    services.wijzig_beschikking(
        beschikking, _gegevens("80000.00"), door="t", versie=versie, reden="Minder"
    )
    db.session.commit()

    assert beschikking.versie == versie + 1  # a form drawn before it is one version behind
    regels = db.session.scalars(
        select(AuditRegel).where(AuditRegel.soort == "beschikking").order_by(AuditRegel.id)
    ).all()
    assert len(regels) == voor + 1
    assert regels[-1].wijzigingen["bedrag"] == ["100000.00", "80000.00"]


def test_amending_twice_with_new_purpose_amounts_keeps_both_versions(regeling, db):
    kennis, vroeg, *_ = regeling.doelen
    beschikking = maak_beschikking(maak_gemeente(), regeling, D("100000.00"))
    for volgnummer, (a, b) in enumerate([("60000.00", "40000.00"), ("50000.00", "50000.00")], 2):
        services.wijzig_beschikking(
            beschikking,
            _gegevens("100000.00", doelbedragen={kennis.id: D(a), vroeg.id: D(b)}),
            door="t",
            versie=beschikking.versie,
            reden=f"Verdeling {volgnummer}",
        )
        assert beschikking.versies[-1].doelbedragen == {kennis.code: a, vroeg.code: b}
    assert [v.volgnummer for v in beschikking.versies] == [1, 2, 3]


def test_an_amendment_needs_a_reason(regeling, db):
    beschikking = maak_beschikking(maak_gemeente(), regeling)
    with pytest.raises(services.SubsidieFout, match="reden"):
        services.wijzig_beschikking(
            beschikking, _gegevens("1.00"), door="t", versie=beschikking.versie, reden="  "
        )


def test_a_stale_version_is_refused(regeling, db):
    beschikking = maak_beschikking(maak_gemeente(), regeling)
    oude_versie = beschikking.versie
    services.wijzig_beschikking(
        beschikking, _gegevens("90000.00"), door="a", versie=oude_versie, reden="Eerste"
    )
    with pytest.raises(services.Conflict, match="intussen gewijzigd"):
        services.wijzig_beschikking(
            beschikking, _gegevens("70000.00"), door="b", versie=oude_versie, reden="Tweede"
        )
    assert beschikking.bedrag == D("90000.00")


@pytest.mark.parametrize(
    "actie",
    [
        pytest.param(
            lambda b: services.beschik(
                b, kenmerk="X-2", datum=date(2015, 10, 1), door="t", versie=b.versie
            ),
            id="decide-again",
        ),
        pytest.param(
            lambda b: services.wijzig_beschikking(
                b, _gegevens("1.00"), door="t", versie=b.versie, reden="r"
            ),
            id="amend",
        ),
        pytest.param(
            lambda b: services.trek_in(b, reden="r", door="t", versie=b.versie, vandaag=VANDAAG),
            id="withdraw-again",
        ),
        pytest.param(
            lambda b: services.dien_in(
                b, bestedingen={}, eindverantwoording=True, toelichting=None, door="t"
            ),
            id="submit",
        ),
    ],
)
def test_a_withdrawn_decision_allows_nothing_more(regeling, db, actie):
    beschikking = maak_beschikking(maak_gemeente(), regeling)
    services.trek_in(
        beschikking, reden="Fout", door="t", versie=beschikking.versie, vandaag=VANDAAG
    )
    with pytest.raises(services.SubsidieFout):
        actie(beschikking)
    assert beschikking.status is BeschikkingStatus.INGETROKKEN


def test_a_decision_number_is_used_once(regeling, db):
    maak_beschikking(maak_gemeente(), regeling, kenmerk="VG-1")
    tweede = maak_beschikking(
        maak_gemeente("GM0599", "Rotterdam", "Zuid-Holland"), regeling, beschikt=False
    )
    with pytest.raises(services.SubsidieFout, match="VG-1 is al gebruikt"):
        services.beschik(tweede, kenmerk="VG-1", datum=date(2015, 10, 1), door="t", versie=1)


def test_one_decision_per_recipient_per_year(regeling, db):
    gemeente = maak_gemeente()
    maak_beschikking(gemeente, regeling)
    with pytest.raises(services.SubsidieFout, match="heeft al een beschikking"):
        maak_beschikking(gemeente, regeling)


def test_withdrawing_after_payment_plans_the_clawback(regeling, db):
    beschikking = maak_beschikking(maak_gemeente(), regeling, D("100000.00"))
    betaling = services.plan_betaling(
        beschikking,
        soort=BetalingSoort.VOORSCHOT,
        bedrag=D("60000.00"),
        gepland_op=date(2015, 11, 1),
    )
    services.registreer_betaling(betaling, betaald_op=date(2015, 11, 2), versie=betaling.versie)
    services.plan_betaling(
        beschikking,
        soort=BetalingSoort.VOORSCHOT,
        bedrag=D("40000.00"),
        gepland_op=date(2016, 1, 1),
    )

    services.trek_in(
        beschikking, reden="Geen uitvoering", door="t", versie=beschikking.versie, vandaag=VANDAAG
    )
    db.session.flush()

    soorten = [(b.soort, b.bedrag, b.is_open) for b in beschikking.betalingen]
    assert soorten == [
        (BetalingSoort.VOORSCHOT, D("60000.00"), False),
        (BetalingSoort.VOORSCHOT, D("40000.00"), False),  # cancelled, kept
        (BetalingSoort.TERUGVORDERING, D("60000.00"), True),
    ]
    assert beschikking.betalingen[1].reden_annulering == "Beschikking ingetrokken: Geen uitvoering"
    assert beschikking.gepland == D("-60000.00")


# --- Payments -----------------------------------------------------------------------------


def test_advances_cannot_exceed_what_is_open(regeling, db):
    beschikking = maak_beschikking(maak_gemeente(), regeling, D("100000.00"))
    services.plan_betaling(
        beschikking,
        soort=BetalingSoort.VOORSCHOT,
        bedrag=D("70000.00"),
        gepland_op=date(2015, 11, 1),
    )
    with pytest.raises(services.SubsidieFout, match=re.escape("€\xa00,01 meer dan nog open staat")):
        services.plan_betaling(
            beschikking,
            soort=BetalingSoort.VOORSCHOT,
            bedrag=D("30000.01"),
            gepland_op=date(2016, 1, 1),
        )


def test_paid_and_outstanding_totals(regeling, db):
    beschikking = maak_beschikking(maak_gemeente(), regeling, D("100000.00"))
    betaling = services.plan_betaling(
        beschikking,
        soort=BetalingSoort.VOORSCHOT,
        bedrag=D("25000.50"),
        gepland_op=date(2015, 11, 1),
    )
    assert (beschikking.betaald, beschikking.gepland) == (D("0.00"), D("25000.50"))
    services.registreer_betaling(betaling, betaald_op=date(2015, 11, 1), versie=betaling.versie)
    assert (beschikking.betaald, beschikking.openstaand) == (D("25000.50"), D("74999.50"))
    with pytest.raises(services.SubsidieFout, match="al op 01-11-2015"):
        services.registreer_betaling(betaling, betaald_op=date(2015, 11, 2), versie=betaling.versie)


@pytest.mark.parametrize("bedrag", ["0.00", "-1.00"])
def test_a_payment_is_more_than_zero(regeling, db, bedrag):
    beschikking = maak_beschikking(maak_gemeente(), regeling)
    with pytest.raises(services.SubsidieFout, match="groter dan nul"):
        services.plan_betaling(
            beschikking,
            soort=BetalingSoort.VOORSCHOT,
            bedrag=D(bedrag),
            gepland_op=date(2015, 1, 1),
        )


# --- Returns and settlement ---------------------------------------------------------------


def test_a_new_submission_replaces_an_unreviewed_one_and_both_are_kept(regeling, db):
    beschikking = maak_beschikking(maak_gemeente(), regeling)
    eerste = maak_verantwoording(beschikking, D("10000.00"))
    tweede = maak_verantwoording(beschikking, D("12000.00"))

    assert (eerste.volgnummer, eerste.status) == (1, VerantwoordingStatus.VERVANGEN)
    assert (tweede.volgnummer, tweede.status) == (2, VerantwoordingStatus.INGEDIEND)
    assert eerste.besteed_in_jaar == D("10000.00")


def test_cumulative_spending_cannot_be_below_the_years_spending(regeling, db):
    beschikking = maak_beschikking(maak_gemeente(), regeling)
    doelen = regeling.doelen
    bestedingen = {d.id: services.Besteding(D("0"), D("0")) for d in doelen}
    bestedingen[doelen[0].id] = services.Besteding(in_jaar=D("500.00"), cumulatief=D("499.99"))
    with pytest.raises(services.SubsidieFout, match=r"cumulatieve bedrag .* is kleiner dan"):
        services.dien_in(
            beschikking,
            bestedingen=bestedingen,
            eindverantwoording=False,
            toelichting=None,
            door="t",
        )
    assert beschikking.verantwoordingen == []


def test_spending_above_the_grant_is_a_warning_not_a_refusal(regeling, db):
    beschikking = maak_beschikking(maak_gemeente(), regeling, D("100000.00"))
    doelen = regeling.doelen
    bestedingen = {d.id: services.Besteding(D("0"), D("0")) for d in doelen}
    bestedingen[doelen[0].id] = services.Besteding(D("100000.01"), D("100000.01"))

    _, waarschuwingen = services.dien_in(
        beschikking, bestedingen=bestedingen, eindverantwoording=True, toelichting="Meer", door="t"
    )
    assert waarschuwingen == [
        "De cumulatieve besteding (€\xa0100.000,01) is hoger dan het toegekende bedrag "
        "(€\xa0100.000,00)."
    ]


def test_review_happens_once(regeling, db):
    verantwoording = maak_verantwoording(maak_beschikking(maak_gemeente(), regeling), eind=True)
    services.keur_goed(verantwoording, door="t", versie=verantwoording.versie)
    with pytest.raises(services.SubsidieFout, match="goedgekeurd en kan niet meer"):
        services.stuur_terug(
            verantwoording, reden="Toch niet", door="t", versie=verantwoording.versie
        )


@pytest.mark.parametrize(
    ("besteed", "betaald", "vastgesteld", "saldo", "soort"),
    [
        ("70000.00", "80000.00", "70000.00", "-10000.00", BetalingSoort.TERUGVORDERING),
        ("120000.00", "80000.00", "100000.00", "20000.00", BetalingSoort.NABETALING),
        ("80000.00", "80000.00", "80000.00", "0.00", None),
        ("33333.33", "0.00", "33333.33", "33333.33", BetalingSoort.NABETALING),
    ],
)
def test_settlement_is_the_lower_of_grant_and_spending_minus_what_was_paid(
    regeling, db, besteed, betaald, vastgesteld, saldo, soort
):
    beschikking = maak_beschikking(maak_gemeente(), regeling, D("100000.00"))
    if D(betaald):
        betaling = services.plan_betaling(
            beschikking,
            soort=BetalingSoort.VOORSCHOT,
            bedrag=D(betaald),
            gepland_op=date(2015, 11, 1),
        )
        services.registreer_betaling(betaling, betaald_op=date(2015, 11, 1), versie=betaling.versie)
    eind = maak_verantwoording(beschikking, D(besteed), eind=True)
    services.keur_goed(eind, door="t", versie=eind.versie)

    vaststelling = services.stel_vast(
        beschikking, datum=date(2016, 9, 1), door="t", versie=beschikking.versie
    )

    assert (vaststelling.vastgesteld_bedrag, vaststelling.saldo) == (D(vastgesteld), D(saldo))
    assert beschikking.status is BeschikkingStatus.VASTGESTELD
    nieuw = [b for b in beschikking.betalingen if b.omschrijving == "Na vaststelling"]
    assert [(b.soort, b.bedrag) for b in nieuw] == ([(soort, abs(D(saldo)))] if soort else [])


def test_no_settlement_without_an_approved_final_return(regeling, db):
    beschikking = maak_beschikking(maak_gemeente(), regeling)
    tussentijds = maak_verantwoording(beschikking, eind=False)
    services.keur_goed(tussentijds, door="t", versie=tussentijds.versie)
    with pytest.raises(services.SubsidieFout, match="goedgekeurde eindverantwoording"):
        services.stel_vast(beschikking, datum=date(2016, 9, 1), door="t", versie=beschikking.versie)
    assert beschikking.vaststelling is None


def test_after_an_approved_final_return_no_new_submission(regeling, db):
    beschikking = maak_beschikking(maak_gemeente(), regeling)
    eind = maak_verantwoording(beschikking, eind=True)
    services.keur_goed(eind, door="t", versie=eind.versie)
    with pytest.raises(services.SubsidieFout, match="al goedgekeurd"):
        maak_verantwoording(beschikking)


# --- Deadlines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vandaag", "verwacht"),
    [
        (date(2016, 6, 1), "op tijd"),
        (date(2016, 6, 15), "binnenkort"),
        (date(2016, 7, 15), "binnenkort"),
        (date(2016, 7, 16), "te laat"),
    ],
)
def test_the_return_is_due_on_15_july_of_the_next_year(regeling, db, vandaag, verwacht):
    beschikking = maak_beschikking(maak_gemeente(), regeling)
    assert beschikking.verantwoording_uiterlijk == date(2016, 7, 15)
    assert services.termijn(beschikking, vandaag) == verwacht


def test_a_submitted_return_is_no_longer_due(regeling, db):
    beschikking = maak_beschikking(maak_gemeente(), regeling)
    maak_verantwoording(beschikking)
    assert services.termijn(beschikking, date(2017, 1, 1)) == "ingediend"


def test_a_return_whose_total_cannot_be_stored_is_refused(regeling, db):
    beschikking = maak_beschikking(maak_gemeente(), regeling)
    grootst = D("999999999999.99")
    bestedingen = {d.id: services.Besteding(grootst, grootst) for d in regeling.doelen}
    with pytest.raises(services.SubsidieFout, match="hoogst mogelijke bedrag"):
        services.dien_in(
            beschikking,
            bestedingen=bestedingen,
            eindverantwoording=True,
            toelichting=None,
            door="t",
        )
    assert beschikking.verantwoordingen == []
