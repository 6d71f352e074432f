"""Fixtures of the versterkingsgelden's tests; the builders are in `tests/subsidies/factories.py`,
the municipalities and the officer in `tests/conftest.py`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy

from gemeenten.models import Gemeente
from kern import tijd
from kern.accounts.models import Gebruiker, Rol
from subsidies import services
from subsidies.models import Beschikking, Regeling
from tests.kern.factories import maak_gebruiker
from tests.subsidies.factories import maak_beschikking, maak_regeling


@pytest.fixture
def regeling(db: SQLAlchemy) -> Regeling:
    """The versterkingsgelden for 2015 with a ceiling of 1,000,000 and the standard purposes."""
    return maak_regeling(naam="Versterkingsgelden", jaar=2015, plafond=Decimal("1000000.00"))


@pytest.fixture
def regeling_2015_2016(
    regeling: Regeling, amsterdam: Gemeente, rotterdam: Gemeente, den_haag: Gemeente
) -> Regeling:
    """`regeling` with 2016 as well (ceiling 1,000,000), and Amsterdam, Rotterdam and Den Haag
    in the register: what the historical import's tests fill."""
    services.voeg_jaar_toe(regeling, 2016, Decimal("1000000.00"))
    return regeling


@pytest.fixture
def beschikking(regeling: Regeling, amsterdam: Gemeente) -> Beschikking:
    """Amsterdam's grant of 100,000 under `regeling`, decided as VG-1."""
    return maak_beschikking(amsterdam, regeling, Decimal("100000.00"), kenmerk="VG-1")


@pytest.fixture
def beschikking_920000(amsterdam: Gemeente) -> Beschikking:
    """Amsterdam's grant of 2015 as announced: 920,000, decided as VG-2015-001, in a scheme of
    its own (ceiling 5,000,000). The Excel tests' decision."""
    return maak_beschikking(amsterdam, maak_regeling(), Decimal("920000.00"), kenmerk="VG-2015-001")


@pytest.fixture
def klerk(login_as: Callable[..., FlaskClient], amsterdam: Gemeente) -> FlaskClient:
    """A browser signed in as klerk@amsterdam.nl, a municipality user of Amsterdam."""
    return login_as(maak_gebruiker(Rol.GEMEENTE, amsterdam, email="klerk@amsterdam.nl"))


@dataclass
class Wereld:
    """Two decided grants of one scheme and the people who act on them."""

    amsterdam: Gemeente
    rotterdam: Gemeente
    regeling: Regeling  # 2015, ceiling 5,000,000
    eigen: Beschikking  # Amsterdam's, granted 100,000
    andere: Beschikking  # Rotterdam's, granted 200,000
    gebruiker: Gebruiker  # a municipality user of Amsterdam
    beleidsmedewerker: Gebruiker
    medewerker_financien: Gebruiker


@pytest.fixture
def wereld(amsterdam: Gemeente, rotterdam: Gemeente) -> Wereld:
    regeling = maak_regeling()
    return Wereld(
        amsterdam=amsterdam,
        rotterdam=rotterdam,
        regeling=regeling,
        eigen=maak_beschikking(amsterdam, regeling, Decimal("100000.00")),
        andere=maak_beschikking(rotterdam, regeling, Decimal("200000.00")),
        gebruiker=maak_gebruiker(Rol.GEMEENTE, gemeente=amsterdam),
        beleidsmedewerker=maak_gebruiker(Rol.BELEIDSMEDEWERKER),
        medewerker_financien=maak_gebruiker(Rol.FINANCIEN),
    )


@pytest.fixture
def op_1_juni_2016(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is 1 June 2016: the demo's advances were planned for 1 April 2016, its clawback
    for 2 November 2016."""
    monkeypatch.setattr(tijd, "nu", lambda: datetime(2016, 6, 1, 10, 0, tzinfo=UTC))
