"""A return sent as Excel: download the template, fill it in as a clerk would, upload it, read
the messages or the preview, confirm. Every workbook is built here from the real template."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.worksheet.worksheet import Worksheet

from kern import uploads
from kern.audit import AuditRegel
from kern.db import db as database
from kern.excel.sjabloon import METADATA_BLAD
from kern.uploads import Upload, UploadRegel, UploadStatus, gestaged
from subsidies import services, verantwoording_import
from subsidies.models import Beschikking, Verantwoording, VerantwoordingStatus
from subsidies.verantwoording_import import controle
from subsidies.verantwoording_import.basis import BLAD, CEL_EINDVERANTWOORDING, CEL_TOELICHTING
from tests.formulieren import formulier
from tests.gemeenten.factories import maak_gemeente
from tests.subsidies.factories import maak_beschikking, maak_regeling

VANDAAG = date(2016, 8, 1)  # the date the services are handed as today

# The rows of the three standard purposes in the template.
KENNIS, VROEG, PERSOON = 14, 15, 16


def upload_url(beschikking: Beschikking) -> str:
    return f"/versterkingsgelden/beschikkingen/{beschikking.id}/verantwoording/upload"


def sjabloon_url(beschikking: Beschikking) -> str:
    return f"/versterkingsgelden/beschikkingen/{beschikking.id}/verantwoording.xlsx"


def sjabloon(client, beschikking: Beschikking) -> Workbook:
    antwoord = client.get(sjabloon_url(beschikking))
    assert antwoord.status_code == 200
    return load_workbook(io.BytesIO(antwoord.data))


def ingevuld(
    client,
    beschikking: Beschikking,
    bedragen: dict[int, tuple[object, object]] | None = None,
    *,
    eind: object = "nee",
    toelichting: object = None,
    bewerk: Callable[[Worksheet], None] | None = None,
) -> bytes:
    """The template as a clerk saves it after typing ``bedragen`` (row -> in year, cumulative)."""
    werkmap = sjabloon(client, beschikking)
    blad = werkmap[BLAD]
    bedragen = (
        bedragen
        if bedragen is not None
        else {KENNIS: (1000, 2500), VROEG: ("€ 1.234,56", "1234,56"), PERSOON: (0, 0)}
    )
    for rij, (in_jaar, cumulatief) in bedragen.items():
        blad[f"E{rij}"] = in_jaar
        blad[f"F{rij}"] = cumulatief
    blad[CEL_EINDVERANTWOORDING] = eind
    blad[CEL_TOELICHTING] = toelichting
    if bewerk:
        bewerk(blad)
    uit = io.BytesIO()
    werkmap.save(uit)
    return uit.getvalue()


def stuur(client, beschikking: Beschikking, inhoud: bytes, naam: str = "verantwoording.xlsx"):
    return client.post(
        upload_url(beschikking),
        data={"bestand": (io.BytesIO(inhoud), naam)},
        content_type="multipart/form-data",
    )


def laatste_upload() -> Upload:
    return database.session.execute(sa.select(Upload).order_by(Upload.id.desc())).scalars().first()


def meldingen(upload: Upload) -> list[str]:
    return [str(m) for m in upload.alle_meldingen]


def bevestig(client, antwoord):
    """Follow the upload to its preview and press the confirm button."""
    pagina = client.get(antwoord.headers["Location"])
    assert pagina.status_code == 200
    f = formulier(pagina.text, "/inlezen")
    return client.post(f.actie, data=f.velden)


def verantwoordingen(beschikking: Beschikking) -> list[Verantwoording]:
    return list(
        database.session.execute(
            sa.select(Verantwoording)
            .filter_by(beschikking_id=beschikking.id)
            .order_by(Verantwoording.volgnummer)
        ).scalars()
    )


# --- The round trip ---------------------------------------------------------------------------


def test_round_trip_what_the_clerk_typed_is_the_return(klerk, beschikking_920000):
    inhoud = ingevuld(klerk, beschikking_920000, toelichting="Minder trainingen gegeven.")

    antwoord = stuur(klerk, beschikking_920000, inhoud, "Verantwoording Amsterdam 2015.xlsx")
    assert antwoord.status_code == 302
    upload = laatste_upload()
    assert upload.status is UploadStatus.GECONTROLEERD
    assert upload.bestandsnaam == "Verantwoording Amsterdam 2015.xlsx"
    assert upload.geupload_door == "klerk@amsterdam.nl"
    assert upload.inhoud == inhoud
    assert verantwoordingen(beschikking_920000) == []  # nothing yet: first the preview

    preview = klerk.get(antwoord.headers["Location"]).text
    assert "dit wordt de eerste verantwoording" in preview
    assert re.search(r"<strong>3</strong> nieuw", preview)
    assert "€\xa01.234,56" in preview

    bevestigd = bevestig(klerk, antwoord)
    assert bevestigd.status_code == 302
    [verantwoording] = verantwoordingen(beschikking_920000)
    assert bevestigd.headers["Location"].endswith(f"/verantwoordingen/{verantwoording.id}")
    assert verantwoording.bron == "excel"
    assert verantwoording.ingediend_door == "klerk@amsterdam.nl"
    assert verantwoording.status is VerantwoordingStatus.INGEDIEND
    assert verantwoording.eindverantwoording is False
    assert verantwoording.toelichting_afwijking == "Minder trainingen gegeven."
    assert {
        r.doel.code: (r.besteed_in_jaar, r.besteed_cumulatief) for r in verantwoording.regels
    } == {
        "kennisbevordering": (Decimal("1000.00"), Decimal("2500.00")),
        "vroegsignalering": (Decimal("1234.56"), Decimal("1234.56")),
        "persoonsgerichte_aanpak": (Decimal("0.00"), Decimal("0.00")),
    }
    assert upload.status is UploadStatus.GEIMPORTEERD
    assert upload.resultaat == f"verantwoording:{verantwoording.id}"
    assert (
        database.session.execute(
            sa.select(AuditRegel).filter_by(soort="verantwoording", object_id=verantwoording.id)
        )
        .scalar_one()
        .door
        == "klerk@amsterdam.nl"
    )


def test_a_second_file_shows_old_and_new_and_keeps_both_versions(klerk, beschikking_920000):
    bevestig(klerk, stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000)))
    # The template now comes pre-filled with version 1; the clerk changes one amount.
    tweede = ingevuld(
        klerk,
        beschikking_920000,
        {KENNIS: (1000, 3000), VROEG: (1234.56, 1234.56), PERSOON: (0, 0)},
        eind="ja",
    )

    antwoord = stuur(klerk, beschikking_920000, tweede)
    preview = klerk.get(antwoord.headers["Location"]).text
    assert re.search(r"<strong>0</strong> nieuw", preview)
    assert re.search(r"<strong>1</strong> gewijzigd", preview)
    assert re.search(r"<strong>2</strong> ongewijzigd", preview)
    assert "€\xa02.500,00" in preview
    assert "€\xa03.000,00" in preview
    assert "Eindverantwoording" in preview

    bevestig(klerk, antwoord)
    eerste, nieuwe = verantwoordingen(beschikking_920000)
    assert eerste.status is VerantwoordingStatus.VERVANGEN
    assert nieuwe.status is VerantwoordingStatus.INGEDIEND
    assert nieuwe.eindverantwoording is True
    assert nieuwe.regel_voor(eerste.regels[0].doel_id).besteed_cumulatief == Decimal("3000.00")
    assert eerste.regels[0].besteed_cumulatief == Decimal("2500.00")


def test_the_identical_file_again_creates_nothing_new(klerk, beschikking_920000):
    inhoud = ingevuld(klerk, beschikking_920000)
    bevestig(klerk, stuur(klerk, beschikking_920000, inhoud))

    opnieuw = stuur(klerk, beschikking_920000, inhoud, "kopie.xlsx")
    assert opnieuw.status_code == 302
    pagina = klerk.get(opnieuw.headers["Location"]).text
    assert "Dit bestand is al eerder geüpload" in pagina
    assert "Ingelezen op" in pagina
    assert database.session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 1
    assert len(verantwoordingen(beschikking_920000)) == 1


def test_confirming_twice_imports_once(klerk, beschikking_920000):
    antwoord = stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000))
    pagina = klerk.get(antwoord.headers["Location"])
    f = formulier(pagina.text, "/inlezen")
    assert klerk.post(f.actie, data=f.velden).status_code == 302

    tweede = klerk.post(f.actie, data=f.velden)
    assert tweede.status_code in (400, 409)
    assert len(verantwoordingen(beschikking_920000)) == 1


def test_a_return_submitted_meanwhile_stops_the_confirmation(klerk, officier, beschikking_920000):
    antwoord = stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000))
    f = formulier(klerk.get(antwoord.headers["Location"]).text, "/inlezen")
    # Meanwhile the officer submits a return on the municipality's behalf.
    services.dien_in(
        beschikking_920000,
        bestedingen={
            d.id: services.Besteding(Decimal(1), Decimal(1))
            for d in beschikking_920000.regeling_jaar.regeling.doelen
        },
        eindverantwoording=False,
        toelichting=None,
        door="medewerker@minbzk.nl",
    )

    geweigerd = klerk.post(f.actie, data=f.velden)
    assert geweigerd.status_code == 409
    assert "Er is intussen een andere versie van de verantwoording ingediend" in geweigerd.text
    assert len(verantwoordingen(beschikking_920000)) == 1


def _via_het_webformulier(client, beschikking: Beschikking, cumulatief: str) -> None:
    """A newer return submitted through the web form (another tab, or a colleague)."""
    data = {"eindverantwoording": "nee", "toelichting": ""}
    for doel in beschikking.regeling_jaar.regeling.doelen:
        data[f"in_jaar_{doel.id}"] = cumulatief
        data[f"cumulatief_{doel.id}"] = cumulatief
    antwoord = client.post(
        f"/versterkingsgelden/beschikkingen/{beschikking.id}/verantwoording", data=data
    )
    assert antwoord.status_code == 302


def test_a_reloaded_preview_of_a_stale_upload_offers_no_confirmation(klerk, beschikking_920000):
    antwoord = stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000))
    voorvertoning = antwoord.headers["Location"]
    oud = formulier(klerk.get(voorvertoning).text, "/inlezen")
    _via_het_webformulier(klerk, beschikking_920000, "7")  # version 1, submitted after the preview

    herladen = klerk.get(voorvertoning).text

    assert "/inlezen" not in herladen  # no confirm button against a version it was not checked
    assert "Deze upload is gecontroleerd voordat versie 1 werd ingediend" in herladen
    assert "Opnieuw controleren tegen versie 1" in herladen
    # The form of the first preview is refused as well.
    geweigerd = klerk.post(oud.actie, data=oud.velden)
    assert geweigerd.status_code == 409
    assert "/inlezen" not in geweigerd.text
    [enige] = verantwoordingen(beschikking_920000)
    assert enige.regels[0].besteed_cumulatief == Decimal("7.00")


def test_a_refused_stale_upload_cannot_be_confirmed_from_the_refusal_page(
    klerk, beschikking_920000
):
    bevestig(
        klerk, stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000))
    )  # version 1
    tweede = stuur(
        klerk,
        beschikking_920000,
        ingevuld(klerk, beschikking_920000, {KENNIS: (1000, 9999)}, eind="nee"),
    )
    oud = formulier(klerk.get(tweede.headers["Location"]).text, "/inlezen")
    _via_het_webformulier(klerk, beschikking_920000, "5")  # version 2, newer than the preview

    geweigerd = klerk.post(oud.actie, data=oud.velden)

    assert geweigerd.status_code == 409
    pagina = geweigerd.text
    assert "Er is intussen een andere versie van de verantwoording ingediend" in pagina
    assert "/inlezen" not in pagina
    assert "Opnieuw controleren tegen versie 2" in pagina
    assert [v.volgnummer for v in verantwoordingen(beschikking_920000)] == [1, 2]
    assert verantwoordingen(beschikking_920000)[-1].regels[0].besteed_cumulatief == Decimal("5.00")


def test_checking_a_stale_upload_again_previews_it_against_the_current_version(
    klerk, beschikking_920000
):
    antwoord = stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000))
    voorvertoning = antwoord.headers["Location"]
    klerk.get(voorvertoning)
    _via_het_webformulier(klerk, beschikking_920000, "7")

    opnieuw = formulier(klerk.get(voorvertoning).text, "/opnieuw")
    nagekeken = klerk.post(opnieuw.actie, data=opnieuw.velden)

    assert nagekeken.status_code == 302
    pagina = klerk.get(nagekeken.headers["Location"]).text
    assert "Vergeleken met" in pagina
    assert "versie 1</a>" in pagina
    assert re.search(r"<strong>3</strong> gewijzigd", pagina)
    assert bevestig(klerk, nagekeken).status_code == 302
    eerste, tweede = verantwoordingen(beschikking_920000)
    assert tweede.bron == "excel"
    assert tweede.regels[0].besteed_cumulatief == Decimal("2500.00")
    assert eerste.status is VerantwoordingStatus.VERVANGEN


def test_the_import_is_all_or_nothing(app, klerk, beschikking_920000, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    antwoord = stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000))
    pagina = klerk.get(antwoord.headers["Location"])
    f = formulier(pagina.text, "/inlezen")

    def faalt(*args, **kwargs):
        raise RuntimeError("the database went away after the rows were written")

    # The return and its rows are flushed before this step fails.
    monkeypatch.setattr(verantwoording_import.importeren.uploads, "markeer_geimporteerd", faalt)
    assert klerk.post(f.actie, data=f.velden).status_code == 500

    assert verantwoordingen(beschikking_920000) == []
    assert database.session.scalar(sa.select(sa.func.count()).select_from(UploadRegel)) == 3
    assert laatste_upload().status is UploadStatus.GECONTROLEERD


# --- What the check reports, cell by cell ----------------------------------------------------


def test_every_bad_cell_is_reported_at_once_and_nothing_is_stored(klerk, beschikking_920000):
    inhoud = ingevuld(
        klerk,
        beschikking_920000,
        {KENNIS: ("1.234,5x", 100), VROEG: (12.345, None), PERSOON: (-5, "tien")},
        eind="misschien",
    )

    antwoord = stuur(klerk, beschikking_920000, inhoud)
    assert antwoord.status_code == 302
    upload = laatste_upload()
    assert upload.status is UploadStatus.GEWEIGERD
    assert upload.inhoud == inhoud  # kept, although refused
    assert meldingen(upload) == [
        'Verantwoording!B10: "misschien" is geen ja of nee.',
        'Verantwoording!E14 (Kennisbevordering, besteed in 2015): "1.234,5x" is geen bedrag.',
        'Verantwoording!E15 (Vroegsignalering, besteed in 2015): "12,345" heeft meer dan twee '
        "decimalen.",
        "Verantwoording!F15 (Vroegsignalering, besteed cumulatief t/m 2015): Vul een bedrag in.",
        'Verantwoording!E16 (Persoonsgerichte aanpak, besteed in 2015): "-5" is negatief; een '
        "bedrag is nul of meer.",
        'Verantwoording!F16 (Persoonsgerichte aanpak, besteed cumulatief t/m 2015): "tien" is '
        "geen bedrag.",
    ]
    assert upload.aantal_regels == 0
    assert database.session.scalar(sa.select(sa.func.count()).select_from(UploadRegel)) == 0
    pagina = klerk.get(antwoord.headers["Location"]).text
    assert "6 fouten" in pagina
    assert "&#34;1.234,5x&#34; is geen bedrag." in pagina
    assert "foutwerkmap.xlsx" in pagina
    assert verantwoordingen(beschikking_920000) == []


def test_cumulative_below_the_year_and_a_purpose_removed(klerk, beschikking_920000):
    def haal_weg(blad: Worksheet) -> None:
        for kolom in "ABCDEF":
            blad[f"{kolom}{PERSOON}"] = None

    inhoud = ingevuld(
        klerk, beschikking_920000, {KENNIS: (500, 400), VROEG: (0, 0)}, bewerk=haal_weg
    )
    stuur(klerk, beschikking_920000, inhoud)
    assert meldingen(laatste_upload()) == [
        "Verantwoording!F14 (Kennisbevordering, besteed cumulatief t/m 2015): Het cumulatieve "
        "bedrag (€\xa0400,00) is kleiner dan het bedrag in 2015 (€\xa0500,00).",
        'Verantwoording: Het bestedingsdoel "persoonsgerichte_aanpak" (Persoonsgerichte aanpak) '
        "ontbreekt. Zet de regel terug of download het sjabloon opnieuw.",
    ]


def test_unknown_and_duplicate_purposes_and_rows_without_code(klerk, beschikking_920000):
    def rommel(blad: Worksheet) -> None:
        blad["A15"] = "kennisbevordering"
        blad["A16"] = "iets_anders"
        blad["E18"] = 50

    stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000, bewerk=rommel))
    assert meldingen(laatste_upload())[:3] == [
        'Verantwoording!A15: Het bestedingsdoel "kennisbevordering" staat ook op regel 14.',
        'Verantwoording!A16: "iets_anders" is geen bestedingsdoel van deze regeling.',
        "Verantwoording!A18: Deze regel heeft geen code van een bestedingsdoel. Vul de code in "
        "of maak de regel helemaal leeg.",
    ]


def test_what_clerks_send_blank_rows_extra_columns_text_amounts(klerk, beschikking_920000):
    def extra(blad: Worksheet) -> None:
        blad["H14"] = "opmerking van de controller"
        blad["H15"] = "nog een"
        # Two blank rows pushed the last purpose down (rows 16 and 17 left empty).
        blad.move_range(f"A{PERSOON}:F{PERSOON}", rows=2)

    inhoud = ingevuld(
        klerk,
        beschikking_920000,
        {
            KENNIS: ("€ 1.234,56", "€ 2.000"),
            VROEG: ("1234,56", " 1234.56 "),
            PERSOON: ("0", "0,00"),
        },
        eind=" JA ",
        bewerk=extra,
    )
    stuur(klerk, beschikking_920000, inhoud)
    upload = laatste_upload()
    assert upload.status is UploadStatus.GECONTROLEERD
    assert meldingen(upload) == [
        "Verantwoording!H14 (Kennisbevordering): Kolom H hoort niet bij het sjabloon en wordt "
        "niet ingelezen."
    ]
    assert upload.gegevens["eindverantwoording"] is True
    assert [(rij, g["doel"], g["in_jaar"], g["cumulatief"]) for rij, g in gestaged(upload)] == [
        (14, "kennisbevordering", "1234.56", "2000.00"),
        (15, "vroegsignalering", "1234.56", "1234.56"),
        (18, "persoonsgerichte_aanpak", "0.00", "0.00"),
    ]


def test_a_staged_row_reads_and_writes_the_stored_form():
    # As uploads checked before the rows were typed keep them (kern.uploads, JSON).
    gegevens = {"doel": "kennisbevordering", "in_jaar": "1234.56", "cumulatief": "2000.00"}

    regel = verantwoording_import.basis.Doelregel.van_json(14, gegevens)

    assert (regel.rij, regel.in_jaar, regel.cumulatief) == (
        14,
        Decimal("1234.56"),
        Decimal("2000.00"),
    )
    assert regel.als_json() == gegevens


def test_spending_above_the_grant_is_a_warning_the_officer_weighs(klerk, beschikking_920000):
    inhoud = ingevuld(
        klerk,
        beschikking_920000,
        {KENNIS: (900000, 900000), VROEG: (30000, 30000), PERSOON: (0, 0)},
    )
    antwoord = stuur(klerk, beschikking_920000, inhoud)
    upload = laatste_upload()
    assert upload.status is UploadStatus.GECONTROLEERD
    assert upload.aantal_waarschuwingen == 1
    assert meldingen(upload) == [
        "Verantwoording: De cumulatieve besteding (€\xa0930.000,00) is hoger dan het toegekende "
        "bedrag (€\xa0920.000,00). De beleidsmedewerker beoordeelt dit."
    ]
    assert "1 waarschuwing" in klerk.get(antwoord.headers["Location"]).text
    bevestig(klerk, antwoord)
    assert len(verantwoordingen(beschikking_920000)) == 1


def test_merged_cells_over_the_input_are_refused(klerk, beschikking_920000):
    def voeg_samen(blad: Worksheet) -> None:
        blad.merge_cells("E15:F15")

    stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000, bewerk=voeg_samen))
    # One message for the range: none for F15, which the merge left empty.
    assert meldingen(laatste_upload()) == [
        "Verantwoording!E15:F15 (Vroegsignalering): Samengevoegde cellen kunnen niet worden "
        "gelezen. Maak het samenvoegen ongedaan en vul elke cel apart in."
    ]


def test_a_formula_without_a_computed_value_asks_to_save_in_excel(klerk, beschikking_920000):
    # openpyxl writes formulas without their result, as a program that never calculated would.
    inhoud = ingevuld(
        klerk, beschikking_920000, {KENNIS: (1000, "=E14+1500"), VROEG: (0, 0), PERSOON: (0, 0)}
    )
    stuur(klerk, beschikking_920000, inhoud)
    # One message: not "Vul een bedrag in." after it as well.
    assert meldingen(laatste_upload()) == [
        "Verantwoording!F14 (Kennisbevordering, besteed cumulatief t/m 2015): De formule in deze "
        "cel heeft geen berekende waarde. Open het bestand in Excel of LibreOffice, sla het op "
        "en upload het opnieuw.",
    ]


def test_a_changed_identification_cell_is_refused(klerk, beschikking_920000):
    def knoei(blad: Worksheet) -> None:
        blad["B5"] = "GM0599"

    stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000, bewerk=knoei))
    assert meldingen(laatste_upload()) == [
        "Verantwoording!B5: Deze cel is gewijzigd; hier hoort GM0363 te staan. Download het "
        "sjabloon opnieuw als u niet weet wat er is veranderd."
    ]


def test_a_column_inserted_before_the_amounts_is_refused_and_nothing_is_stored(
    klerk, beschikking_920000
):
    # The clerk lifts the sheet's protection and inserts a column before "Besteed in 2015".
    def voeg_in(blad: Worksheet) -> None:
        blad.protection.sheet = False
        blad.insert_cols(5)
        for rij, bedrag in ((KENNIS, 100), (VROEG, 200), (PERSOON, 0)):
            blad[f"E{rij}"] = bedrag  # before: read as the year's spending, and accepted

    antwoord = stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000, bewerk=voeg_in))

    upload = laatste_upload()
    assert upload.status is UploadStatus.GEWEIGERD
    assert meldingen(upload) == [
        "Verantwoording!E13: Er is een kolom ingevoegd vóór kolom E; gebruik het sjabloon "
        "zoals het is."
    ]
    assert "Er is een kolom ingevoegd vóór kolom E" in klerk.get(antwoord.headers["Location"]).text
    assert database.session.execute(sa.select(UploadRegel)).first() is None
    assert verantwoordingen(beschikking_920000) == []


def test_a_deleted_column_is_refused(klerk, beschikking_920000):
    def verwijder(blad: Worksheet) -> None:
        blad.delete_cols(3)  # "Maatregelen": the amounts move to D and E

    stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000, bewerk=verwijder))
    assert laatste_upload().status is UploadStatus.GEWEIGERD
    assert meldingen(laatste_upload()) == [
        'Verantwoording!C13: De kolom "Maatregelen" is verwijderd; gebruik het sjabloon zoals '
        "het is."
    ]


def test_columns_swapped_are_refused_at_each_heading(klerk, beschikking_920000):
    def wissel(blad: Worksheet) -> None:
        for rij in range(13, PERSOON + 1):
            blad[f"E{rij}"].value, blad[f"F{rij}"].value = (
                blad[f"F{rij}"].value,
                blad[f"E{rij}"].value,
            )

    stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000, bewerk=wissel))
    assert laatste_upload().status is UploadStatus.GEWEIGERD
    assert meldingen(laatste_upload()) == [
        'Verantwoording!E13: Hier hoort de kolomkop "Besteed in 2015" te staan, niet "Besteed '
        'cumulatief t/m 2015"; de kolommen zijn verplaatst, gebruik het sjabloon zoals het is.',
        'Verantwoording!F13: Hier hoort de kolomkop "Besteed cumulatief t/m 2015" te staan, niet '
        '"Besteed in 2015"; de kolommen zijn verplaatst, gebruik het sjabloon zoals het is.',
    ]


def test_an_outdated_template_version_is_refused(klerk, beschikking_920000):
    def oud(blad: Worksheet) -> None:
        metadata = blad.parent[METADATA_BLAD]
        for rij in metadata.iter_rows():
            if rij[0].value == "versie":
                rij[1].value = "0"

    stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000, bewerk=oud))
    assert meldingen(laatste_upload()) == [
        "Dit is een verouderd sjabloon (versie 0). Download het nieuwe sjabloon bij de "
        "beschikking en neem uw gegevens daarin over."
    ]


def test_a_workbook_that_is_not_the_template_is_refused(klerk, beschikking_920000):
    werkmap = Workbook()
    werkmap.active.title = BLAD
    werkmap.active["E14"] = 100
    uit = io.BytesIO()
    werkmap.save(uit)
    stuur(klerk, beschikking_920000, uit.getvalue())
    assert meldingen(laatste_upload()) == [
        "Dit bestand is niet gemaakt met het verantwoordingssjabloon. Download het sjabloon bij "
        "de beschikking, vul het in en upload het opnieuw."
    ]


def test_the_template_of_another_municipality_is_refused(klerk, officier, beschikking_920000):
    beschikking_utrecht = maak_beschikking(
        maak_gemeente("GM0344", "Utrecht", "Utrecht"), beschikking_920000.regeling_jaar.regeling
    )
    # The officer downloads Utrecht's template; the Amsterdam clerk uploads it as their own.
    inhoud = ingevuld(officier, beschikking_utrecht)
    stuur(klerk, beschikking_920000, inhoud)
    assert meldingen(laatste_upload()) == [
        "Dit sjabloon hoort bij een andere beschikking (CBS-code GM0344, jaar 2015). Download "
        "het sjabloon van deze beschikking en upload dat."
    ]
    # And the clerk cannot reach Utrecht's upload page at all.
    assert stuur(klerk, beschikking_utrecht, inhoud).status_code == 404
    assert verantwoordingen(beschikking_utrecht) == []


def zet_metadata(blad: Worksheet, **waarden: object) -> None:
    """Change the template's hidden metadata, as a user who unhid the sheet would."""
    for rij in blad.parent[METADATA_BLAD].iter_rows():
        if rij[0].value in waarden:
            rij[1].value = waarden[rij[0].value]


