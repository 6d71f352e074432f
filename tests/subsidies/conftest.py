"""Fixtures of the versterkingsgelden's tests; the builders are in `tests/subsidies/factories.py`,
the municipalities and the officer in `tests/conftest.py`."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_sqlalchemy import SQLAlchemy

from subsidies.models import Regeling
from tests.subsidies.factories import maak_regeling


@pytest.fixture
def regeling(db: SQLAlchemy) -> Regeling:
    """The versterkingsgelden for 2015 with a ceiling of 1,000,000 and the standard purposes."""
    return maak_regeling(naam="Versterkingsgelden", jaar=2015, plafond=Decimal("1000000.00"))
