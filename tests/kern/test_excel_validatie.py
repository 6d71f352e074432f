"""Cell values as a spreadsheet reader gives them, turned into typed values or Dutch messages."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from kern.excel.cellen import (
    bedrag,
    datum,
    geheel_getal,
    ja_nee,
    tekst,
)
from kern.meldingen import Ernst, Melding, Meldingen

BLAD, CEL, KOLOM = "Verantwoording", "C7", "Besteed in 2015"


def lees(omzetter, waarde, **opties):
    """(value, the messages' texts) for one cell."""
    meldingen = Meldingen()
    resultaat = omzetter(waarde, meldingen, BLAD, CEL, KOLOM, **opties)
    for melding in meldingen.alle:
        assert (melding.blad, melding.cel, melding.kolom) == (BLAD, CEL, KOLOM)
    return resultaat, [melding.tekst for melding in meldingen.alle]


# --- bedrag ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("waarde", "verwacht"),
    [
        ("€ 1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("  1234,56 ", "1234.56"),
        ("1.234", "1234.00"),
        ("0", "0.00"),
        (1234, "1234.00"),
        (0, "0.00"),
        (1234.56, "1234.56"),
        (1234.0, "1234.00"),
        (0.1 + 0.2, "0.30"),  # =0,1+0,2 in a cell
        (0.3 - 0.1 - 0.2, "0.00"),  # -2.8e-17: noise around nothing, not a negative amount
        (-0.0, "0.00"),
        (1234.56 * 3, "3703.68"),  # 3703.6800000000003
        (sum([0.1] * 10), "1.00"),  # 0.9999999999999999
        (999999999999.99, "999999999999.99"),
        (Decimal("12.5"), "12.50"),
    ],
)
def test_amounts_as_the_cell_holds_them(waarde, verwacht):
    resultaat, meldingen = lees(bedrag, waarde)
    assert meldingen == []
    assert resultaat == Decimal(verwacht)
    assert str(resultaat) == verwacht


@pytest.mark.parametrize(
    ("waarde", "melding"),
    [
        ("1.234,5x", '"1.234,5x" is geen bedrag.'),
        ("12,345", '"12,345" heeft meer dan twee decimalen.'),
        ("1234,567", '"1234,567" heeft meer dan twee decimalen.'),
        (1234.567, '"1234,567" heeft meer dan twee decimalen.'),
        (1234.565, '"1234,565" heeft meer dan twee decimalen.'),
        (0.001, '"0,001" heeft meer dan twee decimalen.'),
        (999999999.125, '"999999999,125" heeft meer dan twee decimalen.'),
        (1e20, '"100000000000000000000" is groter dan het hoogst mogelijke bedrag.'),
        (10**13, '"10000000000000" is groter dan het hoogst mogelijke bedrag.'),
        (1e30, '"1000000000000000000000000000000" is groter dan het hoogst mogelijke bedrag.'),
        (10**40, '"' + "1" + "0" * 40 + '" is groter dan het hoogst mogelijke bedrag.'),
        ("9" * 40, '"' + "9" * 40 + '" is groter dan het hoogst mogelijke bedrag.'),
        (1e300, '"1' + "0" * 48 + '…" is groter dan het hoogst mogelijke bedrag.'),
        (-5, '"-5" is negatief; een bedrag is nul of meer.'),
        (-5.5, '"-5,5" is negatief; een bedrag is nul of meer.'),
        ("-5", '"-5" is negatief; een bedrag is nul of meer.'),
        (True, '"WAAR" is geen bedrag.'),
        (False, '"ONWAAR" is geen bedrag.'),
        (datetime(2016, 7, 15), '"15-07-2016" is geen bedrag.'),
        (datetime(2016, 7, 15, 9, 30), '"15-07-2016 09:30" is geen bedrag.'),
        (date(2016, 7, 15), '"15-07-2016" is geen bedrag.'),
        (time(9, 30), '"09:30" is geen bedrag.'),
        (timedelta(hours=30, minutes=5), '"30:05" is geen bedrag.'),
        (float("nan"), '"nan" is geen bedrag.'),
        (float("inf"), '"inf" is geen bedrag.'),
        ("#DEEL/0!", '"#DEEL/0!" is geen bedrag.'),
        ("x" * 80, '"' + "x" * 49 + '…" is geen bedrag.'),
    ],
)
def test_unusable_amounts_give_one_message_quoting_what_the_user_sees(waarde, melding):
    assert lees(bedrag, waarde) == (None, [melding])


@pytest.mark.parametrize("leeg", [None, "", "  ", "\t"])
def test_a_blank_amount_is_none_and_only_a_message_when_required(leeg):
    assert lees(bedrag, leeg) == (None, [])
    assert lees(bedrag, leeg, verplicht=True) == (None, ["Vul een bedrag in."])


def test_a_negative_amount_where_allowed():
    assert lees(bedrag, -5.5, negatief_toegestaan=True) == (Decimal("-5.50"), [])


# --- ja_nee ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("waarde", "verwacht"),
    [
        ("ja", True),
        ("Ja", True),
        (" JA ", True),
        ("j", True),
        ("nee", False),
        ("Nee ", False),
        ("N", False),
        (True, True),
        (False, False),
    ],
)
def test_yes_and_no(waarde, verwacht):
    assert lees(ja_nee, waarde) == (verwacht, [])