def test_a_template_whose_metadata_was_edited_is_refused(klerk, officier, beschikking_920000):
    beschikking_utrecht = maak_beschikking(
        maak_gemeente("GM0344", "Utrecht", "Utrecht"), beschikking_920000.regeling_jaar.regeling
    )

    # Utrecht's template, made to say it is Amsterdam's: the ids and the locked cell B5.
    def als_amsterdam(blad: Worksheet) -> None:
        zet_metadata(blad, beschikking_id=str(beschikking_920000.id), cbs_code="GM0363")
        blad.protection.sheet = False
        blad["B5"] = "GM0363"

    antwoord = stuur(
        klerk, beschikking_920000, ingevuld(officier, beschikking_utrecht, bewerk=als_amsterdam)
    )

    upload = laatste_upload()
    assert upload.status is UploadStatus.GEWEIGERD
    assert meldingen(upload) == [
        "De verborgen gegevens van dit sjabloon zijn gewijzigd, dus het is niet zeker bij welke "
        "beschikking het hoort. Download het sjabloon bij de beschikking opnieuw, neem uw "
        "gegevens daarin over en upload het."
    ]
    pagina = klerk.get(antwoord.headers["Location"]).text
    assert "GM0344" not in pagina
    assert "Utrecht" not in pagina
    assert verantwoordingen(beschikking_920000) == []


