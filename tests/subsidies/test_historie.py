"""A scheme's history: ceilings and purposes, old and new, readable and not editable."""

from __future__ import annotations

from decimal import Decimal

from kern import paginering
from kern.accounts.models import Rol
from subsidies import services
from tests.pagina import tekst
from tests.subsidies.factories import maak_beschikking, maak_betaling, maak_regeling


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


def test_a_long_trail_comes_a_page_at_a_time_and_names_what_it_shows(
    db, officier, amsterdam, monkeypatch
):
    monkeypatch.setattr(paginering, "PER_PAGINA", 2)
    beschikking = maak_beschikking(amsterdam)  # made, then decided: two entries
    betaling = maak_betaling(beschikking, "1000.00")  # planned, then paid: two more
    adres = f"/versterkingsgelden/beschikkingen/{beschikking.id}/historie"

    eerste, tweede = officier.get(adres), officier.get(f"{adres}?pagina=2")

    assert "Wijzigingen, nieuwste eerst (1–2 van 4)" in tekst(eerste)
    # The payment's entries name it from the entry that made it, on this page or not.
    assert tekst(eerste).count(f"Betaling (voorschot) (nr. {betaling.id})") == 2
    assert "betaald op: — → 2 november 2015" in tekst(eerste)
    assert f"Beschikking (nr. {beschikking.id})" in tekst(tweede)
    assert "Betaling (voorschot)" not in tekst(tweede)
    assert officier.get(f"{adres}?pagina=3").status_code == 404
