"""The messages a clerk gets on an uploaded return, and an officer on the historical import:
error values, invisible characters, one message per cell, the purpose named; and the preview's
totals against the grant. Every return is built from the real template."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl.worksheet.worksheet import Worksheet

from kern.uploads import UploadStatus, gestaged
from tests.subsidies.test_excel_upload import (
    KENNIS,
    PERSOON,
    VROEG,
    bevestig,
    ingevuld,
    laatste_upload,
    meldingen,
    stuur,
)
from tests.subsidies.test_historische_import import AMSTERDAM_2015, controleer
from tests.subsidies.test_historische_import import meldingen as historie_meldingen
from tests.subsidies.test_historische_import import werkmap as historie_werkmap

HERSTEL = "Herstel de formule of vul de waarde zelf in."
ONZICHTBAAR = "Typ de waarde opnieuw in de cel, zonder te kopiëren en plakken."


def met_formule(inhoud: bytes, cel: str, formule: str) -> bytes:
    """The workbook with a formula put in front of the cached value of `cel` (an error cell),
    as Excel saves a formula whose result is an error."""
    uit = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(inhoud)) as oud, zipfile.ZipFile(uit, "w") as nieuw:
        for deel in oud.infolist():
            data = oud.read(deel)
            if deel.filename.startswith("xl/worksheets/"):
                data = re.sub(
                    rb'(<c r="' + cel.encode() + rb'"[^>]*t="e"[^>]*>)',
                    rb"\1<f>" + formule.encode() + rb"</f>",
                    data,
                )
            nieuw.writestr(deel, data)
    return uit.getvalue()


def foutcellen(inhoud: bytes) -> dict[str, str]:
    """The error cells of every sheet as the file stores them (t="e")."""
    with zipfile.ZipFile(io.BytesIO(inhoud)) as archief:
        return {
            cel.decode(): waarde.decode()
            for deel in archief.namelist()
            if deel.startswith("xl/worksheets/")
            for cel, waarde in re.findall(
                rb'<c r="([A-Z]+[0-9]+)"[^>]*t="e"[^>]*>(?:<f>[^<]*</f>)?<v>([^<]*)</v>',
                archief.read(deel),
            )
        }


# --- 6. Error values --------------------------------------------------------------------------


def test_error_cells_are_named_not_read_as_blank(klerk, beschikking_920000):
    inhoud = ingevuld(
        klerk,
        beschikking_920000,
        {KENNIS: ("#DIV/0!", 2500), VROEG: (100, "#N/A"), PERSOON: ("#VALUE!", 0)},
        toelichting="#REF!",
    )
    inhoud = met_formule(inhoud, f"E{PERSOON}", 'E15*"tien"')
    assert foutcellen(inhoud) == {
        "B11": "#REF!",
        f"E{KENNIS}": "#DIV/0!",
        f"F{VROEG}": "#N/A",
        f"E{PERSOON}": "#VALUE!",
    }

    antwoord = stuur(klerk, beschikking_920000, inhoud)
    upload = laatste_upload()
    assert upload.status is UploadStatus.GEWEIGERD
    assert meldingen(upload) == [
        "Verantwoording!B11: Deze cel bevat de foutwaarde #VERW! (#REF! in Engelstalige Excel): "
        f"de formule verwijst naar een cel die niet meer bestaat. {HERSTEL}",
        "Verantwoording!E14 (Kennisbevordering, besteed in 2015): Deze cel bevat de foutwaarde "
        f"#DEEL/0! (#DIV/0! in Engelstalige Excel): de formule deelt door nul. {HERSTEL}",
        "Verantwoording!F15 (Vroegsignalering, besteed cumulatief t/m 2015): Deze cel bevat de "
        "foutwaarde #N/B (#N/A in Engelstalige Excel): de formule vindt een gezochte waarde "
        f"niet. {HERSTEL}",
        "Verantwoording!E16 (Persoonsgerichte aanpak, besteed in 2015): Deze cel bevat de "
        "foutwaarde #WAARDE! (#VALUE! in Engelstalige Excel): de formule rekent met een waarde "
        f"van de verkeerde soort, zoals tekst. {HERSTEL}",
    ]
    pagina = klerk.get(antwoord.headers["Location"]).text
    assert "Deze cel bevat de foutwaarde #DEEL/0!" in pagina
    assert "Vul een bedrag in." not in pagina


def test_an_error_value_in_a_column_that_is_not_read_is_no_reason_to_refuse(
    klerk, beschikking_920000
):
    def eigen_berekening(blad: Worksheet) -> None:
        blad["H14"] = "#DIV/0!"

    stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000, bewerk=eigen_berekening))
    assert laatste_upload().status is UploadStatus.GECONTROLEERD


def test_the_historical_import_names_error_values_too(regeling_2015_2016):
    rijen = [list(r) for r in AMSTERDAM_2015]
    rijen[0][5] = "#N/A"  # a grant's amount
    rijen[-1] = [*rijen[-1], "#DIV/0!"]  # a cumulative amount, which may be left blank
    upload = controleer(regeling_2015_2016, historie_werkmap(*rijen))
    assert upload.status is UploadStatus.GEWEIGERD
    assert historie_meldingen(upload) == [
        "Blad1!F2: Deze cel bevat de foutwaarde #N/B (#N/A in Engelstalige Excel): de formule "
        f"vindt een gezochte waarde niet. {HERSTEL}",
        f"Blad1!G{len(rijen) + 1}: Deze cel bevat de foutwaarde #DEEL/0! (#DIV/0! in "
        f"Engelstalige Excel): de formule deelt door nul. {HERSTEL}",
    ]


# --- 7. Invisible characters ------------------------------------------------------------------


def test_zero_width_characters_and_the_bom_are_removed_from_every_cell(klerk, beschikking_920000):
    inhoud = ingevuld(
        klerk,
        beschikking_920000,
        {
            KENNIS: ("12\u200b34", "\ufeff2500"),
            VROEG: ("0\u2060", "1.234\u200c,50"),
            PERSOON: (0, 0),
        },
        eind="ja\u200b",
        toelichting="\ufeffMinder\u200b trainingen.",
    )
    stuur(klerk, beschikking_920000, inhoud)
    upload = laatste_upload()
    assert meldingen(upload) == []
    assert upload.gegevens["eindverantwoording"] is True
    assert upload.gegevens["toelichting"] == "Minder trainingen."
    assert [(g["in_jaar"], g["cumulatief"]) for _, g in gestaged(upload)] == [
        ("1234.00", "2500.00"),
        ("0.00", "1234.50"),
        ("0.00", "0.00"),
    ]


def test_an_invisible_character_that_remains_is_named(klerk, beschikking_920000):
    inhoud = ingevuld(
        klerk,
        beschikking_920000,
        {KENNIS: ("12\u200e34", 2500), VROEG: (0, 0), PERSOON: (0, 0)},
        toelichting="Zie\u202e bijlage",
    )
    stuur(klerk, beschikking_920000, inhoud)
    assert meldingen(laatste_upload()) == [
        'Verantwoording!B11: "Zie bijlage" bevat een onzichtbaar teken (U+202E, right-to-left '
        f"override). {ONZICHTBAAR}",
        'Verantwoording!E14 (Kennisbevordering, besteed in 2015): "1234" bevat een onzichtbaar '
        f"teken (U+200E, left-to-right mark). {ONZICHTBAAR}",
    ]


def test_a_purpose_code_with_a_zero_width_space_is_the_purpose(klerk, beschikking_920000):
    def plak(blad: Worksheet) -> None:
        blad[f"A{VROEG}"] = "vroegsignalering\u200b"

    stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000, bewerk=plak))
    assert laatste_upload().status is UploadStatus.GECONTROLEERD


def test_the_historical_import_cleans_and_names_too(regeling_2015_2016):
    rijen = [list(r) for r in AMSTERDAM_2015]
    rijen[0][0] = "toekenning\u200b"
    rijen[0][1] = "\ufeffGM0363"
    rijen[1][4] = "vroeg\u200bsignalering"
    assert (
        controleer(regeling_2015_2016, historie_werkmap(*rijen)).status
        is UploadStatus.GECONTROLEERD
    )

    rijen[2][2] = "Amster\u200edam"
    rijen[3][0] = "betaling\u2069"
    assert historie_meldingen(controleer(regeling_2015_2016, historie_werkmap(*rijen))) == [
        f'Blad1!C4: "Amsterdam" bevat een onzichtbaar teken (U+200E, left-to-right mark). '
        f"{ONZICHTBAAR}",
        f'Blad1!A5: "betaling" bevat een onzichtbaar teken (U+2069, pop directional isolate). '
        f"{ONZICHTBAAR}",
    ]


# --- 8. One cell, one message -----------------------------------------------------------------


def test_the_historical_import_gives_one_message_per_cell(regeling_2015_2016):
    boek_rijen = [list(r) for r in AMSTERDAM_2015]
    boek_rijen[0][5] = "=1+1"
    inhoud = historie_werkmap(*boek_rijen)
    upload = controleer(regeling_2015_2016, inhoud)
    assert historie_meldingen(upload) == [
        "Blad1!F2: Deze formule heeft geen berekende waarde; open het bestand in Excel, sla het "
        "op en upload het opnieuw.",
    ]


# --- 9. The purpose named; the preview's totals against the grant ---------------------------


def test_messages_on_a_purpose_row_name_the_purpose(klerk, beschikking_920000):
    inhoud = ingevuld(
        klerk, beschikking_920000, {KENNIS: ("tien", 2500), VROEG: (500, 400), PERSOON: (0, None)}
    )
    antwoord = stuur(klerk, beschikking_920000, inhoud)
    assert meldingen(laatste_upload()) == [
        'Verantwoording!E14 (Kennisbevordering, besteed in 2015): "tien" is geen bedrag.',
        "Verantwoording!F15 (Vroegsignalering, besteed cumulatief t/m 2015): Het cumulatieve "
        "bedrag (€\xa0400,00) is kleiner dan het bedrag in 2015 (€\xa0500,00).",
        "Verantwoording!F16 (Persoonsgerichte aanpak, besteed cumulatief t/m 2015): Vul een "
        "bedrag in.",
    ]
    pagina = klerk.get(antwoord.headers["Location"]).text
    assert "Verantwoording!E14 (Kennisbevordering, besteed in 2015)" in pagina


def test_the_preview_sets_the_totals_against_the_grant(klerk, beschikking_920000):
    inhoud = ingevuld(
        klerk,
        beschikking_920000,
        {KENNIS: (1000, 2500), VROEG: ("€ 1.234,56", "1234,56"), PERSOON: (100000, 917000)},
    )
    antwoord = stuur(klerk, beschikking_920000, inhoud)
    pagina = klerk.get(antwoord.headers["Location"]).text
    totalen = pagina[pagina.index("<caption>Totaal") :]
    totalen = totalen[: totalen.index("</table>")]
    cellen = [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", totalen, re.S)
    ]
    assert cellen == [
        "Besteed in 2015",
        "€\xa0102.234,56",
        "Besteed cumulatief t/m 2015",
        "€\xa0920.734,56",
        "Toegekend (beschikking VG-2015-001)",
        "€\xa0920.000,00",
        "Cumulatief meer besteed dan toegekend",
        "€\xa0734,56",
    ]
    assert bevestig(klerk, antwoord).status_code == 302  # a warning, which the officer weighs


def test_the_preview_says_when_the_grant_is_not_yet_set(klerk, beschikking_920000):
    beschikking_920000.bedrag = None
    antwoord = stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000))
    pagina = klerk.get(antwoord.headers["Location"]).text
    assert (
        '<th scope="row">Toegekend (beschikking VG-2015-001)</th>'
        '<td class="getal">nog vast te stellen</td>'
    ) in pagina
    assert "nog niet besteed" not in pagina


def test_what_is_left_of_the_grant_is_shown_when_below_it(klerk, beschikking_920000):
    antwoord = stuur(klerk, beschikking_920000, ingevuld(klerk, beschikking_920000))
    pagina = klerk.get(antwoord.headers["Location"]).text
    assert "Cumulatief nog niet besteed" in pagina
    assert "€\xa0916.265,44" in pagina  # 920.000 - 2.500 - 1.234,56 - 0