@pytest.mark.parametrize(
    ("waarde", "melding"),
    [
        ("misschien", '"misschien" is geen ja of nee.'),
        (" jawel ", '"jawel" is geen ja of nee.'),
        (1, '"1" is geen ja of nee.'),
        (0.0, '"0" is geen ja of nee.'),
        (date(2016, 1, 2), '"02-01-2016" is geen ja of nee.'),
    ],
)
def test_anything_else_is_not_yes_or_no(waarde, melding):
    assert lees(ja_nee, waarde) == (None, [melding])


def test_yes_or_no_required():
    assert lees(ja_nee, " ", verplicht=True) == (None, ["Kies ja of nee."])
    assert lees(ja_nee, None) == (None, [])


# --- tekst ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("waarde", "verwacht"),
    [
        ("  Preventie op scholen \n", "Preventie op scholen"),
        ("regel 1\nregel 2", "regel 1\nregel 2"),
        (12, "12"),
        (12.0, "12"),
        (12.5, "12,5"),
        (True, "WAAR"),
        (datetime(2016, 7, 15), "15-07-2016"),
        ("=1+1", "=1+1"),
        (None, None),
        ("   ", None),
    ],
)
def test_text_as_the_user_sees_it(waarde, verwacht):
    assert lees(tekst, waarde) == (verwacht, [])


def test_text_that_is_too_long():
    assert lees(tekst, "a" * 1001, max_lengte=1000) == (
        None,
        ["De tekst is te lang: 1.001 tekens, het maximum is 1.000 tekens."],
    )
    assert lees(tekst, " " + "a" * 1000 + " ", max_lengte=1000) == ("a" * 1000, [])


def test_text_required():
    assert lees(tekst, "", verplicht=True) == (None, ["Vul dit in."])


# --- geheel_getal ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("waarde", "verwacht"),
    [(2015, 2015), (2015.0, 2015), ("2015", 2015), (" 2015 ", 2015), ("-3", -3), (0, 0)],
)
def test_whole_numbers(waarde, verwacht):
    assert lees(geheel_getal, waarde) == (verwacht, [])


