"""The user's own upload returned with its problems marked. Knows nothing of any domain.

Every cell a `Melding` names is filled red (a fout) or orange (a waarschuwing only) and gets
a comment with all messages for that cell; a first sheet lists every message with a link to
its cell. The user's values, formats and data validations stay as they were; sheet
protection is lifted so that nothing keeps the user from seeing the marks, except on a
"veryHidden" sheet (a template's metadata), which is left exactly as it is.

Only for a workbook that `kern.excel.lezen.controle.controleer_xlsx` accepts (it is called
here first): the file is loaded in openpyxl's normal mode, which holds the whole workbook in
memory, so only a file up to `MAX_TE_MARKEREN` is marked; a larger one gets a workbook with
the overview alone, whose size the number of messages bounds.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from kern.excel import schrijven
from kern.excel.lezen.controle import BESCHADIGD, ExcelFout, controleer_xlsx
from kern.meldingen import Ernst, Melding

AUTEUR = "Controle"  # the author of every comment this module adds
MAX_MARKERINGEN = 5_000  # cells filled and commented; the overview still lists every message
MAX_OVERZICHT = 10_000  # rows in the overview
MAX_OPMERKING = 2_000  # characters of one comment
# The sheets' XML (and shared strings), uncompressed, of a file marked in place: openpyxl holds
# the whole workbook, about 20 times that in memory and some seconds per megabyte on a small
# server. Beyond it the error workbook is the overview alone (bench/excel_foutwerkmap.py).
MAX_TE_MARKEREN = 2 * 1024 * 1024
KOPRIJ = 4  # the overview's heading row; above it a title and notes

ROOD = PatternFill("solid", fgColor="FF9B9B")
ORANJE = PatternFill("solid", fgColor="FFC869")
_KOP = PatternFill("solid", fgColor="D9E1F2")
_TERUGLOOP = Alignment(wrap_text=True, vertical="top")
_KOLOMMEN = (("Blad", 22), ("Cel", 10), ("Kolom", 28), ("Soort", 14), ("Melding", 90))
_EXCEL_MAX_RIJ, _EXCEL_MAX_KOLOM = 1_048_576, 16_384
_VERBODEN_IN_BLADNAAM = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def foutwerkmap(inhoud: bytes, meldingen: Sequence[Melding], *, titel: str = "Meldingen") -> bytes:
    """The workbook ``inhoud`` with ``meldingen`` marked in it and listed on a first sheet.

    A file larger than `MAX_TE_MARKEREN` gets the overview alone, in a workbook of its own.
    Raises `ExcelFout` for anything `controleer_xlsx` refuses or openpyxl cannot read.
    """
    controleer_xlsx(inhoud)
    if _te_groot(inhoud):
        werkmap = Workbook()
        overzicht = werkmap.active
        assert isinstance(overzicht, Worksheet)
        overzicht.title = _vrije_naam([], titel)
        _vul_overzicht(overzicht, titel, meldingen, [None] * len(meldingen), gemarkeerd=None)
        return schrijven.opslaan(werkmap)
    try:
        with warnings.catch_warnings():
            # "no default style", "extension is not supported": said of many users' files.
            warnings.simplefilter("ignore", UserWarning)
            werkmap = load_workbook(io.BytesIO(inhoud))
    except Exception:  # openpyxl raises many types for a broken file
        raise ExcelFout(BESCHADIGD) from None

    for blad in werkmap.worksheets:
        if blad.sheet_state != "veryHidden":
            blad.protection.sheet = False

    # Each message's cell, or None when it only belongs in the overview.
    doelen = [_doel(werkmap, melding) for melding in meldingen]
    per_cel: dict[tuple[str, str], list[Melding]] = {}
    for melding, doel in zip(meldingen, doelen, strict=True):
        if doel is not None:
            per_cel.setdefault(doel, []).append(melding)
    for blad_naam, cel in list(per_cel)[:MAX_MARKERINGEN]:
        _markeer(werkmap[blad_naam][cel], per_cel[(blad_naam, cel)])

    overzicht = werkmap.create_sheet(_vrije_naam(werkmap.sheetnames, titel), 0)
    _vul_overzicht(overzicht, titel, meldingen, doelen, gemarkeerd=len(per_cel))
    for blad in werkmap.worksheets:
        blad.sheet_view.tabSelected = False
    overzicht.sheet_view.tabSelected = True
    werkmap.active = 0

    return schrijven.opslaan(werkmap)


def _te_groot(inhoud: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(inhoud)) as archief:  # controleer_xlsx read it already
        delen = archief.infolist()
    grootte = sum(
        deel.file_size
        for deel in delen
        if deel.filename.lower().startswith("xl/worksheets/")
        or deel.filename.lower() == "xl/sharedstrings.xml"
    )
    return grootte > MAX_TE_MARKEREN


def _doel(werkmap: Any, melding: Melding) -> tuple[str, str] | None:
    """(sheet, cell) to mark for the message: a range's top-left cell, a merge's first cell."""
    if not melding.cel or not _zichtbaar(werkmap, melding.blad):
        return None
    blad = werkmap[melding.blad]
    try:
        kolom, rij, _, _ = range_boundaries(melding.cel.replace("$", "").upper())
    except (ValueError, TypeError):
        return None
    if kolom is None or rij is None or kolom > _EXCEL_MAX_KOLOM or rij > _EXCEL_MAX_RIJ:
        return None
    cel = f"{get_column_letter(kolom)}{rij}"
    if isinstance(blad[cel], MergedCell):
        for bereik in blad.merged_cells.ranges:
            if cel in bereik:
                cel = bereik.start_cell.coordinate
                break
    return blad.title, cel


def _zichtbaar(werkmap: Any, naam: str) -> bool:
    """Whether ``naam`` is a sheet with cells that the user can get to."""
    if naam not in werkmap.sheetnames:
        return False
    blad = werkmap[naam]
    return isinstance(blad, Worksheet) and blad.sheet_state != "veryHidden"


def _markeer(cel: Any, meldingen: list[Melding]) -> None:
    fout = any(melding.ernst is Ernst.FOUT for melding in meldingen)
    cel.fill = ROOD if fout else ORANJE
    regels = [f"{melding.ernst.value.capitalize()}: {melding.tekst}" for melding in meldingen]
    tekst = _schoon("\n".join(regels))
    if cel.comment is not None and cel.comment.author != AUTEUR:
        tekst += f"\n\n{cel.comment.text}"  # the user's own comment, kept beneath ours
    if len(tekst) > MAX_OPMERKING:
        tekst = tekst[: MAX_OPMERKING - 1] + "…"
    hoogte = min(20 + 15 * (tekst.count("\n") + 1 + len(tekst) // 50), 400)
    cel.comment = Comment(tekst, AUTEUR, width=320, height=hoogte)


def _vrije_naam(namen: Sequence[str], titel: str) -> str:
    """``titel`` as a sheet name, with `` (2)``, `` (3)``... when taken (case-insensitively)."""
    basis = " ".join(titel.translate(_VERBODEN_IN_BLADNAAM).split())
    basis = basis[:31].strip().strip("'") or "Meldingen"
    bezet = {naam.casefold() for naam in namen}
    naam, volgnummer = basis, 1
    while naam.casefold() in bezet:
        volgnummer += 1
        achtervoegsel = f" ({volgnummer})"
        naam = basis[: 31 - len(achtervoegsel)].rstrip() + achtervoegsel
    return naam


def _vul_overzicht(
    blad: Worksheet,
    titel: str,
    meldingen: Sequence[Melding],
    doelen: Sequence[tuple[str, str] | None],
    *,
    gemarkeerd: int | None,
) -> None:
    """The overview on ``blad``; ``gemarkeerd`` None: the file was too large to be marked."""
    _vul_kop(blad, titel, meldingen, gemarkeerd)
    _vul_tabel(blad, meldingen, doelen)


def _vul_kop(
    blad: Worksheet, titel: str, meldingen: Sequence[Melding], gemarkeerd: int | None
) -> None:
    """The title, the counts and what to do (A1, A2), and what was left out (A3)."""
    fouten = sum(melding.ernst is Ernst.FOUT for melding in meldingen)
    waarschuwingen = len(meldingen) - fouten
    schrijven.tekst(blad["A1"], titel)
    blad["A1"].font = Font(bold=True, size=14)
    aantallen = (
        f"{_aantal(fouten, 'fout', 'fouten')} en "
        f"{_aantal(waarschuwingen, 'waarschuwing', 'waarschuwingen')}."
    )
    if gemarkeerd is None:
        blad["A2"] = (
            f"{aantallen} Het bestand is te groot om de cellen erin te markeren; hieronder "
            "staat bij elke melding het blad en de cel. Verbeter ze in uw eigen bestand."
        )
    else:
        blad["A2"] = (
            f"{aantallen} Cellen met een fout zijn rood, cellen met alleen een waarschuwing "
            "oranje; de melding staat in een opmerking bij de cel. Klik op een cel hieronder "
            "om ernaartoe te gaan."
        )
    beperkingen = []
    if gemarkeerd is not None and gemarkeerd > MAX_MARKERINGEN:
        beperkingen.append(
            f"Alleen de eerste {_getal(MAX_MARKERINGEN)} cellen met een melding zijn gemarkeerd."
        )
    if len(meldingen) > MAX_OVERZICHT:
        beperkingen.append(
            f"Alleen de eerste {_getal(MAX_OVERZICHT)} meldingen staan hieronder; "
            f"{_aantal(len(meldingen) - MAX_OVERZICHT, 'melding is', 'meldingen zijn')} "
            "weggelaten."
        )
    if beperkingen:
        blad["A3"] = " ".join(beperkingen)
        blad["A3"].font = Font(bold=True)


def _vul_tabel(
    blad: Worksheet, meldingen: Sequence[Melding], doelen: Sequence[tuple[str, str] | None]
) -> None:
    """A row per message under the heading row, linked to its cell (or sheet) where it can be."""
    for nummer, (kop, breedte) in enumerate(_KOLOMMEN, 1):
        cel = schrijven.tekst(blad.cell(row=KOPRIJ, column=nummer), kop)
        cel.font = Font(bold=True)
        cel.fill = _KOP
        blad.column_dimensions[get_column_letter(nummer)].width = breedte

    rij = KOPRIJ
    for melding, doel in zip(meldingen[:MAX_OVERZICHT], doelen[:MAX_OVERZICHT], strict=True):
        rij += 1
        waarden = (melding.blad, melding.cel, melding.kolom, melding.ernst.value, melding.tekst)
        for nummer, waarde in enumerate(waarden, 1):
            # Text stays text: "=..." is no formula, "#N/A" no error.
            schrijven.tekst(blad.cell(row=rij, column=nummer), waarde)
        blad.cell(row=rij, column=4).fill = ROOD if melding.ernst is Ernst.FOUT else ORANJE
        blad.cell(row=rij, column=5).alignment = _TERUGLOOP
        if doel is not None:
            _koppel(blad.cell(row=rij, column=2), *doel)
        elif not melding.cel and _zichtbaar(blad.parent, melding.blad):
            _koppel(blad.cell(row=rij, column=1), melding.blad, "A1")

    blad.freeze_panes = f"A{KOPRIJ + 1}"
    blad.auto_filter.ref = f"A{KOPRIJ}:{get_column_letter(len(_KOLOMMEN))}{rij}"


def _koppel(cel: Any, blad: str, doel: str) -> None:
    """A link within the workbook, to ``'blad'!doel``."""
    plek = "'" + blad.replace("'", "''") + "'!" + doel
    cel.hyperlink = Hyperlink(ref=cel.coordinate, location=plek, display=cel.value)
    cel.style = "Hyperlink"
    schrijven.tekst(cel, cel.value)  # the style replaced the quote prefix


def _schoon(tekst: str) -> str:
    """Without the control characters a worksheet cannot hold (a quoted value may have them)."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", tekst))


def _getal(aantal: int) -> str:
    return f"{aantal:,}".replace(",", ".")


def _aantal(aantal: int, enkelvoud: str, meervoud: str) -> str:
    return f"{_getal(aantal)} {enkelvoud if aantal == 1 else meervoud}"
