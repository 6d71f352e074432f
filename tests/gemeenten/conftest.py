"""Fixtures of the register's tests; the municipalities themselves are in `tests/conftest.py`."""

from __future__ import annotations

from datetime import date

import pytest
from flask_sqlalchemy import SQLAlchemy

from gemeenten.models import Gemeente
from tests.gemeenten.factories import maak_gemeente


@pytest.fixture
def fusie(db: SQLAlchemy) -> tuple[Gemeente, Gemeente]:
    """Aalburg went into Altena on 1 January 2019: (Aalburg, Altena)."""
    altena = maak_gemeente("GM1959", "Altena", "Noord-Brabant")
    altena.geldig_van = date(2019, 1, 1)
    aalburg = maak_gemeente("GM0738", "Aalburg", "Noord-Brabant")
    aalburg.geldig_tot = date(2018, 12, 31)
    aalburg.opvolger = altena
    db.session.flush()
    return aalburg, altena
