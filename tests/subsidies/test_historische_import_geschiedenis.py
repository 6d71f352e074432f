"""The historical import carries real history: totals without purposes, amounts still open,
regions, the decisions' own dates and references, settled years, names as people write them,
and a file imported twice changes nothing the second time (issue 13)."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from kern.audit import AuditRegel
from kern.uploads import Upload, UploadStatus
from subsidies import historische_import, overzicht, services
from subsidies.models import Beschikking, BeschikkingStatus, Regeling
from tests.gemeenten.factories import maak_gemeente
from tests.subsidies.test_historische_import import (
    VANDAAG,
    bevestig,
    controleer,
    fouten,
    html,
    meldingen,
    upload_via_formulier,
    werkmap,
)

KOPPEN = [
    "Soort",
    "CBS-code",
    "Gemeente",
    "Jaar",
    "Doel",
    "Bedrag",
    "Cumulatief",
    "Datum",
    "Kenmerk",
    "Regio",
    "Deelnemers",
]


def volledig(*rijen: list[object], blad: str = "Blad1") -> bytes:
    """A workbook in the template's full layout, with the decision's own columns."""
    return werkmap(*rijen, koppen=KOPPEN, blad=blad)  # type: ignore[arg-type]


def toekenning(
    cbs: str,
    naam: str,
    jaar: int,
    bedrag: object,
    *,
    doel: str | None = None,
    datum: datetime | None = None,
    kenmerk: str | None = None,
    regio: str | None = None,
    deelnemers: str | None = None,
) -> list[object]:
    """A grant row in the full layout."""
    return ["toekenning", cbs, naam, jaar, doel, bedrag, None, datum, kenmerk, regio, deelnemers]


def importeer(regeling: Regeling, inhoud: bytes, naam: str = "historie.xlsx") -> Upload:
    upload = controleer(regeling, inhoud, naam)
    assert upload.status is UploadStatus.GECONTROLEERD, meldingen(upload)
    historische_import.importeer(
        regeling, upload, door="test", versie=upload.versie, vandaag=VANDAAG
    )
    return upload


def beschikking_van(db, cbs: str, jaar: int = 2015) -> Beschikking:
    return next(
        b
        for b in db.session.execute(select(Beschikking)).scalars()
        if b.gemeente.cbs_code == cbs and b.regeling_jaar.jaar == jaar
    )


# --- Names as people write them ----------------------------------------------------------------


@pytest.mark.parametrize("naam", ["Den Haag", "den haag", "’s-Gravenhage", "'s Gravenhage"])
def test_den_haag_is_taken_against_a_register_loaded_from_cbs(
    db, regeling_2015_2016, den_haag, naam
):
    den_haag.roepnaam = None  # as CBS's list has it: only the official name

    upload = controleer(
        regeling_2015_2016,
        werkmap(["toekenning", "GM0518", naam, 2015, "kennisbevordering", 950_000]),
    )

    assert upload.status is UploadStatus.GECONTROLEERD, meldingen(upload)


def test_a_name_and_a_code_that_disagree_are_both_named(db, regeling_2015_2016):
    assert fouten(
        regeling_2015_2016, ["toekenning", "GM0518", "Utrecht", 2015, "kennisbevordering", 1]
    ) == ["Blad1!C2: GM0518 is 's-Gravenhage, niet Utrecht."]


# --- Totals without purposes, and amounts still open ------------------------------------------


def test_a_grant_without_a_purpose_is_a_decision_with_that_total_and_no_split(
    db, regeling_2015_2016
):
    importeer(
        regeling_2015_2016, werkmap(["toekenning", "GM0363", "Amsterdam", 2015, None, 920_000])
    )

    beschikking = beschikking_van(db, "GM0363")
    assert beschikking.bedrag == Decimal("920000.00")
    assert beschikking.doelbedragen == []
    assert beschikking.status is BeschikkingStatus.BESCHIKT


def test_a_total_and_purposes_for_one_decision_are_refused(db, regeling_2015_2016):
    assert fouten(
        regeling_2015_2016,
        ["toekenning", "GM0363", "Amsterdam", 2015, None, 920_000],
        ["toekenning", "GM0363", "Amsterdam", 2015, "kennisbevordering", 20_000],
    ) == [
        "Blad1!E3: Rij 2 geeft het totaal van de beschikking van Amsterdam voor 2015; een "
        "bedrag per doel kan daar niet naast."
    ]


@pytest.mark.parametrize("bedrag", ["nog vast te stellen", "Nog vast te stellen ", None, " "])
def test_an_amount_still_open_is_a_decision_without_an_amount(db, regeling_2015_2016, bedrag):
    maak_gemeente("GM0513", "Gouda", "Zuid-Holland")

    importeer(regeling_2015_2016, werkmap(["toekenning", "GM0513", "Gouda", 2015, None, bedrag]))

    beschikking = beschikking_van(db, "GM0513")
    assert beschikking.bedrag is None
    assert beschikking.status is BeschikkingStatus.BESCHIKT


def test_a_purpose_has_an_amount(db, regeling_2015_2016):
    assert fouten(
        regeling_2015_2016,
        ["toekenning", "GM0363", "Amsterdam", 2015, "kennisbevordering", "nog vast te stellen"],
    ) == [
        "Blad1!F2: Alleen het totaal van een beschikking kan nog vast te stellen zijn; laat het "
        "doel leeg."
    ]


def test_the_template_explains_the_open_amount(db, regeling_2015_2016, officier):
    antwoord = officier.get(
        f"/versterkingsgelden/regelingen/{regeling_2015_2016.id}/import/sjabloon.xlsx"
    )
    boek = load_workbook(io.BytesIO(antwoord.data))
    tekst = " ".join(
        str(c.value) for rij in boek["Instructies"].iter_rows() for c in rij if c.value
    )
    assert "nog vast te stellen" in tekst
    assert [c.value for c in boek["Gegevens"][1]] == KOPPEN


# --- Regions ----------------------------------------------------------------------------------


def test_a_region_is_a_decision_to_its_lead_with_participants(db, regeling_2015_2016):
    importeer(
        regeling_2015_2016,
        volledig(
            toekenning(
                "GM0599",
                "Rotterdam",
                2015,
                665_000,
                regio="Regio Rijnmond",
                deelnemers="GM0363, gm0518",
            )
        ),
    )

    beschikking = beschikking_van(db, "GM0599")
    assert beschikking.regio_naam == "Regio Rijnmond"
    assert sorted(g.cbs_code for g in beschikking.deelnemers) == ["GM0363", "GM0518"]
    assert beschikking.bedrag == Decimal("665000.00")


def test_each_participant_code_is_checked_and_named(db, regeling_2015_2016):
    assert fouten(
        regeling_2015_2016,
        toekenning(
            "GM0599", "Rotterdam", 2015, 1, regio="Rijnmond", deelnemers="GM0363; GM9999, abc"
        ),
        koppen=KOPPEN,
    ) == [
        'Blad1!K2: Er is geen gemeente met code GM9999. "abc" is geen gemeentecode (zoals GM0363).'
    ]


# --- The decision's own date and reference ----------------------------------------------------


def test_the_decisions_own_date_and_reference_are_taken(db, regeling_2015_2016):
    importeer(
        regeling_2015_2016,
        volledig(
            toekenning(
                "GM0363",
                "Amsterdam",
                2015,
                920_000,
                datum=datetime(2015, 9, 14),
                kenmerk="NCTV-2015/4711",
            ),
            ["toekenning", "GM0518", "Den Haag", 2015, None, 50_000],
        ),
    )

    amsterdam = beschikking_van(db, "GM0363")
    assert (amsterdam.kenmerk, amsterdam.datum) == ("NCTV-2015/4711", date(2015, 9, 14))
    den_haag = beschikking_van(db, "GM0518")
    assert (den_haag.kenmerk, den_haag.datum) == (
        f"historisch-{regeling_2015_2016.id}-2015-GM0518",
        VANDAAG,
    )


def test_a_reference_used_by_another_decision_is_refused_in_its_cell(db, regeling_2015_2016):
    importeer(
        regeling_2015_2016,
        volledig(["toekenning", "GM0363", "Amsterdam", 2015, None, 1, None, None, "K-1"]),
    )
    db.session.commit()

    assert fouten(
        regeling_2015_2016,
        ["toekenning", "GM0599", "Rotterdam", 2015, None, 1, None, None, "K-1"],
        ["toekenning", "GM0518", "Den Haag", 2015, None, 1, None, None, "K-2"],
        ["toekenning", "GM0518", "Den Haag", 2016, None, 1, None, None, "K-2"],
        koppen=KOPPEN,
    ) == [
        "Blad1!I2: Kenmerk K-1 is al gebruikt voor een andere beschikking.",
        "Blad1!I4: Kenmerk K-2 is al gebruikt voor een andere beschikking.",
    ]


def test_the_preview_shows_an_open_amount_a_region_and_the_decisions_own_fields(
    db, regeling_2015_2016, officier
):
    maak_gemeente("GM0513", "Gouda", "Zuid-Holland")
    upload = controleer(
        regeling_2015_2016,
        volledig(
            ["toekenning", "GM0513", "Gouda", 2015, None, "nog vast te stellen"],
            toekenning(
                "GM0599",
                "Rotterdam",
                2015,
                665_000,
                datum=datetime(2015, 9, 14),
                kenmerk="NCTV-7",
                regio="Regio Rijnmond",
                deelnemers="GM0363",
            ),
        ),
    )

    pagina = html(
        officier.get(f"/versterkingsgelden/regelingen/{regeling_2015_2016.id}/import/{upload.id}")
    )

    assert "nog vast te stellen" in pagina
    for tekst in ("14 september 2015", "NCTV-7", "Regio Rijnmond", "GM0363", "€ 665.000,00"):
        assert tekst in pagina


# --- Finished years ---------------------------------------------------------------------------

AMSTERDAM_AFGEROND = [
    ["toekenning", "GM0363", "Amsterdam", 2015, None, 920_000, None, datetime(2015, 9, 14)],
    ["betaling", "GM0363", "Amsterdam", 2015, None, 920_000, None, datetime(2015, 11, 1)],
    ["besteding", "GM0363", "Amsterdam", 2015, "kennisbevordering", 400_000],
    ["besteding", "GM0363", "Amsterdam", 2015, "vroegsignalering", 300_000],
    ["besteding", "GM0363", "Amsterdam", 2015, "persoonsgerichte_aanpak", 220_000],
    ["vaststelling", "GM0363", "Amsterdam", 2015, None, 920_000, None, datetime(2017, 6, 1)],
]


def test_a_settled_year_is_imported_as_history(db, regeling_2015_2016):
    upload = importeer(regeling_2015_2016, werkmap(*AMSTERDAM_AFGEROND))

    beschikking = beschikking_van(db, "GM0363")
    assert beschikking.status is BeschikkingStatus.VASTGESTELD
    assert beschikking.vaststelling.vastgesteld_bedrag == Decimal("920000.00")
    assert beschikking.vaststelling.datum == date(2017, 6, 1)
    assert beschikking.vaststelling.saldo == 0
    eind = beschikking.vaststelling.verantwoording
    assert (eind.eindverantwoording, eind.status.value) == (True, "goedgekeurd")
    assert eind.besteed_cumulatief == Decimal("920000.00")
    assert [b for b in beschikking.betalingen if b.is_open] == []
    assert upload.gegevens["aantallen"]["vaststelling"] == {
        "nieuw": 1,
        "gewijzigd": 0,
        "ongewijzigd": 0,
    }
    assert "1 vaststelling" in upload.resultaat or historische_import.ingelezen(upload)


def test_the_year_overview_shows_imported_history_as_history(db, regeling_2015_2016, officier):
    importeer(regeling_2015_2016, werkmap(*AMSTERDAM_AFGEROND))
    db.session.commit()
    jaar = next(j for j in regeling_2015_2016.jaren if j.jaar == 2015)

    rij = overzicht.overzicht(jaar, vandaag=date(2026, 12, 1)).rijen[0]
    pagina = html(officier.get(f"/versterkingsgelden/jaren/{jaar.id}/overzicht"))

    assert (rij.termijn, rij.toegekend, rij.vastgesteld, rij.saldo) == (
        "n.v.t.",
        Decimal("920000.00"),
        Decimal("920000.00"),
        Decimal("0.00"),
    )
    assert "termijn--te-laat" not in pagina
    assert "termijn--nvt" in pagina
    assert "Vastgesteld" in pagina


def test_a_settled_amount_that_does_not_follow_from_grant_and_spending_is_refused(
    db, regeling_2015_2016
):
    rijen = [list(r) for r in AMSTERDAM_AFGEROND]
    rijen[-1][5] = 900_000

    assert fouten(regeling_2015_2016, *rijen) == [
        "Blad1!F7: Het vastgestelde bedrag van Amsterdam voor 2015 is het laagste van het "
        "toegekende bedrag (€ 920.000,00) en de besteding (€ 920.000,00): € 920.000,00, niet "
        "€ 900.000,00."
    ]


def test_a_settlement_needs_the_spending_and_a_date(db, regeling_2015_2016):
    assert fouten(
        regeling_2015_2016,
        ["toekenning", "GM0363", "Amsterdam", 2015, None, 920_000],
        ["vaststelling", "GM0363", "Amsterdam", 2015, None, 920_000, None, datetime(2017, 6, 1)],
        ["vaststelling", "GM0599", "Rotterdam", 2015, None, 1],
    ) == [
        "Blad1!H4: Vul een datum in.",
        "Blad1!A3: Bij de vaststelling van Amsterdam voor 2015 hoort de besteding; neem de "
        "bestedingsregels van dat jaar op.",
    ]


# --- Importing what is already there ----------------------------------------------------------


def test_the_same_history_again_changes_nothing(db, regeling_2015_2016):
    maak_gemeente("GM0513", "Gouda", "Zuid-Holland")
    rijen = [
        *AMSTERDAM_AFGEROND,
        ["toekenning", "GM0513", "Gouda", 2015, None, "nog vast te stellen"],
        ["toekenning", "GM0518", "Den Haag", 2016, "kennisbevordering", 50_000],
        ["toekenning", "GM0518", "Den Haag", 2016, "vroegsignalering", 45_000],
        toekenning(
            "GM0599",
            "Rotterdam",
            2016,
            665_000,
            datum=datetime(2015, 9, 14),
            kenmerk="NCTV-7",
            regio="Regio Rijnmond",
            deelnemers="GM0606, GM0363",
        ),
    ]
    maak_gemeente("GM0606", "Schiedam", "Zuid-Holland")
    importeer(regeling_2015_2016, volledig(*rijen))
    db.session.commit()
    sporen = db.session.execute(select(func.count(AuditRegel.id))).scalar_one()

    # Another file (the sheet renamed), with the same rows.
    tweede = controleer(regeling_2015_2016, volledig(*rijen, blad="Nogmaals"), naam="2.xlsx")

    assert tweede.status is UploadStatus.GECONTROLEERD, meldingen(tweede)
    assert tweede.aantal_regels == 0
    for soort, aantallen in tweede.gegevens["aantallen"].items():
        assert aantallen["nieuw"] == aantallen["gewijzigd"] == 0, soort
    assert tweede.gegevens["aantallen"]["toekenning"]["ongewijzigd"] == 5
    assert tweede.gegevens["aantallen"]["vaststelling"]["ongewijzigd"] == 1
    historische_import.importeer(
        regeling_2015_2016, tweede, door="test", versie=tweede.versie, vandaag=VANDAAG
    )
    db.session.commit()
    nieuwe_sporen = (
        db.session.execute(
            select(AuditRegel.soort).where(AuditRegel.id > 0).order_by(AuditRegel.id).offset(sporen)
        )
        .scalars()
        .all()
    )
    assert set(nieuwe_sporen) <= {"upload"}


def test_the_same_total_over_an_existing_split_is_unchanged(db, regeling_2015_2016):
    importeer(regeling_2015_2016, werkmap(*_den_haag_verdeeld()))
    db.session.commit()

    tweede = controleer(
        regeling_2015_2016, werkmap(["toekenning", "GM0518", "Den Haag", 2015, None, 950_000])
    )

    assert tweede.gegevens["aantallen"]["toekenning"] == {
        "nieuw": 0,
        "gewijzigd": 0,
        "ongewijzigd": 1,
    }


def test_the_preview_says_which_field_changed(db, regeling_2015_2016, officier):
    maak_gemeente("GM0606", "Schiedam", "Zuid-Holland")
    rij = toekenning(
        "GM0599", "Rotterdam", 2015, 665_000, regio="Regio Rijnmond", deelnemers="GM0606"
    )
    importeer(regeling_2015_2016, volledig(rij))
    db.session.commit()
    rij[9] = "Regio Rotterdam"

    tweede = controleer(regeling_2015_2016, volledig(rij), naam="regio.xlsx")
    pagina = html(
        officier.get(f"/versterkingsgelden/regelingen/{regeling_2015_2016.id}/import/{tweede.id}")
    )

    assert tweede.gegevens["aantallen"]["toekenning"]["gewijzigd"] == 1
    assert "Regio Rijnmond</td>" in pagina
    assert "<strong>Regio Rotterdam</strong>" in pagina
    assert "<strong>€ 665.000,00</strong>" not in pagina  # the amount did not change


def _den_haag_verdeeld() -> list[list[object]]:
    return [
        ["toekenning", "GM0518", "Den Haag", 2015, "kennisbevordering", 500_000],
        ["toekenning", "GM0518", "Den Haag", 2015, "vroegsignalering", 450_000],
    ]


# --- Done when: real history, imported as an officer would --------------------------------------


def _geschiedenis() -> list[list[object]]:
    """Published allocations as the records have them: totals, an open amount, a region, the
    decisions' own dates and references, finished years, and names as people write them."""
    besluit = datetime(2015, 9, 14)
    return [
        ["toekenning", "GM0518", "Den Haag", 2015, None, 950_000, None, besluit, "NCTV-2015-01"],
        ["toekenning", "GM0363", "Amsterdam", 2015, None, 920_000, None, besluit, "NCTV-2015-02"],
        ["toekenning", "GM0513", "Gouda", 2015, None, "Nog vast te stellen", None, besluit],
        ["betaling", "GM0518", "’s-Gravenhage", 2015, None, 950_000, None, datetime(2015, 11, 1)],
        ["betaling", "GM0363", "Amsterdam", 2015, None, 920_000, None, datetime(2015, 11, 1)],
        ["besteding", "GM0518", "den haag", 2015, "kennisbevordering", 500_000],
        ["besteding", "GM0518", "den haag", 2015, "vroegsignalering", 450_000],
        ["besteding", "GM0518", "den haag", 2015, "persoonsgerichte_aanpak", 0],
        ["besteding", "GM0363", "Amsterdam", 2015, "kennisbevordering", 300_000],
        ["besteding", "GM0363", "Amsterdam", 2015, "vroegsignalering", 300_000],
        ["besteding", "GM0363", "Amsterdam", 2015, "persoonsgerichte_aanpak", 300_000],
        ["vaststelling", "GM0518", "Den Haag", 2015, None, 950_000, None, datetime(2017, 6, 1)],
        ["vaststelling", "GM0363", "Amsterdam", 2015, None, 900_000, None, datetime(2017, 6, 1)],
        toekenning(
            "GM0599",
            "Rotterdam",
            2016,
            700_000,
            datum=datetime(2016, 3, 1),
            kenmerk="NCTV-2016-01",
            regio="Regio Rijnmond",
            deelnemers="GM0606, GM0622",
        ),
        ["toekenning", "GM0796", "Den Bosch", 2016, "kennisbevordering", 100_000],
        ["toekenning", "GM0796", "Den Bosch", 2016, "vroegsignalering", 200_000],
        ["betaling", "GM0599", "Rotterdam", 2016, None, 700_000, None, datetime(2016, 4, 1)],
        ["betaling", "GM0796", "Den Bosch", 2016, None, 300_000, None, datetime(2016, 4, 1)],
        ["besteding", "GM0599", "Rotterdam", 2016, "kennisbevordering", 700_000],
        ["besteding", "GM0599", "Rotterdam", 2016, "vroegsignalering", 0],
        ["besteding", "GM0599", "Rotterdam", 2016, "persoonsgerichte_aanpak", 0],
        ["besteding", "GM0796", "Den Bosch", 2016, "kennisbevordering", 100_000],
        ["besteding", "GM0796", "Den Bosch", 2016, "vroegsignalering", 200_000],
        ["besteding", "GM0796", "Den Bosch", 2016, "persoonsgerichte_aanpak", 0],
        ["vaststelling", "GM0599", "Rotterdam", 2016, None, 700_000, None, datetime(2017, 9, 1)],
        ["vaststelling", "GM0796", "Den Bosch", 2016, None, 300_000, None, datetime(2017, 9, 1)],
    ]