@pytest.mark.parametrize(
    ("waarde", "melding"),
    [
        (2015.5, '"2015,5" is geen geheel getal.'),
        ("2015,5", '"2015,5" is geen geheel getal.'),
        ("2.015", '"2.015" is geen geheel getal.'),
        ("twintig", '"twintig" is geen geheel getal.'),
        ("1_000", '"1_000" is geen geheel getal.'),
        ("٢٠١٥", '"٢٠١٥" is geen geheel getal.'),  # Arabic-Indic digits: int() would take them
        (True, '"WAAR" is geen geheel getal.'),
        (float("inf"), '"inf" is geen geheel getal.'),
        (datetime(2015, 1, 1), '"01-01-2015" is geen geheel getal.'),
    ],
)
def test_not_whole_numbers(waarde, melding):
    assert lees(geheel_getal, waarde) == (None, [melding])


@pytest.mark.parametrize(
    ("grenzen", "waarde", "melding"),
    [
        ({"minimum": 2015, "maximum": 2030}, 2014, '"2014" moet tussen 2015 en 2030 liggen.'),
        ({"minimum": 2015, "maximum": 2030}, 2031.0, '"2031" moet tussen 2015 en 2030 liggen.'),
        ({"minimum": 0}, "-1", '"-1" moet 0 of meer zijn.'),
        ({"maximum": 100}, 101, '"101" moet 100 of minder zijn.'),
    ],
)
def test_whole_numbers_out_of_range(grenzen, waarde, melding):
    assert lees(geheel_getal, waarde, **grenzen) == (None, [melding])


def test_whole_numbers_on_the_bounds():
    assert lees(geheel_getal, 2015, minimum=2015, maximum=2030) == (2015, [])
    assert lees(geheel_getal, "2030", minimum=2015, maximum=2030) == (2030, [])
    assert lees(geheel_getal, None, verplicht=True) == (None, ["Vul een getal in."])


# --- datum ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("waarde", "verwacht"),
    [
        (date(2016, 7, 15), date(2016, 7, 15)),
        (datetime(2016, 7, 15), date(2016, 7, 15)),
        (datetime(2016, 7, 15, 23, 59), date(2016, 7, 15)),
        ("15-07-2016", date(2016, 7, 15)),
        ("15-7-2016", date(2016, 7, 15)),
        ("15/07/2016", date(2016, 7, 15)),
        ("15.07.2016", date(2016, 7, 15)),
        (" 2016-07-15 ", date(2016, 7, 15)),
        ("29-02-2016", date(2016, 2, 29)),
        ("01-01-2000", date(2000, 1, 1)),
        ("31-12-2100", date(2100, 12, 31)),
    ],
)
def test_dates(waarde, verwacht):
    assert lees(datum, waarde) == (verwacht, [])


@pytest.mark.parametrize(
    ("waarde", "melding"),
    [
        ("31-02-2016", '"31-02-2016" is geen datum.'),
        ("29-02-2015", '"29-02-2015" is geen datum.'),
        ("07/15/2016", '"07/15/2016" is geen datum.'),  # American: month 15
        ("15-07-16", '"15-07-16" is geen datum.'),
        ("15 juli 2016", '"15 juli 2016" is geen datum.'),
        (42566, '"42566" is geen datum.'),
        (True, '"WAAR" is geen datum.'),
        ("31-12-1999", '"31-12-1999" ligt niet tussen 1-1-2000 en 31-12-2100.'),
        (date(2101, 1, 1), '"01-01-2101" ligt niet tussen 1-1-2000 en 31-12-2100.'),
    ],
)
def test_not_dates(waarde, melding):
    assert lees(datum, waarde) == (None, [melding])


def test_date_required():
    assert lees(datum, "", verplicht=True) == (None, ["Vul een datum in."])


# --- Melding and Meldingen ------------------------------------------------------------------


def test_where_a_message_is_and_how_it_reads():
    melding = Melding(BLAD, "C7", KOLOM, '"1.234,5x" is geen bedrag.')
    assert melding.plek == "Verantwoording!C7"
    assert str(melding) == 'Verantwoording!C7: "1.234,5x" is geen bedrag.'
    assert Melding(BLAD, "", "", "Er ontbreekt een regel.").plek == "Verantwoording"
    heel = Melding("", "", "", "Het bestand is leeg.")
    assert heel.plek == ""
    assert str(heel) == "Het bestand is leeg."


