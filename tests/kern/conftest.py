"""Fixtures of the kernel's tests: the world the permission matrix and the exports are tried in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from flask_sqlalchemy import SQLAlchemy

from gemeenten.models import Deelname, Gemeente, Programma
from kern.accounts.models import Gebruiker, Rol
from kern.uploads import Upload
from subsidies import bulkimport, excel_import, services
from subsidies.models import Beschikking, BetalingSoort, Regeling
from tests.gemeenten.factories import maak_deelname, maak_gemeente
from tests.kern.factories import maak_gebruiker
from tests.subsidies.factories import maak_beschikking, maak_regeling, maak_verantwoording


@dataclass
class TweeGemeenten:
    """Two municipalities with one of everything each, and an account per role; the
    municipality user is of the own one (Amsterdam), never to see the other (Rotterdam)."""

    eigen: Gemeente  # the municipality user's own municipality (A)
    andere: Gemeente  # another municipality (B), which that user must never see
    eigen_deelname: Deelname
    andere_deelname: Deelname
    regeling: Regeling
    eigen_beschikking: Beschikking
    andere_beschikking: Beschikking
    eigen_upload: Upload  # a return uploaded as Excel for the own decision
    andere_upload: Upload
    historische_import: Upload  # an officer's bulk import of the scheme
    gebruikers: dict[Rol, Gebruiker]
    doelwit: Gebruiker  # the account that views about "a user" act on


@pytest.fixture
def twee_gemeenten(db: SQLAlchemy) -> TweeGemeenten:
    eigen = maak_gemeente("GM0363", "Amsterdam", "Noord-Holland")
    andere = maak_gemeente("GM0599", "Rotterdam", "Zuid-Holland")
    regeling = maak_regeling()
    beschikkingen = {}
    for gemeente in (eigen, andere):
        beschikkingen[gemeente.id] = maak_beschikking(gemeente, regeling)
        services.plan_betaling(
            beschikkingen[gemeente.id],
            soort=BetalingSoort.VOORSCHOT,
            bedrag=Decimal("50000.00"),
            gepland_op=date(2015, 11, 1),
        )
        maak_verantwoording(beschikkingen[gemeente.id])
    # Each upload as a request of its own would keep it: after what came before is committed.
    uploads = {}
    for gemeente in (eigen, andere):
        db.session.commit()
        uploads[gemeente.id] = excel_import.ontvang(
            beschikkingen[gemeente.id],
            f"geen werkmap van {gemeente.naam}".encode(),
            bestandsnaam="verantwoording.xlsx",
            door="test",
        )[0]
    db.session.commit()
    historische_import = bulkimport.ontvang(
        regeling, bulkimport.sjabloon(regeling), bestandsnaam="leeg.xlsx", door="test"
    )[0]
    twee = TweeGemeenten(
        eigen=eigen,
        andere=andere,
        eigen_deelname=maak_deelname(eigen, Programma.ONDERWIJSAANPAK),
        andere_deelname=maak_deelname(andere, Programma.ONDERWIJSAANPAK),
        regeling=regeling,
        eigen_beschikking=beschikkingen[eigen.id],
        andere_beschikking=beschikkingen[andere.id],
        eigen_upload=uploads[eigen.id],
        andere_upload=uploads[andere.id],
        historische_import=historische_import,
        gebruikers={
            rol: maak_gebruiker(rol, gemeente=eigen if rol is Rol.GEMEENTE else None) for rol in Rol
        },
        doelwit=maak_gebruiker(Rol.FINANCIEN),
    )
    return twee
