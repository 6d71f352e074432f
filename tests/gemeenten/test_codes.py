"""A municipality's CBS code, read one way wherever it comes in: the CBS list, a cell of an
import, the register's look-up (addresses and commands)."""

from __future__ import annotations

import pytest

from gemeenten import cbs
from gemeenten.cbs import CbsFout
from gemeenten.codes import cbs_code_in_cel, lees_cbs_code
from gemeenten.services import op_code
from kern.meldingen import Meldingen
from tests.gemeenten.factories import maak_gemeente
from tests.gemeenten.lijsten import xlsx

BLAD, CEL, KOLOM = "Historie", "B2", "CBS-code"

CODES = [
    ("GM0363", "GM0363"),
    (" gm0363 ", "GM0363"),
    ("Gm0363", "GM0363"),
    ("0363", "GM0363"),
    ("363", "GM0363"),
    (363, "GM0363"),
    (363.0, "GM0363"),
    ("GM0014", "GM0014"),
    (14, "GM0014"),
    (1969, "GM1969"),
]
GEEN_CODES = [
    "GM03630",
    "GM363",
    "PV27",
    "GM",
    "GM0000",
    "0",
    "GM12AB",
    "GM\u0660\u0663\u0666\u0663",  # Arabic-Indic digits: no code CBS writes
    363.5,
    -363,
    10000,
    True,
]


def lees(waarde: object, **opties: bool) -> tuple[str | None, list[str]]:
    """(code, the messages' texts) for one cell."""
    meldingen = Meldingen()
    code = cbs_code_in_cel(waarde, meldingen, BLAD, CEL, KOLOM, **opties)
    for melding in meldingen.alle:
        assert (melding.blad, melding.cel, melding.kolom) == (BLAD, CEL, KOLOM)
    return code, [melding.tekst for melding in meldingen.alle]


def uit_de_lijst(waarde: object) -> str | list[str]:
    """The code the CBS list gives for a row with this code, or its messages."""
    inhoud = xlsx([("Gemeentecode", "Gemeentenaam", "Provincienaam"), (waarde, "A", "Utrecht")])
    try:
        return cbs.lees(inhoud)[0].cbs_code
    except CbsFout as fout:
        return fout.teksten


@pytest.mark.parametrize(("waarde", "verwacht"), CODES)
def test_one_reading_of_a_code_in_every_channel(db, waarde: object, verwacht: str) -> None:
    amsterdam = maak_gemeente(verwacht, "Amsterdam")

    assert lees_cbs_code(waarde) == verwacht
    assert lees(waarde) == (verwacht, [])
    assert uit_de_lijst(waarde) == verwacht
    if isinstance(waarde, str):
        assert op_code(waarde) is amsterdam


@pytest.mark.parametrize("waarde", GEEN_CODES)
def test_what_is_no_code_is_refused_in_every_channel(db, waarde: object) -> None:
    maak_gemeente("GM0363", "Amsterdam")

    assert lees_cbs_code(waarde) is None
    code, meldingen = lees(waarde)
    assert code is None
    assert len(meldingen) == 1
    assert meldingen[0].endswith(" is geen gemeentecode (zoals GM0363).")
    assert uit_de_lijst(waarde) == [f"Regel 2: {str(waarde)!r} is geen gemeentecode."]
    if isinstance(waarde, str):
        assert op_code(waarde) is None


def test_the_messages_of_a_cell() -> None:
    assert lees("GM03630") == (None, ['"GM03630" is geen gemeentecode (zoals GM0363).'])
    assert lees(363.5) == (None, ['"363,5" is geen gemeentecode (zoals GM0363).'])
    assert lees(True) == (None, ['"WAAR" is geen gemeentecode (zoals GM0363).'])
    assert lees(None) == (None, [])
    assert lees("  ", verplicht=True) == (None, ["Vul een gemeentecode in, zoals GM0363."])


def test_a_cell_is_read_without_zero_width_characters_and_names_an_invisible_one() -> None:
    assert lees("GM\u200b0363") == ("GM0363", [])
    assert lees("12\u200e34", verplicht=True) == (
        None,
        [
            '"1234" bevat een onzichtbaar teken (U+200E, left-to-right mark). Typ de waarde '
            "opnieuw in de cel, zonder te kopiëren en plakken."
        ],
    )
