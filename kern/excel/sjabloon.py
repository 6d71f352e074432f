"""Building template workbooks for users to fill in. Knows nothing of any domain.

A template has one data sheet, an instructions sheet and a hidden metadata sheet. On the data
sheet every cell is locked and the sheet is protected (with a random password nobody is told:
the protection keeps identification cells and the layout from being changed by accident, it
is no security), except the input cells, which are unlocked, coloured and validated. The
metadata sheet is "veryHidden" (no spreadsheet menu shows it) and holds key/value rows: the
template's kind and version and whatever ids the domain adds, so that an uploaded file can be
recognised (`lees_metadata`). A spreadsheet program may unhide it (LibreOffice saves it as
merely "hidden"), so a template made with a ``sleutel`` carries an HMAC of its metadata
(`handtekening`), and `ondertekend` tells whether what was read back is what was written.

A domain's ``excel.py`` decides what goes where::

    sjabloon = Sjabloon("Verantwoording", soort="verantwoording", versie="1", ids={"id": 7})
    sjabloon.vast("B4", "Amsterdam")
    sjabloon.koprij(6, [Kolom("Doel", 30), Kolom("Besteed", 18)])
    sjabloon.invoer_bedrag("B7", Decimal("1234.56"))
    inhoud = sjabloon.als_bytes()
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from kern.excel import schrijven
from kern.excel.cellen import zoals_getoond
from kern.excel.lezen.calamine import bladnamen, lees_blad
from kern.meldingen import Meldingen

# Excel replaces "," and "." in a format by the reader's own separators: € 1.234,56 in Dutch.
EURO = '"€" #,##0.00'
JA, NEE = "ja", "nee"
METADATA_BLAD = "Metadata"
INSTRUCTIES_BLAD = "Instructies"
SOORT, VERSIE = "soort", "versie"  # the metadata keys every template has
HANDTEKENING = "handtekening"  # the metadata's HMAC, when the template is signed
# Derives the signing key from the secret; the module's old name, so that templates already
# handed out stay valid.
_DOEL_SLEUTEL = b"kern.excel_sjabloon: metadata"
MAX_METADATA = 100  # rows the metadata sheet may have

_INVOER = PatternFill("solid", fgColor="FFF2CC")  # light yellow: fill this in
_VAST = PatternFill("solid", fgColor="F2F2F2")  # light grey: given, not to be changed
_KOP = PatternFill("solid", fgColor="D9E1F2")
_LIJN = Side(style="thin", color="A6A6A6")
_RAND = Border(left=_LIJN, right=_LIJN, top=_LIJN, bottom=_LIJN)
_OPEN = Protection(locked=False)


@dataclass(frozen=True)
class Kolom:
    """A column of a table on the data sheet: its heading and its width in characters."""

    kop: str
    breedte: float = 15


class Sjabloon:
    """A template workbook under construction; `als_bytes` finishes it."""

    def __init__(
        self,
        titel: str,
        *,
        soort: str,
        versie: str,
        ids: Mapping[str, object] | None = None,
        sleutel: bytes | None = None,
        liggend: bool = True,
    ) -> None:
        ids = dict(ids or {})
        if {SOORT, VERSIE, HANDTEKENING} & set(ids):
            raise ValueError(
                f"the metadata keys {SOORT!r}, {VERSIE!r} and {HANDTEKENING!r} are reserved"
            )
        self._sleutel = sleutel
        self.metadata: dict[str, str] = {
            SOORT: soort,
            VERSIE: versie,
            **{sleutel: str(waarde) for sleutel, waarde in ids.items()},
        }
        self._werkmap = Workbook()
        blad = self._werkmap.active
        assert isinstance(blad, Worksheet)
        blad.title = titel
        self.blad = blad
        self._liggend = liggend
        self._bedragen: DataValidation | None = None
        self._ja_nee: DataValidation | None = None
        self._datums: DataValidation | None = None
        self._aantallen: dict[tuple[int, int], DataValidation] = {}  # (minimum, maximum)
        self._keuzes: dict[tuple[str, ...], DataValidation] = {}
        self._instructies: Worksheet | None = None

    # --- Cells ------------------------------------------------------------------------------

    def tekst(
        self, cel: str, waarde: str, *, vet: bool = False, grootte: int | None = None
    ) -> None:
        """A label or heading: locked, without the grey of a given value."""
        doel = schrijven.tekst(self.blad[cel], waarde)
        doel.font = Font(bold=vet, size=grootte)

    def vast(self, cel: str, waarde: object, *, formaat: str | None = None) -> None:
        """A given value the user must not change (it stays locked)."""
        doel = _zet(self.blad[cel], waarde)
        doel.fill = _VAST
        doel.border = _RAND
        doel.alignment = Alignment(vertical="top", wrap_text=True)
        if formaat:
            doel.number_format = formaat

    def vast_bedrag(self, cel: str, bedrag: Decimal | None, *, leeg: str = "") -> None:
        """A given amount in euros; ``leeg`` is shown when there is none."""
        self.vast(cel, leeg if bedrag is None else bedrag, formaat=EURO)

    def invoer_bedrag(self, cel: str, bedrag: Decimal | None = None) -> None:
        """An unlocked amount cell that only takes a number of 0 or more."""
        if self._bedragen is None:
            self._bedragen = _strikt(
                DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0"),
                fout=(
                    "Geen geldig bedrag",
                    "Vul een bedrag in euro's in van 0 of meer, bijvoorbeeld 1234,56.",
                ),
                uitleg=("Bedrag", "Een bedrag in euro's, 0 of meer."),
            )
        self._invoer(cel, bedrag, self._bedragen, formaat=EURO)
        self.blad[cel].alignment = Alignment(horizontal="right")

    def invoer_ja_nee(self, cel: str, waarde: bool | None = None) -> None:
        """An unlocked cell with a "ja"/"nee" choice list."""
        if self._ja_nee is None:
            self._ja_nee = _strikt(
                DataValidation(type="list", formula1=f'"{JA},{NEE}"'),
                fout=("Kies ja of nee", "Kies ja of nee uit de lijst."),
                uitleg=("Ja of nee", "Kies ja of nee uit de lijst."),
            )
        self._invoer(cel, None if waarde is None else (JA if waarde else NEE), self._ja_nee)

    def invoer_keuze(self, cel: str, keuzes: Sequence[str], waarde: str | None = None) -> None:
        """An unlocked cell with a choice list of ``keuzes`` (together at most 255 characters,
        none with a comma: Excel's limits on a list written in the validation itself)."""
        sleutel = tuple(keuzes)
        if sleutel not in self._keuzes:
            lijst = ",".join(sleutel)
            if len(lijst) > 255 or any("," in k or '"' in k for k in sleutel):
                raise ValueError(f"a choice list Excel cannot hold: {lijst!r}")
            self._keuzes[sleutel] = _strikt(
                DataValidation(type="list", formula1=f'"{lijst}"'),
                fout=("Kies uit de lijst", "Kies een waarde uit de lijst."),
                uitleg=("Keuze", "Kies uit de lijst."),
            )
        self._invoer(cel, waarde, self._keuzes[sleutel])

    def invoer_datum(self, cel: str, waarde: date | None = None) -> None:
        """An unlocked cell that only takes a date, shown as 15-07-2016."""
        if self._datums is None:
            # 1-1-2000 to 31-12-2100 as Excel counts days: `kern.excel.cellen`'s range.
            self._datums = _strikt(
                DataValidation(type="date", operator="between", formula1="36526", formula2="73415"),
                fout=("Geen geldige datum", "Vul een datum in, bijvoorbeeld 15-07-2016."),
                uitleg=("Datum", "Een datum, bijvoorbeeld 15-07-2016."),
            )
        self._invoer(cel, waarde, self._datums, formaat="dd-mm-yyyy")

    def invoer_aantal(
        self, cel: str, aantal: int | None = None, *, minimum: int = 0, maximum: int = 10**9
    ) -> None:
        """An unlocked cell that only takes a whole number from ``minimum`` to ``maximum``."""
        grenzen = (minimum, maximum)
        if grenzen not in self._aantallen:
            bereik = f"{minimum} tot en met {maximum}"
            self._aantallen[grenzen] = _strikt(
                DataValidation(
                    type="whole", operator="between", formula1=str(minimum), formula2=str(maximum)
                ),
                fout=("Geen geldig aantal", f"Vul een geheel getal in van {bereik}."),
                uitleg=("Aantal", f"Een geheel getal van {bereik}."),
            )
        self._invoer(cel, aantal, self._aantallen[grenzen], formaat="0")
        self.blad[cel].alignment = Alignment(horizontal="right")

    def invoer_tekst(
        self, cel: str, tekst: str | None = None, *, hoogte: float | None = None
    ) -> None:
        """An unlocked free-text cell; ``hoogte`` makes its row taller (in points)."""
        self._invoer(cel, tekst or None)
        self.blad[cel].alignment = Alignment(vertical="top", wrap_text=True)
        if hoogte:
            self.blad.row_dimensions[self.blad[cel].row].height = hoogte

    def _invoer(
        self,
        cel: str,
        waarde: object,
        validatie: DataValidation | None = None,
        *,
        formaat: str | None = None,
    ) -> None:
        doel = _zet(self.blad[cel], waarde)
        doel.protection = _OPEN
        doel.fill = _INVOER
        doel.border = _RAND
        if formaat:
            doel.number_format = formaat
        if validatie is not None:
            validatie.add(cel)

    # --- Layout -----------------------------------------------------------------------------

    def breedte(self, kolom: int, breedte: float) -> None:
        """The width of a column (1 is A), in characters."""
        self.blad.column_dimensions[get_column_letter(kolom)].width = breedte

    def koprij(self, rij: int, kolommen: Sequence[Kolom]) -> None:
        """A table heading at ``rij`` from column A; it and all above it stay in view."""
        for nummer, kolom in enumerate(kolommen, 1):
            cel = schrijven.tekst(self.blad.cell(row=rij, column=nummer), kolom.kop)
            cel.font = Font(bold=True)
            cel.fill = _KOP
            cel.border = _RAND
            cel.alignment = Alignment(vertical="bottom", wrap_text=True)
            self.breedte(nummer, kolom.breedte)
        self.blad.freeze_panes = f"A{rij + 1}"
        self.blad.print_title_rows = f"{rij}:{rij}"

    def instructies(self, titel: str, alineas: Sequence[str]) -> None:
        """A sheet with instructions: a title and one paragraph per row."""
        blad = self._werkmap.create_sheet(INSTRUCTIES_BLAD)
        blad.column_dimensions["A"].width = 100
        schrijven.tekst(blad["A1"], titel)
        blad["A1"].font = Font(bold=True, size=14)
        for rij, alinea in enumerate(alineas, 3):
            schrijven.tekst(blad.cell(row=rij, column=1), alinea).alignment = Alignment(
                vertical="top", wrap_text=True
            )
        self._instructies = blad

    # --- Finishing --------------------------------------------------------------------------

    def als_bytes(self) -> bytes:
        """Protect, set up printing, add the metadata; the finished .xlsx file."""
        validaties = (
            self._bedragen,
            self._ja_nee,
            self._datums,
            *self._aantallen.values(),
            *self._keuzes.values(),
        )
        for validatie in validaties:
            if validatie is not None:
                self.blad.add_data_validation(validatie)
        _drukinstellingen(self.blad, liggend=self._liggend)
        _bescherm(self.blad)
        if self._instructies is not None:
            _drukinstellingen(self._instructies, liggend=False)
            _bescherm(self._instructies)

        metadata = self._werkmap.create_sheet(METADATA_BLAD)
        paren = list(self.metadata.items())
        if self._sleutel is not None:
            paren.append((HANDTEKENING, handtekening(self.metadata, self._sleutel)))
        for rij, (sleutel, waarde) in enumerate(paren, 1):
            schrijven.tekst(metadata.cell(row=rij, column=1), sleutel)
            schrijven.tekst(metadata.cell(row=rij, column=2), waarde)
        metadata.sheet_state = "veryHidden"
        _bescherm(metadata)

        self._werkmap.active = 0
        # No sheets added, removed, renamed or unhidden: a password nobody knows keeps that
        # from happening by accident. It is no security (Excel's hash is weak, LibreOffice
        # makes the metadata sheet merely hidden); the signature is.
        self._werkmap.security = WorkbookProtection(lockStructure=True)
        self._werkmap.security.workbookPassword = _wachtwoord()
        return schrijven.opslaan(self._werkmap)


def _zet(cel: Any, waarde: object) -> Any:
    """Numbers as numbers (Decimal stays exact), dates as dates, nothing as nothing, anything
    else as text."""
    if waarde is None or isinstance(waarde, int | Decimal | date):
        cel.value = waarde
        return cel
    return schrijven.tekst(cel, str(waarde))


def _wachtwoord() -> str:
    return secrets.token_urlsafe(16)


def _bescherm(blad: Worksheet) -> None:
    blad.protection.sheet = True
    blad.protection.password = _wachtwoord()
    # Widening a column or a row to read a long text is fine.
    blad.protection.formatColumns = False
    blad.protection.formatRows = False


def _drukinstellingen(blad: Worksheet, *, liggend: bool) -> None:
    """A4, fitted to one page wide and one page tall."""
    blad.page_setup.paperSize = blad.PAPERSIZE_A4
    blad.page_setup.orientation = (
        blad.ORIENTATION_LANDSCAPE if liggend else blad.ORIENTATION_PORTRAIT
    )
    blad.page_setup.fitToWidth = 1
    blad.page_setup.fitToHeight = 1
    blad.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


# --- Reading back ---------------------------------------------------------------------------


def lees_metadata(inhoud: bytes) -> dict[str, str]:
    """The metadata of a template made by `Sjabloon`; empty when the workbook has none.

    Read as an upload is (`kern.excel.lees_blad`: the scan, then calamine), so it raises
    `ExcelFout` for anything that reader refuses, a metadata sheet with anything beyond its
    first `MAX_METADATA` rows and two columns included. Empty keys are skipped.
    """
    if METADATA_BLAD not in bladnamen(inhoud):
        return {}
    blad = lees_blad(inhoud, blad=METADATA_BLAD, max_rijen=MAX_METADATA, max_kolommen=2)
    return {
        als_tekst(sleutel): als_tekst(waarde)
        for _, (sleutel, waarde) in blad.rijen
        if sleutel not in (None, "")
    }


def metadata_sleutel(geheim: str | bytes) -> bytes:
    """The key that signs templates' metadata, derived from the application's secret: a key
    for this purpose only, so that a signature says nothing about the secret or other uses."""
    geheim_bytes = geheim.encode() if isinstance(geheim, str) else geheim
    return hmac.new(geheim_bytes, _DOEL_SLEUTEL, hashlib.sha256).digest()


def handtekening(metadata: Mapping[str, str], sleutel: bytes) -> str:
    """The HMAC-SHA256 of the metadata (every key but the signature, in any order)."""
    paren = sorted((k, v) for k, v in metadata.items() if k != HANDTEKENING)
    tekst = json.dumps(paren, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(sleutel, tekst.encode(), hashlib.sha256).hexdigest()


def ondertekend(metadata: Mapping[str, str], sleutel: bytes) -> bool:
    """Whether ``metadata`` (as `lees_metadata` read it) carries its own valid signature."""
    gegeven = metadata.get(HANDTEKENING, "")
    return hmac.compare_digest(gegeven.encode(), handtekening(metadata, sleutel).encode())


def als_tekst(waarde: object) -> str:
    """A value as text; a spreadsheet program may have turned "12" into the number 12.0."""
    if waarde is None:
        return ""
    if isinstance(waarde, float) and waarde.is_integer():
        return str(int(waarde))
    return str(waarde)


# --- The heading row of a table -------------------------------------------------------------


def controleer_koppen(
    gevonden: Sequence[object],
    verwacht: Sequence[str],
    meldingen: Meldingen,
    *,
    blad: str,
    rij: int,
    advies: str = "gebruik het sjabloon zoals het is",
) -> bool:
    """Whether the heading row ``gevonden`` (from column A) has every heading of ``verwacht``
    in its place; otherwise one message, at the first heading out of place, when the columns
    after it are shifted (a column inserted or deleted there), else one per heading.

    Headings compare without case and extra spaces. Columns right of the table are not looked
    at: the domain decides what an extra column is. ``advies`` ends a shift's message.
    """
    gezien = [" ".join(zoals_getoond(w).split()).casefold() for w in gevonden]
    gezien += [""] * (len(verwacht) - len(gezien))
    koppen = [" ".join(k.split()).casefold() for k in verwacht]
    aantal = len(koppen)
    eerste = next((i for i in range(aantal) if gezien[i] != koppen[i]), None)
    if eerste is None:
        return True
    letter = get_column_letter(eerste + 1)
    cel = f"{letter}{rij}"
    for verschoven in range(1, len(gezien) - eerste):
        if gezien[eerste + verschoven : verschoven + aantal] == koppen[eerste:]:
            wat = "Er is een kolom" if verschoven == 1 else f"Er zijn {verschoven} kolommen"
            meldingen.fout(blad, cel, f"{wat} ingevoegd vóór kolom {letter}; {advies}.")
            return False
    for verschoven in range(1, aantal - eerste):  # one heading after them must still match
        weg_koppen = koppen[eerste : eerste + verschoven]
        if gezien[eerste : aantal - verschoven] == koppen[eerste + verschoven :] and not (
            set(weg_koppen) & set(gezien)  # not deleted but moved
        ):
            weg = " en ".join(f'"{k}"' for k in verwacht[eerste : eerste + verschoven])
            wat = "De kolom" if verschoven == 1 else "De kolommen"
            werkwoord = "is" if verschoven == 1 else "zijn"
            meldingen.fout(blad, cel, f"{wat} {weg} {werkwoord} verwijderd; {advies}.")
            return False
    for index in range(eerste, aantal):
        if gezien[index] == koppen[index]:
            continue
        cel = f"{get_column_letter(index + 1)}{rij}"
        kop = verwacht[index]
        tekst = f'Hier hoort de kolomkop "{kop}" te staan'
        if not gezien[index]:
            tekst += "."
        elif koppen[index] in gezien:
            tekst += f', niet "{zoals_getoond(gevonden[index])}"; de kolommen zijn verplaatst, '
            tekst += f"{advies}."
        else:
            tekst += f', niet "{zoals_getoond(gevonden[index])}".'
        meldingen.fout(blad, cel, tekst, kop)
    return False


def _strikt(
    validatie: DataValidation, *, fout: tuple[str, str], uitleg: tuple[str, str]
) -> DataValidation:
    """``validatie`` as every input cell has it: a blank cell is fine, a wrong value is
    refused with ``fout`` (title, text), and ``uitleg`` (title, text) shows on the cell."""
    validatie.allow_blank = True
    validatie.showErrorMessage = True
    validatie.showInputMessage = True
    validatie.errorStyle = "stop"
    validatie.errorTitle, validatie.error = fout
    validatie.promptTitle, validatie.prompt = uitleg
    return validatie


def meld_extra_kolommen(
    rijen: Mapping[int, Sequence[object]], meldingen: Meldingen, *, blad: str, breedte: int
) -> None:
    """A column right of a table ``breedte`` columns wide is not read: a warning once per
    column, at its first value."""
    aantal = max((len(waarden) for waarden in rijen.values()), default=0)
    for index in range(breedte, aantal):
        eerste = next((r for r in sorted(rijen) if rijen[r][index] is not None), None)
        if eerste is not None:
            kolom = get_column_letter(index + 1)
            meldingen.waarschuwing(
                blad,
                f"{kolom}{eerste}",
                f"Kolom {kolom} hoort niet bij het sjabloon en wordt niet ingelezen.",
            )
