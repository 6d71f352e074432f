"""The return template: downloaded through the web, opened with openpyxl as a user's Excel would."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from kern.accounts.models import Rol
from kern.excel.sjabloon import (
    EURO,
    METADATA_BLAD,
    lees_metadata,
    metadata_sleutel,
    ondertekend,
)
from subsidies import services
from subsidies.models import Beschikking
from subsidies.verantwoording_import import basis
from subsidies.verantwoording_import.basis import (
    CEL_CBS_CODE,
    CEL_EINDVERANTWOORDING,
    CEL_GEMEENTE,
    CEL_JAAR,
    CEL_KENMERK,
    CEL_REGELING,
    CEL_TOEGEKEND,
    CEL_TOELICHTING,
    EERSTE_DOELRIJ,
    KOLOM_CODE,
    KOLOM_CUMULATIEF,
    KOLOM_IN_JAAR,
    KOLOM_TOEGEKEND,
)
from tests.gemeenten.factories import maak_gemeente
from tests.kern.factories import maak_gebruiker
from tests.kern.test_excel_schrijven import GEVAARLIJK, als_tekst_gelezen
from tests.subsidies.factories import maak_beschikking, maak_regeling, maak_verantwoording
from tests.subsidies.test_verantwoordingen import indienen_url

VANDAAG = date(2016, 8, 1)  # the date the services are handed as today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INVOER = (KOLOM_IN_JAAR, KOLOM_CUMULATIEF)


def sjabloon_url(beschikking: Beschikking) -> str:
    return f"/versterkingsgelden/beschikkingen/{beschikking.id}/verantwoording.xlsx"


def beschikking_url(beschikking: Beschikking) -> str:
    return f"/versterkingsgelden/beschikkingen/{beschikking.id}"


def download(login_as, beschikking: Beschikking, rol: Rol = Rol.GEMEENTE):
    client = login_as(rol, gemeente=beschikking.gemeente if rol is Rol.GEMEENTE else None)
    return client.get(sjabloon_url(beschikking))


def blad_van(inhoud: bytes) -> Worksheet:
    blad = load_workbook(io.BytesIO(inhoud))[basis.BLAD]
    assert isinstance(blad, Worksheet)
    return blad


def doelrijen(beschikking: Beschikking) -> list[int]:
    aantal = len(beschikking.regeling_jaar.regeling.doelen)
    return list(range(EERSTE_DOELRIJ, EERSTE_DOELRIJ + aantal))


def test_a_municipality_downloads_its_template_as_an_xlsx_file(login_as, beschikking_920000):
    antwoord = download(login_as, beschikking_920000)

    assert antwoord.status_code == 200
    assert antwoord.mimetype == XLSX
    assert antwoord.headers["Content-Disposition"] == (
        "attachment; filename=verantwoording-GM0363-2015.xlsx"
    )
    assert "no-store" in antwoord.headers["Cache-Control"]
    assert antwoord.data.startswith(b"PK\x03\x04")


def test_the_template_identifies_the_decision_in_locked_cells(login_as, beschikking_920000):
    blad = blad_van(download(login_as, beschikking_920000).data)

    assert blad[CEL_GEMEENTE].value == "Amsterdam"
    assert blad[CEL_CBS_CODE].value == "GM0363"
    assert blad[CEL_KENMERK].value == "VG-2015-001"
    assert blad[CEL_REGELING].value == "Versterkingsgelden"
    assert blad[CEL_JAAR].value == 2015
    assert blad[CEL_TOEGEKEND].value == 920000
    assert blad[CEL_TOEGEKEND].number_format == EURO
    assert blad.protection.sheet
    for cel in (CEL_GEMEENTE, CEL_CBS_CODE, CEL_KENMERK, CEL_REGELING, CEL_JAAR, CEL_TOEGEKEND):
        assert blad[cel].protection.locked, cel


def test_one_row_per_purpose_with_unlocked_validated_euro_input_cells(login_as, beschikking_920000):
    blad = blad_van(download(login_as, beschikking_920000).data)
    rijen = doelrijen(beschikking_920000)
    bedragcellen = [f"{kolom}{rij}" for rij in rijen for kolom in INVOER]

    assert [blad[f"{KOLOM_CODE}{rij}"].value for rij in rijen] == [
        "kennisbevordering",
        "vroegsignalering",
        "persoonsgerichte_aanpak",
    ]
    assert blad[f"B{rijen[0]}"].value == "Kennisbevordering"
    assert blad[f"C{rijen[1]}"].value == "26, 30"
    assert blad[f"{KOLOM_CODE}{rijen[-1] + 1}"].value is None  # nothing after the last purpose
    for rij in rijen:
        for kolom in ("A", "B", "C", KOLOM_TOEGEKEND):
            assert blad[f"{kolom}{rij}"].protection.locked, f"{kolom}{rij}"
    for cel in bedragcellen:
        assert not blad[cel].protection.locked, cel
        assert blad[cel].number_format == EURO
        assert blad[cel].value is None  # no return yet: nothing pre-filled
    (bedragen,) = [dv for dv in blad.data_validations.dataValidation if dv.type == "decimal"]
    assert (bedragen.operator, bedragen.formula1) == ("greaterThanOrEqual", "0")
    assert all(cel in bedragen.sqref for cel in bedragcellen)
    assert not any(
        f"{KOLOM_TOEGEKEND}{rij}" in dv.sqref
        for rij in rijen
        for dv in blad.data_validations.dataValidation
    )


def test_final_return_is_a_yes_no_choice_and_the_explanation_free_text(
    login_as, beschikking_920000
):
    blad = blad_van(download(login_as, beschikking_920000).data)

    assert not blad[CEL_EINDVERANTWOORDING].protection.locked
    assert not blad[CEL_TOELICHTING].protection.locked
    (ja_nee,) = [dv for dv in blad.data_validations.dataValidation if dv.type == "list"]
    assert ja_nee.formula1 == '"ja,nee"'
    assert CEL_EINDVERANTWOORDING in ja_nee.sqref
    assert not any(CEL_TOELICHTING in dv.sqref for dv in blad.data_validations.dataValidation)
    assert blad[CEL_EINDVERANTWOORDING].value is None
    assert blad[CEL_TOELICHTING].value is None


def test_heading_frozen_printed_on_one_page_and_instructions_in_dutch(login_as, beschikking_920000):
    werkmap = load_workbook(io.BytesIO(download(login_as, beschikking_920000).data))
    blad = werkmap[basis.BLAD]

    assert blad.freeze_panes == f"A{EERSTE_DOELRIJ}"
    assert blad[f"E{basis.KOPRIJ}"].value == "Besteed in 2015"
    assert blad[f"F{basis.KOPRIJ}"].value == "Besteed cumulatief t/m 2015"
    assert blad.sheet_properties.pageSetUpPr.fitToPage
    assert (blad.page_setup.fitToWidth, blad.page_setup.fitToHeight) == (1, 1)
    instructies = "\n".join(str(c.value) for c in werkmap["Instructies"]["A"] if c.value)
    assert "VG-2015-001" in instructies
    assert "gele cellen" in instructies


def test_the_hidden_metadata_names_the_decision(login_as, app, beschikking_920000):
    inhoud = download(login_as, beschikking_920000).data

    assert load_workbook(io.BytesIO(inhoud))[METADATA_BLAD].sheet_state == "veryHidden"
    metadata = lees_metadata(inhoud)
    assert metadata == {
        "soort": "verantwoording",
        "versie": basis.VERSIE,
        "beschikking_id": str(beschikking_920000.id),
        "cbs_code": "GM0363",
        "jaar": "2015",
        "handtekening": metadata["handtekening"],
    }
    assert ondertekend(metadata, metadata_sleutel(app.config["SECRET_KEY"]))
    assert not ondertekend(metadata, metadata_sleutel("een ander geheim"))


def test_the_latest_return_is_pre_filled(db, login_as, beschikking_920000):
    maak_verantwoording(beschikking_920000, Decimal("30000.00"))
    doelen = beschikking_920000.regeling_jaar.regeling.doelen
    services.dien_in(
        beschikking_920000,
        bestedingen={
            doelen[0].id: services.Besteding(Decimal("41000.50"), Decimal("41000.50")),
            doelen[1].id: services.Besteding(Decimal("0.00"), Decimal("12000.00")),
            doelen[2].id: services.Besteding(Decimal("5000.00"), Decimal("7500.25")),
        },
        eindverantwoording=True,
        toelichting="Training later gestart.",
        door="test",
    )

    blad = blad_van(download(login_as, beschikking_920000).data)
    eerste, tweede, derde = doelrijen(beschikking_920000)

    assert blad[f"E{eerste}"].value == pytest.approx(41000.50)
    assert blad[f"F{eerste}"].value == pytest.approx(41000.50)
    assert blad[f"E{tweede}"].value == 0
    assert blad[f"F{tweede}"].value == 12000
    assert blad[f"E{derde}"].value == 5000
    assert blad[f"F{derde}"].value == pytest.approx(7500.25)
    assert blad[CEL_EINDVERANTWOORDING].value == "ja"
    assert blad[CEL_TOELICHTING].value == "Training later gestart."


def test_the_granted_amount_per_purpose_is_shown_and_an_unset_amount_said_so(db, login_as):
    gouda = maak_gemeente("GM0513", "Gouda", "Zuid-Holland")
    regeling = maak_regeling()
    beschikking = maak_beschikking(gouda, regeling, bedrag=None, kenmerk="VG-2015-GOUDA")

    blad = blad_van(download(login_as, beschikking).data)

    assert blad[CEL_TOEGEKEND].value == "nog vast te stellen"
    assert blad[f"{KOLOM_TOEGEKEND}{EERSTE_DOELRIJ}"].value is None


def test_an_officer_may_download_it_finance_may_not(login_as, beschikking_920000):
    assert download(login_as, beschikking_920000, Rol.BELEIDSMEDEWERKER).status_code == 200
    assert download(login_as, beschikking_920000, Rol.FINANCIEN).status_code == 403


def test_another_municipality_s_template_does_not_exist_for_a_municipality_user(
    db, login_as, beschikking_920000
):
    beschikking_rotterdam = maak_beschikking(
        maak_gemeente("GM0599", "Rotterdam", "Zuid-Holland"),
        beschikking_920000.regeling_jaar.regeling,
        kenmerk="VG-2015-002",
    )
    gebruiker = maak_gebruiker(Rol.GEMEENTE, gemeente=beschikking_920000.gemeente)
    client = login_as(gebruiker)

    anders = client.get(sjabloon_url(beschikking_rotterdam))

    assert anders.status_code == 404
    assert b"Rotterdam" not in anders.data
    assert client.get(sjabloon_url(beschikking_920000)).status_code == 200
    assert (
        client.get("/versterkingsgelden/beschikkingen/999999/verantwoording.xlsx").status_code
        == 404
    )


def test_a_withdrawn_decision_gives_a_message_and_no_file(login_as, beschikking_920000):
    services.trek_in(
        beschikking_920000,
        reden="Dubbel toegekend.",
        door="test",
        versie=beschikking_920000.versie,
        vandaag=VANDAAG,
    )
    client = login_as(Rol.GEMEENTE, gemeente=beschikking_920000.gemeente)

    antwoord = client.get(sjabloon_url(beschikking_920000))

    assert antwoord.status_code == 302
    assert antwoord.location.endswith(beschikking_url(beschikking_920000))
    pagina = client.get(antwoord.location)
    assert pagina.mimetype == "text/html"
    assert (
        "Deze beschikking is ingetrokken; er is geen Excel-sjabloon voor de verantwoording."
        in pagina.text
    )
    assert "Download het Excel-sjabloon" not in pagina.text


def test_a_draft_has_no_template(db, login_as):
    concept = maak_beschikking(maak_gemeente(), maak_regeling(), beschikt=False)

    antwoord = download(login_as, concept, Rol.BELEIDSMEDEWERKER)

    assert antwoord.status_code == 302
    assert antwoord.mimetype != XLSX


def test_the_decision_page_and_the_submit_page_link_to_the_template(login_as, beschikking_920000):
    client = login_as(Rol.GEMEENTE, gemeente=beschikking_920000.gemeente)
    link = f'href="{sjabloon_url(beschikking_920000)}"'

    for url in (beschikking_url(beschikking_920000), indienen_url(beschikking_920000)):
        pagina = client.get(url).text
        assert "Download het Excel-sjabloon" in pagina, url
        assert link in pagina, url


def test_finance_sees_no_link_it_cannot_follow(login_as, beschikking_920000):
    client = login_as(Rol.FINANCIEN)

    pagina = client.get(beschikking_url(beschikking_920000)).text

    assert "Download het Excel-sjabloon" not in pagina


@pytest.mark.parametrize("waarde", GEVAARLIJK)
def test_text_that_users_typed_is_text_in_the_template_never_a_formula(
    login_as, beschikking_920000, waarde
):
    regeling = beschikking_920000.regeling_jaar.regeling
    regeling.naam = waarde  # typed by an officer
    regeling.doelen[0].maatregelen = waarde
    verantwoording, _ = services.dien_in(  # typed by the municipality
        beschikking_920000,
        bestedingen={d.id: services.Besteding(Decimal(0), Decimal(0)) for d in regeling.doelen},
        eindverantwoording=False,
        toelichting=waarde,
        door="test",
    )

    blad = blad_van(download(login_as, beschikking_920000).data)

    als_tekst_gelezen(blad[CEL_TOELICHTING], verantwoording.toelichting_afwijking)
    als_tekst_gelezen(blad[CEL_REGELING], waarde)
    als_tekst_gelezen(blad[f"C{EERSTE_DOELRIJ}"], waarde)
