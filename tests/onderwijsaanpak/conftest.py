"""Fixtures of the onderwijsaanpak's tests: the clock.

The municipalities (`amsterdam`, `rotterdam`), `db` and `login_as` come from `tests/conftest.py`;
the builders from `tests/onderwijsaanpak/factories.py`.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kern import tijd
from tests.onderwijsaanpak.factories import VANDAAG


@pytest.fixture(autouse=True)
def klok(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is `VANDAAG` (noon in Amsterdam), for the views and the rows they stamp."""
    moment = datetime(VANDAAG.year, VANDAAG.month, VANDAAG.day, 11, tzinfo=UTC)
    monkeypatch.setattr(tijd, "nu", lambda: moment)
