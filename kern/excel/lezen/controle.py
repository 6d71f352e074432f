"""The checks on the raw bytes of a workbook, and the messages every reader gives."""

from __future__ import annotations

import io
import zipfile
import zlib

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

MAX_ONGECOMPRIMEERD = 100 * 1024 * 1024  # all parts together, as declared in the zip
MAX_ONDERDELEN = 2_000
MAX_COMPRESSIEFACTOR = 200  # per part larger than 1 MB uncompressed
EXCEL_MAX_RIJEN = 1_048_576  # the last row Excel has; rows past it are not read
EXCEL_MAX_KOLOMMEN = 16_384  # column XFD
# XML parts of a workbook are UTF-8 or UTF-16 (ECMA-376 part 2); look for each spelling.
DOCTYPES = tuple("<!DOCTYPE".encode(codering) for codering in ("utf-8", "utf-16-le", "utf-16-be"))
_VERSLEUTELD = "EncryptedPackage".encode("utf-16-le")  # the stream of a password-protected file
_CONTROLETEKENS = bytes(range(32)).translate(None, b"\t\n\r") + b"\x7f"  # not in a csv file

LEEG = "Het bestand is leeg."
OUD_XLS = (
    "Dit is een oud Excel-bestand (.xls). "
    "Sla het op als Excel-werkmap (.xlsx) en probeer het opnieuw."
)
BEVEILIGD = (
    "Dit bestand is met een wachtwoord beveiligd. "
    "Sla het op als Excel-werkmap (.xlsx) zonder wachtwoord en probeer het opnieuw."
)
WEBPAGINA = (
    "Dit is een webpagina (HTML), geen Excel-werkmap (.xlsx). "
    "Open het in Excel, sla het op als Excel-werkmap (.xlsx) en probeer het opnieuw."
)
TEKSTBESTAND = (
    "Dit is een tekstbestand (csv), geen Excel-werkmap (.xlsx). "
    "Open het in Excel, sla het op als Excel-werkmap (.xlsx) en probeer het opnieuw."
)
GEEN_XLSX = "Dit is geen Excel-werkmap (.xlsx); alleen .xlsx-bestanden worden gelezen."
BESCHADIGD = "Het bestand is beschadigd: het is geen geldige Excel-werkmap."
DOCTYPE = "De werkmap bevat een DOCTYPE-declaratie en wordt niet gelezen."
GEEN_WERKBLADEN = "De werkmap heeft geen werkbladen."
ZONDER_VERWIJZING = (
    "Het werkblad heeft cellen zonder celverwijzing en wordt niet gelezen. "
    "Open het in Excel, sla het op als Excel-werkmap (.xlsx) en probeer het opnieuw."
)
TE_VEEL_SAMENGEVOEGD = "Het werkblad heeft te veel samengevoegde cellen om veilig te lezen."
TE_VEEL_TEKSTEN = "De werkmap heeft te veel verschillende teksten om veilig te lezen."
NIET_OP_VOLGORDE = (
    "De cellen van het werkblad staan niet in de volgorde van de regels. "
    "Open het in Excel, sla het op als Excel-werkmap (.xlsx) en probeer het opnieuw."
)


class ExcelFout(ValueError):
    """The file cannot be read as a workbook; the message is for the user, in Dutch."""


def te_veel_regels(max_rijen: int) -> str:
    return f"Het werkblad heeft meer dan {max_rijen} regels."


def te_veel_foutwaarden(maximum: int) -> str:
    aantal = f"{maximum:,}".replace(",", ".")
    return (
        f"Het werkblad heeft meer dan {aantal} cellen met een foutwaarde (zoals #DEEL/0! of "
        "#N/B). Herstel de formules en probeer het opnieuw."
    )


def buiten_bereik(cel: str) -> str:
    return (
        f"Het werkblad heeft gegevens buiten het verwachte bereik (cel {cel}); "
        "verwijder ze en probeer het opnieuw."
    )


def ontbrekend_blad(naam: str) -> str:
    return f'Het werkblad "{naam}" ontbreekt.'


# --- Checks on the raw bytes ------------------------------------------------------------------


def is_xlsx(inhoud: bytes) -> bool:
    return inhoud.startswith(ZIP_MAGIC)


def controleer_xlsx(inhoud: bytes) -> None:
    """Refuse anything that is not a plain, reasonably sized .xlsx workbook."""
    archief = open_werkmap(inhoud)
    for o in archief.infolist():
        if o.filename.lower().endswith((".xml", ".rels", ".vml")) and _heeft_doctype(archief, o):
            raise ExcelFout(DOCTYPE)


