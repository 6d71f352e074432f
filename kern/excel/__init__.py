"""The Excel pipeline: read an uploaded workbook safely, turn its cells into values, build
templates and error workbooks. Knows nothing of any domain.

What a domain uses:

- from here: `lees_blad` (one sheet, for imports), `lees_rijen` (the first sheet through
  openpyxl, for a small list), `bladnamen`, `is_xlsx`, `Blad`, `ExcelFout` (the refusal, its
  message in Dutch) with the messages a domain repeats (`ontbrekend_blad`, `te_veel_regels`);
- `kern.excel.cellen`: the converters from a cell to a value (`bedrag`, `tekst`, `ja_nee`,
  `geheel_getal`, `datum`, `schoon`, `foutwaarde`, `zoals_getoond`), each recording its
  problems in a `kern.meldingen.Meldingen`;
- `kern.excel.sjabloon`: templates (`Sjabloon`, `Kolom`), their metadata and heading check;
- `kern.excel.foutwerkmap.foutwerkmap`: the user's own file with the bad cells marked;
- `kern.excel.schrijven`: writing a text cell as text, never as a formula.

`kern.excel.lezen` holds the reader itself (the bytes check, the scan of the sheet's XML,
python-calamine, openpyxl); its docstring says why every sheet is scanned first. A test that
changes one of its limits patches it in the module that defines it.
"""

from .lezen.calamine import Blad, bladnamen, lees_blad
from .lezen.controle import ExcelFout, is_xlsx, ontbrekend_blad, te_veel_regels
from .lezen.openpyxl_lezer import lees_rijen

__all__ = [
    "Blad",
    "ExcelFout",
    "bladnamen",
    "is_xlsx",
    "lees_blad",
    "lees_rijen",
    "ontbrekend_blad",
    "te_veel_regels",
]
