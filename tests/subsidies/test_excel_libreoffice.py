"""The return template through a real spreadsheet program: LibreOffice, headless, opens the
filled-in template and saves it again, as a clerk without Excel would. Skipped where
LibreOffice is not installed (Debian: ``apt-get install libreoffice-calc``)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kern.excel.sjabloon import METADATA_BLAD
from kern.uploads import UploadStatus
from subsidies.verantwoording_import import basis
from subsidies.verantwoording_import.basis import BLAD, CEL_EINDVERANTWOORDING, CEL_TOELICHTING
from tests.libreoffice import SOFFICE, opnieuw_opgeslagen
from tests.subsidies.test_excel_upload import (
    KENNIS,
    PERSOON,
    VROEG,
    bevestig,
    laatste_upload,
    meldingen,
    sjabloon_url,
    stuur,
    verantwoordingen,
)

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")


def test_a_template_saved_by_libreoffice_goes_all_the_way(klerk, beschikking_920000, tmp_path):
    werkmap = load_workbook(io.BytesIO(klerk.get(sjabloon_url(beschikking_920000)).data))
    blad = werkmap[BLAD]
    blad[f"E{KENNIS}"], blad[f"F{KENNIS}"] = 1000, "=E14+1500"  # LibreOffice computes it
    blad[f"E{VROEG}"], blad[f"F{VROEG}"] = "1.234,56", 1234.56
    blad[f"E{PERSOON}"], blad[f"F{PERSOON}"] = 0, 0
    blad[CEL_EINDVERANTWOORDING] = "ja"
    blad[CEL_TOELICHTING] = "Opgeslagen met LibreOffice."
    uit = io.BytesIO()
    werkmap.save(uit)

    inhoud = opnieuw_opgeslagen(uit.getvalue(), tmp_path)
    assert inhoud != uit.getvalue()

    antwoord = stuur(klerk, beschikking_920000, inhoud)
    assert meldingen(laatste_upload()) == []
    assert bevestig(klerk, antwoord).status_code == 302
    [verantwoording] = verantwoordingen(beschikking_920000)
    assert verantwoording.eindverantwoording is True
    assert verantwoording.toelichting_afwijking == "Opgeslagen met LibreOffice."
    assert [(r.besteed_in_jaar, r.besteed_cumulatief) for r in verantwoording.regels] == [
        (Decimal("1000.00"), Decimal("2500.00")),
        (Decimal("1234.56"), Decimal("1234.56")),
        (Decimal("0.00"), Decimal("0.00")),
    ]


def test_metadata_unhidden_after_a_libreoffice_save_and_edited_is_refused(
    klerk, beschikking_920000, tmp_path
):
    opgeslagen = opnieuw_opgeslagen(klerk.get(sjabloon_url(beschikking_920000)).data, tmp_path)

    werkmap = load_workbook(io.BytesIO(opgeslagen))
    metadata = werkmap[METADATA_BLAD]
    assert metadata.sheet_state == "hidden"  # LibreOffice keeps no "veryHidden": one click away
    metadata.sheet_state = "visible"
    for rij in metadata.iter_rows():
        if rij[0].value == "beschikking_id":
            rij[1].value = str(
                beschikking_920000.id + 1
            )  # another decision, still "this" one's year
    assert [r[1].value for r in metadata.iter_rows() if r[0].value == "versie"] == [basis.VERSIE]
    uit = io.BytesIO()
    werkmap.save(uit)

    stuur(klerk, beschikking_920000, uit.getvalue())
    upload = laatste_upload()
    assert upload.status is UploadStatus.GEWEIGERD
    assert "De verborgen gegevens van dit sjabloon zijn gewijzigd" in meldingen(upload)[0]
