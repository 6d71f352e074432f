"""LibreOffice Calc, headless, as a spreadsheet user's program: opens a workbook and saves it
again, each run with a profile of its own. Tests that need it skip where it is not installed
(Debian: ``apt-get install libreoffice-calc``)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

# LibreOffice keeps a workbook's stored formula results unless its profile says to recalculate
# on load (Tools > Options > Calc > Formula: "Excel 2007 and newer: Always recalculate").
ALTIJD_HERREKENEN = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
</oor:items>
"""


def opnieuw_opgeslagen(inhoud: bytes, map_: Path, *, herrekenen: bool = False) -> bytes:
    """``inhoud`` opened and saved as .xlsx by LibreOffice Calc; with ``herrekenen`` every
    formula is calculated again on opening."""
    profiel = map_ / "profiel"
    if herrekenen:
        (profiel / "user").mkdir(parents=True)
        (profiel / "user" / "registrymodifications.xcu").write_text(ALTIJD_HERREKENEN)
    invoer, uitvoer = map_ / "in" / "werkmap.xlsx", map_ / "uit"
    invoer.parent.mkdir()
    invoer.write_bytes(inhoud)
    assert SOFFICE is not None
    subprocess.run(  # noqa: S603 (a fixed program with our own arguments)
        [
            SOFFICE,
            f"-env:UserInstallation={profiel.as_uri()}",
            "--headless",
            "--calc",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(uitvoer),
            str(invoer),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (uitvoer / "werkmap.xlsx").read_bytes()
