"""The historical import carries real history: totals without purposes, amounts still open,
regions, the decisions' own dates and references, settled years, names as people write them,
and a file imported twice changes nothing the second time (issue 13)."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from kern.uploads import Upload, UploadStatus
from subsidies import historische_import
from subsidies.models import Beschikking, BeschikkingStatus, Regeling
from tests.gemeenten.factories import maak_gemeente
from tests.subsidies.test_historische_import import (
    VANDAAG,
    controleer,
    fouten,
    html,
    meldingen,
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


def volledig(*rijen: list[object]) -> bytes:
    """A workbook in the template's full layout, with the decision's own columns."""
    return werkmap(*rijen, koppen=KOPPEN)  # type: ignore[arg-type]


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
            [
                "toekenning",
                "GM0599",
                "Rotterdam",
                2015,
                None,
                665_000,
                None,
                None,
                None,
                "Regio Rijnmond",
                "GM0363, gm0518",
            ]
        ),
    )

    beschikking = beschikking_van(db, "GM0599")
    assert beschikking.regio_naam == "Regio Rijnmond"
    assert sorted(g.cbs_code for g in beschikking.deelnemers) == ["GM0363", "GM0518"]
    assert beschikking.bedrag == Decimal("665000.00")


def test_each_participant_code_is_checked_and_named(db, regeling_2015_2016):
    assert fouten(
        regeling_2015_2016,
        KOPPEN
        and [
            "toekenning",
            "GM0599",
            "Rotterdam",
            2015,
            None,
            1,
            None,
            None,
            None,
            "Rijnmond",
            "GM0363; GM9999, abc",
        ],
        koppen=KOPPEN,
    ) == [
        'Blad1!K2: Er is geen gemeente met code GM9999. "abc" is geen gemeentecode (zoals GM0363).'
    ]


# --- The decision's own date and reference ----------------------------------------------------


def test_the_decisions_own_date_and_reference_are_taken(db, regeling_2015_2016):
    importeer(
        regeling_2015_2016,
        volledig(
            [
                "toekenning",
                "GM0363",
                "Amsterdam",
                2015,
                None,
                920_000,
                None,
                datetime(2015, 9, 14),
                "NCTV-2015/4711",
            ],
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
            [
                "toekenning",
                "GM0599",
                "Rotterdam",
                2015,
                None,
                665_000,
                None,
                datetime(2015, 9, 14),
                "NCTV-7",
                "Regio Rijnmond",
                "GM0363",
            ],
        ),
    )

    pagina = html(
        officier.get(f"/versterkingsgelden/regelingen/{regeling_2015_2016.id}/import/{upload.id}")
    )

    assert "nog vast te stellen" in pagina
    for tekst in ("14 september 2015", "NCTV-7", "Regio Rijnmond", "GM0363", "€ 665.000,00"):
        assert tekst in pagina
