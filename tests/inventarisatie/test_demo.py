"""The demo needs inventory: the 2015 quickscan of 49 municipalities and an open follow-up of
2017, labelled as demo data, loaded idempotently; the demo municipality user answers."""

from __future__ import annotations

from sqlalchemy import func, select

from gemeenten.inventarisatie import services
from gemeenten.inventarisatie.demo import DELEN, KWIKSCAN, VERVOLG
from gemeenten.inventarisatie.models import Antwoord, Deelnemer, Inventarisatie, Thema
from kern.accounts.models import Rol
from kern.audit import AuditRegel
from tests.aanmelden import meld_aan
from tests.pagina import tekst, versie_in


def laden(runner) -> str:
    resultaat = runner.invoke(args=["demo", "laden"])
    assert resultaat.exit_code == 0, resultaat.output
    return resultaat.output


def aantallen(db) -> dict[str, int]:
    return {
        model.__name__: db.session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (Inventarisatie, Thema, Deelnemer, Antwoord, AuditRegel)
    }


def inventarisatie(db, naam: str) -> Inventarisatie:
    return db.session.execute(
        select(Inventarisatie).where(Inventarisatie.naam == naam)
    ).scalar_one()


def test_the_2015_quickscan_asks_49_municipalities_four_parts(db, runner):
    uitvoer = laden(runner)
    quickscan = inventarisatie(db, KWIKSCAN.naam)

    assert (quickscan.kamerstuk, quickscan.demo, quickscan.open_voor_gemeenten) == (
        "29 754, nr. 323",
        True,
        False,
    )
    assert [d.naam for d in quickscan.delen] == [
        "Problematiek",
        "Capaciteit en beleid",
        "Kennisopbouw",
        "Lokale behoeften",
    ]
    assert len(quickscan.themas) == sum(len(t) for t in DELEN.values()) == 12
    deelnemers = services.respons(quickscan)
    assert len(deelnemers) == 49
    geantwoord = [d for d in deelnemers if d.heeft_geantwoord]
    assert len(geantwoord) == 45
    assert all(len(d.antwoorden) == 12 for d in geantwoord)
    assert all(not d.antwoorden for d in deelnemers if not d.heeft_geantwoord)
    antwoorden = [a for d in geantwoord for a in d.antwoorden]
    assert 0.3 < sum(a.behoefte for a in antwoorden) / len(antwoorden) < 0.7
    assert all(a.prioriteit is None for a in antwoorden if not a.behoefte)
    assert (
        "Behoefte-inventarisatie: Quickscan behoeften gemeenten 2015 toegevoegd, 12 thema's, "
        "49 gemeenten uitgenodigd, 45 geantwoord." in uitvoer
    )


def test_loading_twice_changes_nothing(db, runner):
    laden(runner)
    voor = aantallen(db)

    uitvoer = laden(runner)

    assert aantallen(db) == voor
    assert f"Behoefte-inventarisatie: {VERVOLG.naam} was er al." in uitvoer


def test_demo_data_is_labelled_on_screen(db, runner, login_as):
    laden(runner)
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    quickscan = inventarisatie(db, KWIKSCAN.naam)

    assert tekst(officier.get("/behoefte-inventarisatie/")).count("demogegevens") == 2
    assert f"Respons: {KWIKSCAN.naam} demogegevens" in tekst(
        officier.get(f"/behoefte-inventarisatie/{quickscan.id}/respons")
    )


def test_the_demo_municipality_user_has_the_follow_up_to_answer(db, runner, login_as, app):
    laden(runner)
    vervolg = inventarisatie(db, VERVOLG.naam)
    gemeente = app.test_client()
    meld_aan(gemeente, "gemeente@demo.example", "demo-wachtwoord-voor-tests")
    start = tekst(gemeente.get("/", follow_redirects=True))
    assert f"Behoefte-inventarisatie: {VERVOLG.naam} beantwoorden, uiterlijk 1 maart 2017" in start
    url = f"/behoefte-inventarisatie/{vervolg.id}/gemeenten/GM0363"
    formulier = gemeente.get(url)
    themas = vervolg.themas
    data = {"versie": versie_in(formulier)}
    for i, thema in enumerate(themas):
        data |= {
            f"rijen-{i}-thema_id": str(thema.id),
            f"rijen-{i}-behoefte": "ja" if i == 0 else "nee",
            f"rijen-{i}-prioriteit": "5" if i == 0 else "",
            f"rijen-{i}-toelichting": "",
            f"rijen-{i}-contactpersoon": "",
        }

    antwoord = gemeente.post(url, data=data)

    assert antwoord.status_code == 302
    assert "beantwoorden" not in tekst(gemeente.get("/", follow_redirects=True))
    amsterdam = next(d for d in services.respons(vervolg) if d.gemeente.cbs_code == "GM0363")
    assert len(amsterdam.antwoorden) == len(themas)
