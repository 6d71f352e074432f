"""The whole grant cycle through the web forms, as the officer and the municipality click it.

Forms are read from the pages and sent with their CSRF token and version fields, as a browser
would: a scheme, the nine decisions of 2015 (Gouda without an amount), an advance, a return by
the municipality, approval, settlement with the clawback.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from kern.accounts.models import Rol
from subsidies.models import (
    Beschikking,
    BeschikkingStatus,
    Betaling,
    BetalingSoort,
    Regeling,
    Verantwoording,
    VerantwoordingStatus,
)
from tests.formulieren import verstuur, verstuur_antwoord
from tests.gemeenten.factories import maak_gemeente
from tests.pagina import tekst

pytestmark = pytest.mark.csrf

TOEGEKEND_2015 = [
    ("GM0518", "'s-Gravenhage", "Zuid-Holland", "950.000"),
    ("GM0363", "Amsterdam", "Noord-Holland", "920.000"),
    ("GM0344", "Utrecht", "Utrecht", "683.000"),
    ("GM0599", "Rotterdam", "Zuid-Holland", "665.000"),
    ("GM0503", "Delft", "Zuid-Holland", "535.000"),
    ("GM0202", "Arnhem", "Gelderland", "400.000"),
    ("GM0637", "Zoetermeer", "Zuid-Holland", "167.000"),
    ("GM0406", "Huizen", "Noord-Holland", "157.000"),
    ("GM0513", "Gouda", "Zuid-Holland", ""),  # nog vast te stellen
]


def test_from_scheme_to_clawback_through_the_forms(db, officier, financien, login_as):
    gemeenten = {
        code: maak_gemeente(code, naam, provincie) for code, naam, provincie, _ in TOEGEKEND_2015
    }
    amsterdammer = login_as(Rol.GEMEENTE, gemeente=gemeenten["GM0363"])

    # The officer creates the scheme with its first year and ceiling.
    antwoord = verstuur(
        officier,
        "/versterkingsgelden/regelingen/nieuw",
        "/regelingen/nieuw",
        naam="Versterkingsgelden",
        grondslag="Kaderwet SZW-subsidies",
        kamerstuk="29 754, nr. 326",
        jaar="2015",
        plafond="5.000.000",
    )
    assert antwoord.status_code == 302
    regeling = db.session.execute(select(Regeling)).scalar_one()
    jaar_id = regeling.jaren[0].id

    # The nine decisions of 2015, decided with a decision number and date.
    for code, _, _, bedrag in TOEGEKEND_2015:
        antwoord = verstuur(
            officier,
            f"/versterkingsgelden/jaren/{jaar_id}/beschikkingen/nieuw",
            "/beschikkingen/nieuw",
            gemeente_id=str(gemeenten[code].id),
            bedrag=bedrag,
        )
        assert antwoord.status_code == 302, tekst(antwoord)
        beschikking_url = antwoord.location
        antwoord = verstuur(
            officier, beschikking_url, "/beschikken", kenmerk=f"VG-2015-{code}", datum="2015-10-01"
        )
        assert antwoord.status_code == 302, tekst(antwoord)

    jaarpagina = tekst(officier.get(f"/versterkingsgelden/jaren/{jaar_id}"))
    assert "€\xa04.477.000,00" in jaarpagina
    overzicht = tekst(officier.get(f"/versterkingsgelden/jaren/{jaar_id}/overzicht"))
    assert "€\xa04.477.000,00" in overzicht
    gouda = db.session.execute(
        select(Beschikking).where(Beschikking.gemeente_id == gemeenten["GM0513"].id)
    ).scalar_one()
    assert (gouda.status, gouda.bedrag) == (BeschikkingStatus.BESCHIKT, None)

    # An advance for Amsterdam: planned by the officer, then registered as paid by finance.
    beschikking = db.session.execute(
        select(Beschikking).where(Beschikking.gemeente_id == gemeenten["GM0363"].id)
    ).scalar_one()
    pagina = f"/versterkingsgelden/beschikkingen/{beschikking.id}"
    antwoord = verstuur(
        officier,
        pagina,
        "/betalingen",
        soort="voorschot",
        bedrag="736.000,00",
        gepland_op="2015-11-01",
    )
    assert antwoord.status_code == 302, tekst(antwoord)
    betaling = db.session.execute(select(Betaling)).scalar_one()
    registreren = f"/versterkingsgelden/betalingen/{betaling.id}/betaald"
    assert f'href="{registreren}"' not in officier.get(pagina).text
    assert f'href="{registreren}"' in financien.get(pagina).text
    controle = verstuur(financien, registreren, registreren, betaald_op="2015-11-02")
    assert controle.status_code == 200, tekst(controle)
    assert "Dit wordt vastgelegd" in tekst(controle)
    antwoord = verstuur_antwoord(financien, controle, registreren, registreren)
    assert antwoord.status_code == 302, tekst(antwoord)

    # Amsterdam returns its final spending: less than it received.
    doelen = regeling.doelen
    invoer = {f"in_jaar_{d.id}": "0" for d in doelen} | {f"cumulatief_{d.id}": "0" for d in doelen}
    invoer |= {f"in_jaar_{doelen[0].id}": "300.000,00", f"cumulatief_{doelen[0].id}": "300.000,00"}
    invoer |= {f"in_jaar_{doelen[2].id}": "200.000,00", f"cumulatief_{doelen[2].id}": "200.000,00"}
    antwoord = verstuur(
        amsterdammer,
        f"{pagina}/verantwoording",
        "/verantwoording",
        eindverantwoording="ja",
        toelichting="Minder casussen dan verwacht.",
        **invoer,
    )
    assert antwoord.status_code == 302, tekst(antwoord)
    verantwoording = db.session.execute(select(Verantwoording)).scalar_one()
    assert "Ingediend" in tekst(
        amsterdammer.get(f"/versterkingsgelden/verantwoordingen/{verantwoording.id}")
    )

    # The officer approves it and settles: 500.000 eligible, 736.000 paid.
    antwoord = verstuur(
        officier, f"/versterkingsgelden/verantwoordingen/{verantwoording.id}", "/goedkeuren"
    )
    assert antwoord.status_code == 302, tekst(antwoord)
    voorstel = tekst(officier.get(f"{pagina}/vaststellen"))
    assert "Terugvordering €\xa0236.000,00" in voorstel
    antwoord = verstuur(
        officier, f"{pagina}/vaststellen", "/vaststellen", datum="2016-09-01", bevestig="y"
    )
    assert antwoord.status_code == 302, tekst(antwoord)

    assert beschikking.status is BeschikkingStatus.VASTGESTELD
    assert beschikking.vaststelling.vastgesteld_bedrag == Decimal("500000.00")
    assert beschikking.vaststelling.saldo == Decimal("-236000.00")
    assert beschikking.verantwoordingen[0].status is VerantwoordingStatus.GOEDGEKEURD
    terug = [b for b in beschikking.betalingen if b.soort is BetalingSoort.TERUGVORDERING]
    assert [(b.bedrag, b.betaald_op) for b in terug] == [(Decimal("236000.00"), None)]

    # The municipality sees the result on its own page.
    eigen = tekst(amsterdammer.get("/gemeenten/GM0363"))
    assert "€\xa0500.000,00" in eigen
    assert "Vastgesteld" in eigen
