"""The empty template: the heading row to fill in, and a sheet of instructions in Dutch."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kern.excel import schrijven
from subsidies.historische_import.basis import KOPPEN, MAX_RIJEN, SOORTEN
from subsidies.models import Regeling

_KOP = PatternFill("solid", fgColor="D9E1F2")
_BREEDTES = (14, 12, 26, 8, 28, 20, 16, 14, 20, 24, 28)


def sjabloon(regeling: Regeling) -> bytes:
    """An empty workbook with the heading row, and a sheet of instructions in Dutch."""
    werkmap = Workbook()
    _gegevensblad(werkmap, regeling)
    _instructies(werkmap, regeling)
    return schrijven.opslaan(werkmap)


def _gegevensblad(werkmap: Workbook, regeling: Regeling) -> None:
    """The sheet to fill in: the heading row, and lists to choose the kind and purpose from."""
    blad = werkmap.active
    assert blad is not None
    blad.title = "Gegevens"
    for kolom, (kop, breedte) in enumerate(zip(KOPPEN, _BREEDTES, strict=True), 1):
        cel = schrijven.tekst(blad.cell(row=1, column=kolom), kop)
        cel.font = Font(bold=True)
        cel.fill = _KOP
        blad.column_dimensions[get_column_letter(kolom)].width = breedte
    blad.freeze_panes = "A2"
    soorten = DataValidation(type="list", formula1='"' + ",".join(SOORTEN) + '"', allow_blank=True)
    soorten.add(f"A2:A{MAX_RIJEN}")
    blad.add_data_validation(soorten)
    codes = ",".join(d.code for d in regeling.doelen)
    if codes and len(codes) < 250:  # Excel's limit for a list written in the validation
        doelen = DataValidation(type="list", formula1=f'"{codes}"', allow_blank=True)
        doelen.add(f"E2:E{MAX_RIJEN}")
        blad.add_data_validation(doelen)


def _instructies(werkmap: Workbook, regeling: Regeling) -> None:
    """A sheet that explains each column, with the scheme's years and purposes."""
    uitleg = werkmap.create_sheet("Instructies")
    uitleg.column_dimensions["A"].width = 22
    uitleg.column_dimensions["B"].width = 100
    for rij, (kop, tekst) in enumerate(_uitleg(regeling), 1):
        # The scheme's name and purposes are what officers typed: text, never a formula.
        schrijven.tekst(uitleg.cell(row=rij, column=1), kop)
        schrijven.tekst(uitleg.cell(row=rij, column=2), tekst)
    for rij in uitleg.iter_rows(min_row=1, max_col=2):
        rij[0].font = Font(bold=True)
        rij[1].alignment = Alignment(wrap_text=True, vertical="top")
    uitleg["B1"].font = Font(bold=True, size=14)
    uitleg["A1"].font = Font(bold=True, size=14)


