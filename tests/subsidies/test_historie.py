"""A scheme's history: ceilings and purposes, old and new, readable and not editable."""

from __future__ import annotations

from decimal import Decimal

from kern.accounts.models import Rol
from subsidies import services
from tests.pagina import tekst
from tests.subsidies.factories import maak_regeling


def test_a_changed_ceiling_shows_old_and_new_on_the_schemes_history(db, login_as):
    regeling = maak_regeling(plafond=Decimal("5000000.00"))
    jaar = regeling.jaren[0]
    services.wijzig_plafond(jaar, Decimal("5500000.00"), jaar.versie)
    services.voeg_doel_toe(regeling, "nazorg", "Nazorg", "30")

    pagina = login_as(Rol.FINANCIEN).get(f"/versterkingsgelden/regelingen/{regeling.id}/historie")

    assert pagina.status_code == 200
    assert "plafond: €\xa05.000.000,00 → €\xa05.500.000,00" in tekst(pagina)
    assert "Bestedingsdoel" in tekst(pagina)
    assert "naam: — → Nazorg" in tekst(pagina)
    assert "<form" not in pagina.text.split("<main", 1)[1].split("</main>", 1)[0]
