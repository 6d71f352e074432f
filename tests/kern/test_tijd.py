"""Today is the date in the Netherlands, whatever the server's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kern import tijd


@pytest.mark.parametrize(
    ("moment", "verwacht"),
    [
        (datetime(2016, 7, 15, 21, 59, tzinfo=UTC), date(2016, 7, 15)),  # summer: UTC+2
        (datetime(2016, 7, 15, 22, 0, tzinfo=UTC), date(2016, 7, 16)),
        (datetime(2016, 12, 31, 22, 59, tzinfo=UTC), date(2016, 12, 31)),  # winter: UTC+1
        (datetime(2016, 12, 31, 23, 0, tzinfo=UTC), date(2017, 1, 1)),
    ],
)
def test_today_is_the_date_in_amsterdam(monkeypatch, moment, verwacht):
    monkeypatch.setattr(tijd, "nu", lambda: moment)

    assert tijd.vandaag() == verwacht


def test_the_clock_is_aware_and_in_utc():
    assert tijd.nu().utcoffset() is not None
    assert tijd.nu().utcoffset().total_seconds() == 0
