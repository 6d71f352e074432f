"""The historical import carries real history: totals without purposes, amounts still open,
regions, the decisions' own dates and references, settled years, names as people write them,
and a file imported twice changes nothing the second time (issue 13)."""

from __future__ import annotations

import pytest

from kern.uploads import UploadStatus
from tests.subsidies.test_historische_import import controleer, fouten, meldingen, werkmap


@pytest.mark.parametrize("naam", ["Den Haag", "den haag", "’s-Gravenhage", "'s Gravenhage"])
def test_den_haag_is_taken_against_a_register_loaded_from_cbs(
    db, regeling_2015_2016, den_haag, naam
):
    den_haag.roepnaam = None  # as CBS's list has it: only the official name

    upload = controleer(
        regeling_2015_2016,
        werkmap(["toekenning", "GM0518", naam, 2015, "kennisbevordering", 950_000]),
    )

    assert upload.status is UploadStatus.GECONTROLEERD, meldingen(upload)


def test_a_name_and_a_code_that_disagree_are_both_named(db, regeling_2015_2016):
    assert fouten(
        regeling_2015_2016, ["toekenning", "GM0518", "Utrecht", 2015, "kennisbevordering", 1]
    ) == ["Blad1!C2: GM0518 is 's-Gravenhage, niet Utrecht."]