def _uitleg(regeling: Regeling) -> list[tuple[str, str]]:
    """The instructions: a heading and a text per row."""
    return [
        ("Historische import", regeling.naam),
        ("", ""),
        (
            "Zo werkt het",
            "Vul op het blad Gegevens één regel per gemeente, jaar en soort in (per "
            "bestedingsdoel als u een verdeling heeft). Laat "
            "de kopregel staan zoals hij is. Upload het bestand bij de regeling; u ziet eerst "
            "wat er nieuw is en wat verandert, en pas na bevestigen wordt alles in één keer "
            "ingelezen. Bij een fout wordt niets ingelezen en krijgt u het bestand terug met "
            "de fouten gemarkeerd.",
        ),
        ("", ""),
        (
            "Soort",
            "toekenning, betaling, besteding of vaststelling (een afgerond jaar, zie hieronder).",
        ),
        ("CBS-code", "De code van de gemeente, zoals GM0363 (ook 0363 of 363)."),
        (
            "Gemeente",
            "De naam van de gemeente, ter controle van de code: de naam van CBS of de naam die "
            "mensen gebruiken (Den Haag voor 's-Gravenhage, Den Bosch voor 's-Hertogenbosch, "
            "Bergen voor Bergen (NH.)). Bij een regio: de penvoerder (hoofdaanvrager).",
        ),
        (
            "Jaar",
            "Een jaar van de regeling: " + ", ".join(str(j.jaar) for j in regeling.jaren) + ".",
        ),
        (
            "Doel",
            "De code van het bestedingsdoel (zie hieronder); bij een besteding verplicht, bij "
            "een betaling leeg. Een toekenning zonder doel is het totaal van de beschikking, "
            "zonder verdeling over de doelen (zoals gepubliceerde toekenningen).",
        ),
        (
            "Bedrag",
            "In euro's, zoals 12500 of 12.500,00. Toekenning: het toegekende bedrag voor het "
            "doel, of zonder doel het totaal; staat het bedrag nog niet vast, schrijf dan "
            "'nog vast te stellen' of laat de cel leeg (alleen zonder doel). Betaling: het "
            "betaalde bedrag (meer dan nul). Besteding: de besteding in het jaar. "
            "Vaststelling: het vastgestelde bedrag.",
        ),
        (
            "Cumulatief",
            "Alleen bij een besteding: de besteding tot en met het jaar. Leeg: gelijk aan het "
            "bedrag.",
        ),
        (
            "Datum",
            "Betaling: de dag van betaling (15-11-2015), verplicht. Vaststelling: de dag van "
            "vaststelling, verplicht. Toekenning: de datum van de beschikking; leeg: de dag van "
            "de import.",
        ),
        (
            "Kenmerk",
            "Alleen bij een toekenning: het kenmerk van de beschikking; leeg: de import maakt "
            "er een (historisch-…). Een kenmerk dat al bij een andere beschikking hoort, wordt "
            "geweigerd.",
        ),
        (
            "Regio",
            "Alleen bij een toekenning aan een regio: de naam van de regio. De gemeente in de "
            "regel is de penvoerder.",
        ),
        (
            "Deelnemers",
            "Alleen bij een regio: de CBS-codes van de deelnemende gemeenten in één cel, "
            "gescheiden door komma's (GM0363, GM0599).",
        ),
        ("", ""),
        (
            "Let op",
            "De toekenningen van een gemeente in een jaar vormen samen het bedrag van de "
            "beschikking; doelen die niet in het bestand staan houden hun bedrag. Geef per "
            "beschikking óf één toekenning zonder doel (het totaal), óf toekenningen per doel. "
            "Kenmerk, datum, regio en deelnemers zijn op elke regel van de beschikking gelijk "
            "(of leeg); een bestaande beschikking houdt haar kenmerk en datum. Een besteding "
            "vermeldt alle bestedingsdoelen van de regeling. Een betaling of besteding hoort "
            "bij een beschikking: die bestaat al, of staat als toekenning in dit bestand.",
        ),
        ("", ""),
        (
            "Afgeronde jaren",
            "Een jaar dat al is afgerond, geeft u op als geschiedenis en niet als werk dat nog "
            "open staat: zet naast de toekenning, de betalingen en de besteding een regel "
            "vaststelling met het vastgestelde bedrag en de datum van vaststelling. De besteding "
            "wordt dan de goedgekeurde eindverantwoording en de beschikking wordt vastgesteld; "
            "in het jaaroverzicht staat het jaar niet meer als te laat. Het vastgestelde bedrag "
            "is het laagste van het toegekende bedrag en de besteding. Neem alle betalingen op, "
            "ook de nabetaling: wat na de vaststelling nog te betalen of terug te vorderen is "
            "(vastgesteld min betaald), wordt ingepland zoals bij elke vaststelling. Staat een "
            "jaar al vastgesteld met hetzelfde bedrag, dan verandert er niets.",
        ),
        ("", ""),
        ("Bestedingsdoelen", ""),
        *((d.code, d.naam) for d in regeling.doelen),
        ("", ""),
        ("Voorbeeld", "toekenning | GM0363 | Amsterdam | 2015 | kennisbevordering | 100.000,00"),
        ("", "toekenning | GM0518 | Den Haag | 2015 | | 950.000 | | 14-09-2015 | NCTV-2015-1"),
        ("", "toekenning | GM0513 | Gouda | 2015 | | nog vast te stellen"),
        (
            "",
            "toekenning | GM0599 | Rotterdam | 2016 | | 700.000 | | | | Regio Rijnmond | "
            "GM0606, GM0622",
        ),
        ("", "betaling | GM0363 | Amsterdam | 2015 | | 50.000,00 | | 01-11-2015"),
        ("", "besteding | GM0363 | Amsterdam | 2015 | kennisbevordering | 30.000,00 | 30.000,00"),
        ("", "vaststelling | GM0363 | Amsterdam | 2015 | | 100.000,00 | | 01-06-2017"),
    ]