def test_a_template_without_a_signature_is_refused(klerk, beschikking_920000):
    stuur(
        klerk,
        beschikking_920000,
        ingevuld(klerk, beschikking_920000, bewerk=lambda b: zet_metadata(b, handtekening="")),
    )
    assert laatste_upload().status is UploadStatus.GEWEIGERD
    assert "De verborgen gegevens van dit sjabloon zijn gewijzigd" in meldingen(laatste_upload())[0]


@pytest.mark.parametrize(
    ("inhoud", "melding"),
    [
        (b"", "Het bestand is leeg."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "oud Excel-bestand (.xls)"),
        (b"gemeente;bedrag\nAmsterdam;100\n", "(.xlsx)"),
        (b"<html><body>Verantwoording</body></html>", "(.xlsx)"),
    ],
)
def test_files_that_are_not_workbooks_get_a_message_not_an_error(
    klerk, beschikking_920000, inhoud, melding
):
    antwoord = stuur(klerk, beschikking_920000, inhoud, "verantwoording.xlsx")
    assert antwoord.status_code == 302
    upload = laatste_upload()
    assert upload.status is UploadStatus.GEWEIGERD
    assert upload.inhoud == inhoud
    [tekst_] = meldingen(upload)
    assert melding in tekst_
    pagina = klerk.get(antwoord.headers["Location"])
    assert pagina.status_code == 200
    assert "foutwerkmap.xlsx" not in pagina.text  # nothing to mark in a file that is no workbook