def open_werkmap(inhoud: bytes) -> zipfile.ZipFile:
    """The zip, after every check of `controleer_xlsx` but the one for a DOCTYPE.

    `lees_blad` does that one itself, in the parts it reads: reading every part of the zip
    once more would take longer than the scan of the sheet.
    """
    if not inhoud:
        raise ExcelFout(LEEG)
    if inhoud.startswith(OLE2_MAGIC):
        raise ExcelFout(BEVEILIGD if _VERSLEUTELD in inhoud else OUD_XLS)
    if not inhoud.startswith(ZIP_MAGIC):
        raise ExcelFout(_geen_werkmap(inhoud))
    try:
        archief = zipfile.ZipFile(io.BytesIO(inhoud))
        onderdelen = archief.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ExcelFout(BESCHADIGD) from None
    namen = {o.filename.lower() for o in onderdelen}
    if len(namen) < len(onderdelen):
        # Readers differ in which of two parts with one name they take (and whether case counts).
        raise ExcelFout(BESCHADIGD)
    if "xl/workbook.xml" not in namen:
        raise ExcelFout("Dit is geen Excel-werkmap (.xlsx): het werkboekdeel ontbreekt.")
    if any(naam.endswith("vbaproject.bin") for naam in namen):
        raise ExcelFout(
            "Deze werkmap bevat macro's (.xlsm). Sla haar op als gewone Excel-werkmap (.xlsx)."
        )
    if len(onderdelen) > MAX_ONDERDELEN:
        raise ExcelFout("De werkmap bestaat uit te veel onderdelen om veilig te lezen.")
    totaal = sum(o.file_size for o in onderdelen)
    if totaal > MAX_ONGECOMPRIMEERD:
        grootste = max(onderdelen, key=lambda o: o.file_size)
        raise ExcelFout(
            f"De werkmap is uitgepakt te groot om veilig te lezen: {_wat(grootste)} beslaat "
            f"uitgepakt {grootste.file_size / 2**20:.0f} MB, de hele werkmap mag hoogstens "
            f"{MAX_ONGECOMPRIMEERD / 2**20:.0f} MB zijn."
        )
    for o in onderdelen:
        if o.file_size > 1024 * 1024 and o.file_size > MAX_COMPRESSIEFACTOR * max(
            o.compress_size, 1
        ):
            raise ExcelFout(
                f"De werkmap is verdacht sterk gecomprimeerd ({_wat(o)} is ingepakt "
                f"{o.file_size // max(o.compress_size, 1)} keer zo klein) en wordt niet gelezen."
            )
    return archief


def _wat(onderdeel: zipfile.ZipInfo) -> str:
    """A part of the workbook as its user would call it."""
    naam = onderdeel.filename.lower()
    if naam.startswith("xl/worksheets/"):
        return "een werkblad"
    if naam == "xl/sharedstrings.xml":
        return "de tekst in de cellen"
    if naam == "xl/styles.xml":
        return "de opmaak"
    return f"het onderdeel {onderdeel.filename}"


def _geen_werkmap(inhoud: bytes) -> str:
    """What to tell someone whose file is not a zip: web page, csv file, or just not a workbook."""
    begin = inhoud[:4096]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        begin = begin.removeprefix(bom)
    kop = begin.lstrip().lower()
    if kop.startswith(b"<!doctype html") or b"<html" in kop[:1024]:
        return WEBPAGINA
    if kop.startswith(b"<") and not kop.startswith(b"<?xml"):
        return WEBPAGINA  # an HTML fragment, such as the <table> some systems call .xls
    eerste_regel = begin.split(b"\n", 1)[0]
    is_tekst = len(begin.translate(None, _CONTROLETEKENS)) == len(begin)
    if is_tekst and any(scheiding in eerste_regel for scheiding in (b";", b",", b"\t")):
        return TEKSTBESTAND
    return GEEN_XLSX


def _heeft_doctype(archief: zipfile.ZipFile, onderdeel: zipfile.ZipInfo) -> bool:
    staart = b""
    try:
        with archief.open(onderdeel) as stroom:
            while blok := stroom.read(64 * 1024):
                venster = (staart + blok).upper()
                if any(doctype in venster for doctype in DOCTYPES):
                    return True
                staart = blok[-len(DOCTYPES[-1]) :]
    except ZIPFOUTEN:
        raise ExcelFout(BESCHADIGD) from None
    return False


# Everything reading a part of a (possibly hostile) zip can raise.
ZIPFOUTEN = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    KeyError,
    NotImplementedError,
    zlib.error,
)