def test_a_message_survives_json():
    melding = Melding(BLAD, "E14:F14", KOLOM, "Meer besteed.", Ernst.WAARSCHUWING)
    gegevens = json.loads(json.dumps(melding.als_dict()))
    assert gegevens == {
        "blad": BLAD,
        "cel": "E14:F14",
        "kolom": KOLOM,
        "tekst": "Meer besteed.",
        "ernst": "waarschuwing",
    }
    assert Melding.van_dict(gegevens) == melding
    assert Melding.van_dict({"tekst": "Leeg."}) == Melding("", "", "", "Leeg.", Ernst.FOUT)


def test_every_problem_is_collected_not_just_the_first():
    meldingen = Meldingen()
    rijen = [(14, "12,50", "ja"), (15, "1.234,5x", "misschien"), (16, -3, "nee")]
    gelezen = [
        (
            bedrag(b, meldingen, BLAD, f"E{rij}", "Besteed"),
            ja_nee(j, meldingen, BLAD, f"G{rij}", "Klaar"),
        )
        for rij, b, j in rijen
    ]
    meldingen.waarschuwing(BLAD, "E14", "Meer besteed dan toegekend.", "Besteed")

    assert gelezen == [(Decimal("12.50"), True), (None, None), (None, False)]
    assert meldingen.heeft_fouten
    assert [str(m) for m in meldingen.fouten] == [
        'Verantwoording!E15: "1.234,5x" is geen bedrag.',
        'Verantwoording!G15: "misschien" is geen ja of nee.',
        'Verantwoording!E16: "-3" is negatief; een bedrag is nul of meer.',
    ]
    assert [str(m) for m in meldingen.waarschuwingen] == [
        "Verantwoording!E14: Meer besteed dan toegekend."
    ]
    assert [m.ernst for m in meldingen.alle] == [Ernst.FOUT] * 3 + [Ernst.WAARSCHUWING]
    assert (meldingen.aantal_fouten, meldingen.aantal_waarschuwingen) == (3, 1)


def test_only_warnings_are_no_errors():
    meldingen = Meldingen()
    assert not meldingen.heeft_fouten
    meldingen.waarschuwing(BLAD, "A1", "Let op.")
    assert not meldingen.heeft_fouten
    assert meldingen.fouten == []


def test_a_flood_of_messages_is_capped_and_counted_exactly():
    meldingen = Meldingen()
    for rij in range(1, 100_001):
        bedrag("x", meldingen, BLAD, f"E{rij}")
    for rij in range(1, 4):
        meldingen.waarschuwing(BLAD, f"F{rij}", "Let op.")

    assert (meldingen.aantal_fouten, meldingen.aantal_waarschuwingen) == (100_000, 3)
    alle = meldingen.alle
    assert len(alle) == 1_001
    assert str(alle[999]) == 'Verantwoording!E1000: "x" is geen bedrag.'
    assert alle[-1] == Melding(
        "",
        "",
        "",
        "En nog 99.000 fouten en 3 waarschuwingen die hier niet worden getoond.",
        Ernst.FOUT,
    )
    assert len(meldingen.fouten) == 1_001
    assert meldingen.fouten[-1].tekst == "En nog 99.000 fouten die hier niet worden getoond."
    assert [m.tekst for m in meldingen.waarschuwingen] == [
        "En nog 3 waarschuwingen die hier niet worden getoond."
    ]


def test_the_summary_of_left_out_warnings_is_a_warning():
    meldingen = Meldingen(maximum=1)
    meldingen.fout("", "", "Eén fout.")
    meldingen.waarschuwing(BLAD, "A1", "Let op.")

    assert meldingen.fouten == [Melding("", "", "", "Eén fout.")]
    assert meldingen.alle[-1] == Melding(
        "",
        "",
        "",
        "En nog 1 waarschuwing die hier niet wordt getoond.",
        Ernst.WAARSCHUWING,
    )
