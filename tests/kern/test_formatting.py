"""Money, dates and moments as a Dutch reader expects them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from flask import render_template_string
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kern.formatting import datum, datumtijd, geld, getal, maand
from kern.tijd import TIJDZONE


def test_money_has_the_euro_sign_a_dot_for_thousands_and_a_comma_for_cents():
    assert geld(Decimal("1234.56")) == "€\xa01.234,56"


def test_negative_money_keeps_its_minus_sign():
    assert geld(Decimal("-1234.56")) == "€\xa0-1.234,56"


def test_whole_euros_are_shown_with_cents():
    assert geld(950_000) == "€\xa0950.000,00"


def test_money_not_yet_set_is_a_dash():
    assert geld(None) == "—"
    assert geld(None, leeg="nog vast te stellen") == "nog vast te stellen"


def test_money_as_float_is_refused():
    with pytest.raises(TypeError, match="Decimal"):
        geld(1234.56)  # type: ignore[arg-type]


def test_numbers_use_a_dot_for_thousands():
    assert getal(4_477_000) == "4.477.000"
    assert getal(None) == "—"


def test_a_date_is_written_out_in_dutch():
    assert datum(date(2015, 11, 9)) == "9 november 2015"
    assert datum(None) == "—"


def test_the_date_of_a_moment_is_the_dutch_calendar_day():
    # 23:30 UTC on 8 November is already 9 November in Amsterdam.
    assert datum(datetime(2015, 11, 8, 23, 30, tzinfo=UTC)) == "9 november 2015"


@pytest.mark.parametrize(
    ("utc", "amsterdam"),
    [
        pytest.param(datetime(2015, 7, 1, 12, 0, tzinfo=UTC), "1 juli 2015 14:00", id="summer"),
        pytest.param(
            datetime(2015, 11, 9, 12, 5, tzinfo=UTC), "9 november 2015 13:05", id="winter"
        ),
    ],
)
def test_a_moment_is_shown_in_amsterdam_time(utc, amsterdam):
    assert datumtijd(utc) == amsterdam


def test_a_missing_moment_shows_a_dash():
    assert datumtijd(None, leeg="nooit") == "nooit"


def test_templates_use_the_same_filters(app):
    with app.app_context():
        html = render_template_string(
            "{{ bedrag | geld }} op {{ dag | datum }} om {{ moment | datumtijd }}",
            bedrag=Decimal("950000"),
            dag=date(2015, 9, 1),
            moment=datetime(2015, 9, 1, 8, 0, tzinfo=UTC),
        )
    assert html == "€\xa0950.000,00 op 1 september 2015 om 1 september 2015 10:00"


# --- The formatter built once says exactly what Babel says ----------------------------------

BABEL = "nl_NL"
CENTEN = st.decimals(
    min_value=Decimal("-999999999999.99"),
    max_value=Decimal("999999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


def uitkomst(functie, *args, **kwargs) -> tuple[str, object]:
    """What a call gives: its text, or the kind of error it raises."""
    try:
        return "tekst", functie(*args, **kwargs)
    except Exception as fout:  # compared, not swallowed
        return "fout", type(fout)


@settings(max_examples=2000, deadline=None)
@given(CENTEN)
def test_money_with_cents_is_written_as_babel_writes_it(bedrag):
    assert geld(bedrag) == format_currency(bedrag, "EUR", locale=BABEL)


@settings(max_examples=500, deadline=None)
@given(
    st.integers(min_value=0, max_value=6).flatmap(
        lambda plaatsen: st.decimals(
            min_value=-(10**15), max_value=10**15, places=plaatsen, allow_nan=False
        )
    )
    | st.decimals(allow_nan=False, allow_infinity=False)
)
def test_money_of_any_precision_is_rounded_as_babel_rounds_it(bedrag):
    """Beyond what a Decimal context holds (28 digits) Babel gives up; the formatter does not."""
    soort, babel = uitkomst(format_currency, bedrag, "EUR", locale=BABEL)
    assume(soort == "tekst")
    assert geld(bedrag) == babel


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_whole_euros_and_numbers_are_written_as_babel_writes_them(waarde):
    assert geld(waarde) == format_currency(waarde, "EUR", locale=BABEL)
    assert getal(waarde) == format_decimal(waarde, locale=BABEL)


@pytest.mark.parametrize(
    "bedrag",
    [
        "0",
        "-0",
        "0.00",
        "-0.00",
        "-0.001",
        "0.005",
        "0.015",
        "0.025",
        "-0.005",
        "999.995",
        "1E+3",
        "1.5E-10",
        "12345678901234567890.125",
        "-1000000",
        "0.1",
    ],
)
def test_the_edges_of_rounding_and_zero_are_babels(bedrag):
    assert geld(Decimal(bedrag)) == format_currency(Decimal(bedrag), "EUR", locale=BABEL)


@settings(max_examples=500, deadline=None)
@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_dates_and_months_are_written_as_babel_writes_them(dag):
    assert datum(dag) == format_date(dag, "d MMMM y", locale=BABEL)
    assert maand(dag) == format_date(dag, "MMMM y", locale=BABEL)


@settings(max_examples=500, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1900, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from([UTC, TIJDZONE, None]),
    )
)
def test_moments_are_written_as_babel_writes_them(moment):
    assert datumtijd(moment) == format_datetime(
        moment, "d MMMM y HH:mm", tzinfo=TIJDZONE, locale=BABEL
    )
    if moment.tzinfo is not None:
        assert datum(moment) == format_date(
            moment.astimezone(TIJDZONE).date(), "d MMMM y", locale=BABEL
        )
