"""Dutch time: the one clock for "today".

Deadlines, decision dates and planned payments are Dutch dates, so "today" is the date in
Amsterdam, not the server's: at 23:30 UTC on 15 July it is already 16 July here. Views ask
`vandaag()` and hand the date to the services, which never read the clock themselves; tests
fix the moment by replacing `nu`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TIJDZONE = ZoneInfo("Europe/Amsterdam")


def nu() -> datetime:
    """The current moment (aware, UTC); `kern.db.utcnow` stamps rows with it too."""
    return datetime.now(UTC)


def vandaag() -> date:
    """Today's date in the Netherlands."""
    return nu().astimezone(TIJDZONE).date()