@pytest.mark.csrf
def test_a_history_from_the_records_shows_in_the_year_overview_as_its_file_says(db, officier):
    """Issue 13's first "done when": the register as CBS's list has it (no roepnamen), a scheme
    with room for the published allocations, the file uploaded and confirmed in the browser."""
    regeling = services.maak_regeling(
        naam="Versterkingsgelden 2015-2016",
        grondslag="Kaderwet",
        jaren={2015: Decimal(5_000_000), 2016: Decimal(5_000_000)},
    )
    for code, naam, provincie in [
        ("GM0518", "'s-Gravenhage", "Zuid-Holland"),
        ("GM0363", "Amsterdam", "Noord-Holland"),
        ("GM0513", "Gouda", "Zuid-Holland"),
        ("GM0599", "Rotterdam", "Zuid-Holland"),
        ("GM0606", "Schiedam", "Zuid-Holland"),
        ("GM0622", "Vlaardingen", "Zuid-Holland"),
        ("GM0796", "'s-Hertogenbosch", "Noord-Brabant"),
    ]:
        maak_gemeente(code, naam, provincie)
    db.session.commit()

    antwoord = upload_via_formulier(officier, regeling, volledig(*_geschiedenis()))
    assert antwoord.status_code == 302
    voorvertoning = html(officier.get(antwoord.location))
    assert "Gecontroleerd" in voorvertoning, voorvertoning
    assert bevestig(officier, antwoord.location).status_code == 302

    jaren = {j.jaar: j for j in regeling.jaren}
    vandaag = date(2026, 12, 1)
    stand_2015 = overzicht.overzicht(jaren[2015], vandaag=vandaag)
    assert (
        stand_2015.totalen.toegekend,
        stand_2015.totalen.nog_vast_te_stellen,
        stand_2015.totalen.betaald,
        stand_2015.totalen.besteed,
        stand_2015.totalen.vastgesteld,
        stand_2015.totalen.saldo,
    ) == (
        Decimal("1870000.00"),
        1,
        Decimal("1870000.00"),
        Decimal("1850000.00"),
        Decimal("1850000.00"),
        Decimal("-20000.00"),
    )
    stand_2016 = overzicht.overzicht(jaren[2016], vandaag=vandaag)
    assert (
        stand_2016.totalen.toegekend,
        stand_2016.totalen.betaald,
        stand_2016.totalen.besteed,
        stand_2016.totalen.vastgesteld,
        stand_2016.totalen.saldo,
    ) == (
        Decimal("1000000.00"),
        Decimal("1000000.00"),
        Decimal("1000000.00"),
        Decimal("1000000.00"),
        0,
    )
    for stand in (stand_2015, stand_2016):
        assert [r.termijn for r in stand.rijen if r.termijn == "te laat"] == []
        pagina = html(officier.get(f"/versterkingsgelden/jaren/{stand.regeling_jaar.id}/overzicht"))
        assert "termijn--te-laat" not in pagina
    amsterdam = beschikking_van(db, "GM0363")
    assert (amsterdam.kenmerk, amsterdam.datum, amsterdam.doelbedragen) == (
        "NCTV-2015-02",
        date(2015, 9, 14),
        [],
    )
    # Amsterdam spent 900,000 of 920,000: settled at 900,000, 20,000 to be reclaimed.
    assert amsterdam.vaststelling.saldo == Decimal("-20000.00")
    rotterdam = beschikking_van(db, "GM0599", 2016)
    assert (rotterdam.regio_naam, sorted(g.cbs_code for g in rotterdam.deelnemers)) == (
        "Regio Rijnmond",
        ["GM0606", "GM0622"],
    )
    assert beschikking_van(db, "GM0513").bedrag is None


def test_a_decision_whose_amount_is_still_open_is_not_overdue(db, regeling_2015_2016):
    maak_gemeente("GM0513", "Gouda", "Zuid-Holland")
    importeer(regeling_2015_2016, werkmap(["toekenning", "GM0513", "Gouda", 2015, None, None]))

    assert services.termijn(beschikking_van(db, "GM0513"), date(2026, 12, 1)) == "n.v.t."


def test_the_preview_shows_the_settlements_date(db, regeling_2015_2016, officier):
    upload = controleer(regeling_2015_2016, werkmap(*AMSTERDAM_AFGEROND))

    pagina = html(
        officier.get(f"/versterkingsgelden/regelingen/{regeling_2015_2016.id}/import/{upload.id}")
    )

    assert "1 juni 2017" in pagina
