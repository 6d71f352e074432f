"""Money, dates and moments as a Dutch reader expects them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import render_template_string

from kern.formatting import datum, datumtijd, geld, getal


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
