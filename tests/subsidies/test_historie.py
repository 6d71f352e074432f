"""A scheme's history: ceilings and purposes, old and new, readable and not editable."""

from __future__ import annotations

from decimal import Decimal

from kern.accounts.models import Rol
from subsidies import services
from tests.kern.factories import maak_gebruiker
from tests.subsidies.factories import maak_regeling


def test_a_changed_ceiling_shows_old_and_new_on_the_schemes_history(app, db, login):
    regeling = maak_regeling(plafond=Decimal("5000000.00"))
    jaar = regeling.jaren[0]
    services.wijzig_plafond(jaar, Decimal("5500000.00"), jaar.versie)
    services.voeg_doel_toe(regeling, "nazorg", "Nazorg", "30")
    financien = maak_gebruiker(Rol.FINANCIEN)
    db.session.commit()

    pagina = login(financien).get(f"/versterkingsgelden/regelingen/{regeling.id}/historie")

    tekst = pagina.get_data(as_text=True).replace("\xa0", " ")
    assert pagina.status_code == 200
    assert "plafond: € 5.000.000,00 → € 5.500.000,00" in tekst
    assert "Bestedingsdoel" in tekst
    assert "naam: — → Nazorg" in tekst
    assert "<form" not in tekst.split("<main", 1)[1].split("</main>", 1)[0]