def test_a_crash_while_checking_keeps_the_file_and_says_so(
    app, klerk, beschikking_920000, monkeypatch
):
    def kapot(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(controle, "lees", kapot)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the bug is answered
    inhoud = ingevuld(klerk, beschikking_920000)

    antwoord = stuur(klerk, beschikking_920000, inhoud)
    assert antwoord.status_code == 302
    upload = laatste_upload()
    assert upload.status is UploadStatus.GEWEIGERD
    assert upload.inhoud == inhoud
    assert meldingen(upload) == [uploads.STORING]
    assert "niet worden gecontroleerd" in klerk.get(antwoord.headers["Location"]).text


def test_a_return_of_thousands_of_rows_is_refused_before_anything_else_is_read(
    klerk, beschikking_920000, monkeypatch
):
    def vol(blad: Worksheet) -> None:
        for rij in range(17, 5_017):
            blad.cell(row=rij, column=5, value=rij)

    inhoud = ingevuld(klerk, beschikking_920000, bewerk=vol)

    def niet_lezen(inhoud: bytes) -> dict[str, str]:
        raise AssertionError("the metadata is read before the rows are counted")

    monkeypatch.setattr(controle, "lees_metadata", niet_lezen)
    antwoord = stuur(klerk, beschikking_920000, inhoud)

    upload = laatste_upload()
    assert upload.status is UploadStatus.GEWEIGERD
    assert meldingen(upload) == [
        "Het blad Verantwoording heeft gegevens onder rij 36, maar het sjabloon heeft alleen de "
        "regels van de tabel (rij 14 tot en met 16). Verwijder wat onder de tabel staat en "
        "upload het bestand opnieuw."
    ]
    assert "heeft gegevens onder rij 36" in klerk.get(antwoord.headers["Location"]).text


def test_a_worker_stopped_while_checking_leaves_the_upload_refused(
    klerk, beschikking_920000, monkeypatch
):
    # gunicorn stops a worker past its timeout with SystemExit, which no "except Exception" sees.
    def te_lang(*args, **kwargs):
        raise SystemExit(1)

    monkeypatch.setattr(controle, "lees", te_lang)
    inhoud = ingevuld(klerk, beschikking_920000)

    with pytest.raises(SystemExit):
        stuur(klerk, beschikking_920000, inhoud)

    upload = laatste_upload()
    assert upload.status is UploadStatus.GEWEIGERD
    assert meldingen(upload) == [uploads.STORING]


def test_the_same_file_after_a_stopped_worker_is_checked_again(
    klerk, beschikking_920000, monkeypatch
):
    inhoud = ingevuld(klerk, beschikking_920000)
    with monkeypatch.context() as m:
        m.setattr(controle, "lees", lambda *args, **kwargs: sys.exit(1))
        with pytest.raises(SystemExit):
            stuur(klerk, beschikking_920000, inhoud)

    # The clerk sends the same file again: no dead end "al eerder geüpload", but a real check.
    antwoord = stuur(klerk, beschikking_920000, inhoud)

    assert antwoord.status_code == 302
    assert "al eerder geüpload" not in klerk.get(antwoord.headers["Location"]).text
    upload = laatste_upload()
    assert upload.status is UploadStatus.GECONTROLEERD
    assert database.session.scalar(sa.select(sa.func.count(Upload.id))) == 1


def test_without_a_file_the_form_says_so(klerk, beschikking_920000):
    antwoord = klerk.post(
        upload_url(beschikking_920000), data={}, content_type="multipart/form-data"
    )
    assert antwoord.status_code == 400
    assert "Kies het ingevulde Excel-bestand." in antwoord.text
    assert laatste_upload() is None


def test_a_file_above_the_limit_gets_the_413_page(app, klerk, beschikking_920000):
    # A small limit: the test client spools larger bodies to a file it never closes.
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    antwoord = stuur(klerk, beschikking_920000, b"PK\x03\x04" + bytes(100 * 1024))
    assert antwoord.status_code == 413
    assert "te groot" in antwoord.text
    assert laatste_upload() is None


# --- The error workbook ----------------------------------------------------------------------


def test_the_error_workbook_marks_the_cells_in_the_users_own_file(klerk, beschikking_920000):
    inhoud = ingevuld(
        klerk, beschikking_920000, {KENNIS: ("1.234,5x", 100), VROEG: (0, 0), PERSOON: (0, 0)}
    )
    antwoord = stuur(klerk, beschikking_920000, inhoud)
    upload = laatste_upload()

    bestand = klerk.get(f"{antwoord.headers['Location']}/foutwerkmap.xlsx")
    assert bestand.status_code == 200
    werkmap = load_workbook(io.BytesIO(bestand.data))
    blad = werkmap[BLAD]
    assert blad["E14"].value == "1.234,5x"  # the user's own value, kept
    opmerking: Comment = blad["E14"].comment
    assert '"1.234,5x" is geen bedrag.' in opmerking.text
    assert blad["E14"].fill.fgColor.rgb.endswith("FF9B9B")
    overzicht = werkmap.worksheets[0]
    assert any(r[:2] == (BLAD, "E14") for r in overzicht.iter_rows(values_only=True))
    assert upload.status is UploadStatus.GEWEIGERD


def test_the_corrected_error_workbook_can_be_uploaded_again(klerk, beschikking_920000):
    inhoud = ingevuld(
        klerk, beschikking_920000, {KENNIS: ("1.234,5x", 100), VROEG: (0, 0), PERSOON: (0, 0)}
    )
    eerste = stuur(klerk, beschikking_920000, inhoud)
    werkmap = load_workbook(
        io.BytesIO(klerk.get(f"{eerste.headers['Location']}/foutwerkmap.xlsx").data)
    )
    werkmap[BLAD]["E14"] = 50  # fixed where the clerk saw it
    uit = io.BytesIO()
    werkmap.save(uit)

    tweede = stuur(klerk, beschikking_920000, uit.getvalue(), "verbeterd.xlsx")
    assert meldingen(laatste_upload()) == []
    bevestig(klerk, tweede)
    [verantwoording] = verantwoordingen(beschikking_920000)
    assert verantwoording.regels[0].besteed_in_jaar == Decimal("50.00")
    pagina = klerk.get(f"/versterkingsgelden/verantwoordingen/{verantwoording.id}").text
    assert "(via Excel-upload)" in pagina


def test_the_original_file_can_be_downloaded_as_it_came(klerk, beschikking_920000):
    inhoud = ingevuld(klerk, beschikking_920000)
    antwoord = stuur(klerk, beschikking_920000, inhoud)
    origineel = klerk.get(f"{antwoord.headers['Location']}/origineel")
    assert origineel.status_code == 200
    assert origineel.data == inhoud
    assert "attachment" in origineel.headers["Content-Disposition"]


# --- Whose uploads ---------------------------------------------------------------------------


def test_an_upload_of_another_decision_is_not_found_under_this_one(klerk, beschikking_920000):
    stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000))
    upload = laatste_upload()
    tweede = maak_beschikking(
        beschikking_920000.gemeente, maak_regeling("Andere regeling"), Decimal("1000.00")
    )
    for pad in ("", "/foutwerkmap.xlsx", "/origineel"):
        url = f"/versterkingsgelden/beschikkingen/{tweede.id}/uploads/{upload.id}{pad}"
        assert klerk.get(url).status_code == 404


def test_no_upload_for_a_settled_or_withdrawn_decision(klerk, beschikking_920000):
    services.trek_in(
        beschikking_920000,
        reden="Vergissing",
        door="test",
        versie=beschikking_920000.versie,
        vandaag=VANDAAG,
    )
    pagina = klerk.get(upload_url(beschikking_920000))
    assert "er kan geen verantwoording voor worden ingediend" in pagina.text
    geweigerd = stuur(klerk, beschikking_920000, b"PK\x03\x04")
    assert geweigerd.status_code == 400
    assert laatste_upload() is None


def test_the_decision_page_links_to_the_upload(klerk, beschikking_920000):
    pagina = klerk.get(f"/versterkingsgelden/beschikkingen/{beschikking_920000.id}").text
    assert upload_url(beschikking_920000) in pagina


def test_the_template_module_reads_without_a_request(beschikking_920000):
    """`lees_verantwoording` is the check the upload uses; it never raises, whatever it gets."""
    for rommel in (b"", b"PK\x03\x04rommel", bytes(range(256)) * 10):
        controle = verantwoording_import.lees(rommel, beschikking_920000)
        assert not controle.goed
        assert controle.meldingen
