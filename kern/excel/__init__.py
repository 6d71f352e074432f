"""Reading workbooks safely. Knows nothing of any domain.

Every check that can be done on the raw bytes runs before a parser sees the file
(`controleer_xlsx`): the file must be a real .xlsx (a zip with an ``xl/workbook.xml`` part),
not an old or encrypted OLE2 file, a web page or a csv file, not a macro workbook, not a zip
bomb, no two parts may share a name, and no XML part may carry a DOCTYPE (entity expansion,
external entities).

Two readers follow it:

- `lees_blad`, for imports: one sheet, fast and with bounded memory, read by python-calamine
  (Rust: 100,000 rows of 8 columns in about 1.3 s all in, where openpyxl's read-only mode takes
  6 to 13). calamine has one property that shapes everything around it: it builds a sheet as
  one dense block from its first to its last non-empty cell, so a 5 kB file with values in A1
  and XFD1048576 makes it ask for half a terabyte and the process aborts, which no ``except``
  can catch. So calamine never sees a sheet that has not been scanned first, and the limits
  themselves are capped (`MAX_CELLEN`). The scan streams the sheet's XML a megabyte at a time
  with byte-level regular expressions (a few passes in C per megabyte, no Python work per
  ordinary cell) and refuses a cell with content outside ``max_rijen`` x ``max_kolommen``, a
  cell without a reference (calamine would count positions itself; Excel, LibreOffice and
  openpyxl always write references, so such a file is refused rather than read another way),
  too many merged ranges, more cells than the limits hold, a DOCTYPE. Empty cells far away (a
  styled range, an old selection) are no reason to refuse: calamine drops empty cells; the
  ``<dimension>`` element, which only sizes a buffer, is removed. What calamine then reads is a
  workbook written here, to a temporary file, from the bytes the scan saw (the sheet, the
  shared strings and the styles, with a workbook part and relationships of our own), so no
  difference between Python's zip reader and calamine's (a part that lies about its size,
  names that differ only in case, how a relationship target is resolved) can make calamine
  read bytes that were not checked. Parts it does not read are not checked for a DOCTYPE.
  That workbook holds the sheet cut at row boundaries into parts of at most `DEEL_RIJEN` rows
  and about `DEEL_BYTES` bytes, each a sheet of its own (with the sheet's own beginning; the
  shared strings are read once), and calamine reads one part at a time as the rows are taken,
  dropping each before it reads the next: its memory does not grow with the number of rows
  (a sheet that cannot be cut safely is read whole, as before). The scan of the whole sheet
  is done, and the file removed, before the first row is given.
- `lees_rijen`, openpyxl's read-only mode on the first sheet, for the CBS list: slower, but
  it never builds a sheet in memory, so it needs no scan.
"""

from .calamine import (
    MAX_CELLEN,
    MAX_TEKSTEN_EXTRA,
    TIJDELIJK_VOORVOEGSEL,
    Blad,
    bladnamen,
    lees_blad,
)
from .controle import (
    BESCHADIGD,
    BEVEILIGD,
    DOCTYPE,
    EXCEL_MAX_KOLOMMEN,
    EXCEL_MAX_RIJEN,
    GEEN_WERKBLADEN,
    GEEN_XLSX,
    LEEG,
    MAX_COMPRESSIEFACTOR,
    MAX_ONDERDELEN,
    MAX_ONGECOMPRIMEERD,
    NIET_OP_VOLGORDE,
    OLE2_MAGIC,
    OUD_XLS,
    TE_VEEL_SAMENGEVOEGD,
    TE_VEEL_TEKSTEN,
    TEKSTBESTAND,
    WEBPAGINA,
    ZIP_MAGIC,
    ZONDER_VERWIJZING,
    ExcelFout,
    buiten_bereik,
    controleer_xlsx,
    is_xlsx,
    ontbrekend_blad,
    te_veel_foutwaarden,
    te_veel_regels,
)
from .openpyxl_lezer import lees_rijen

# Copies: the scan reads these in `verkenning`, so a test that changes one patches it there.
from .verkenning import (
    DEEL_BYTES,
    DEEL_RIJEN,
    MAX_CELLEN_EXTRA,
    MAX_FOUTWAARDEN,
    MAX_SAMENGEVOEGD,
)

__all__ = [
    "BESCHADIGD",
    "BEVEILIGD",
    "DEEL_BYTES",
    "DEEL_RIJEN",
    "DOCTYPE",
    "EXCEL_MAX_KOLOMMEN",
    "EXCEL_MAX_RIJEN",
    "GEEN_WERKBLADEN",
    "GEEN_XLSX",
    "LEEG",
    "MAX_CELLEN",
    "MAX_CELLEN_EXTRA",
    "MAX_COMPRESSIEFACTOR",
    "MAX_FOUTWAARDEN",
    "MAX_ONDERDELEN",
    "MAX_ONGECOMPRIMEERD",
    "MAX_SAMENGEVOEGD",
    "MAX_TEKSTEN_EXTRA",
    "NIET_OP_VOLGORDE",
    "OLE2_MAGIC",
    "OUD_XLS",
    "TEKSTBESTAND",
    "TE_VEEL_SAMENGEVOEGD",
    "TE_VEEL_TEKSTEN",
    "TIJDELIJK_VOORVOEGSEL",
    "WEBPAGINA",
    "ZIP_MAGIC",
    "ZONDER_VERWIJZING",
    "Blad",
    "ExcelFout",
    "bladnamen",
    "buiten_bereik",
    "controleer_xlsx",
    "is_xlsx",
    "lees_blad",
    "lees_rijen",
    "ontbrekend_blad",
    "te_veel_foutwaarden",
    "te_veel_regels",
]
