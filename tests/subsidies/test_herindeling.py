"""After a merger the successor takes over its predecessors' grants and history."""

from __future__ import annotations

from datetime import date

from kern.accounts.models import Rol
from tests.gemeenten.factories import maak_gemeente
from tests.pagina import tekst
from tests.subsidies.factories import maak_beschikking


def test_the_successors_user_sees_the_predecessors_decision_but_not_the_reverse(db, login_as):
    haaren = maak_gemeente("GM0788", "Haaren", "Noord-Brabant")
    tilburg = maak_gemeente("GM0855", "Tilburg", "Noord-Brabant")
    vught = maak_gemeente("GM0865", "Vught", "Noord-Brabant")
    beschikking = maak_beschikking(haaren)
    haaren.geldig_tot = date(2020, 12, 31)
    haaren.opvolger = tilburg

    tilburg_client = login_as(Rol.GEMEENTE, gemeente=tilburg)
    assert (
        tilburg_client.get(f"/versterkingsgelden/beschikkingen/{beschikking.id}").status_code == 200
    )
    pagina = tilburg_client.get("/gemeenten/GM0788")
    assert pagina.status_code == 200
    assert "Tilburg" in tekst(pagina)  # "opgegaan in Tilburg"

    vught_client = login_as(Rol.GEMEENTE, gemeente=vught)
    assert (
        vught_client.get(f"/versterkingsgelden/beschikkingen/{beschikking.id}").status_code == 404
    )
    assert vught_client.get("/gemeenten/GM0788").status_code == 404
