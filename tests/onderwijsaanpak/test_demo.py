"""The demo onderwijsaanpak: two pilots and sixteen rollout municipalities with activities,
lessons and two rounds, loaded idempotently; the demo municipality user can report."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, date, datetime

from openpyxl import load_workbook
from sqlalchemy import func, select

from gemeenten import programmas
from gemeenten.models import Programma
from kern import tijd
from kern.accounts.models import Rol
from kern.audit import AuditRegel
from onderwijsaanpak.demo import COHORT
from onderwijsaanpak.models import (
    Activiteit,
    ActiviteitSoort,
    Cohortlid,
    Fase,
    Faseperiode,
    Les,
    Niveau,
    Rapportage,
    Rapportageronde,
    RapportageStatus,
)
from tests.aanmelden import meld_aan
from tests.formulieren import formulier
from tests.pagina import meldingen, tekst

MODELLEN = (Cohortlid, Faseperiode, Activiteit, Les, Rapportageronde, Rapportage, AuditRegel)
WACHTWOORD = "demo-wachtwoord-voor-tests"  # DEMO_PASSWORD in the tests' configuration


def laden(runner) -> str:
    resultaat = runner.invoke(args=["demo", "laden"])
    assert resultaat.exit_code == 0, resultaat.output
    return resultaat.output


def aantallen(db) -> dict[str, int]:
    return {
        model.__name__: db.session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in MODELLEN
    }


def test_the_demo_cohort_has_two_pilots_and_sixteen_in_the_rollout(db, runner):
    uitvoer = laden(runner)

    leden = db.session.execute(select(Cohortlid)).scalars().all()
    assert sorted(lid.gemeente.cbs_code for lid in leden) == sorted(COHORT)
    assert len(COHORT) == 18
    assert Counter(lid.fase for lid in leden) == {Fase.UITROL: 16, Fase.PILOT: 2}
    assert {lid.gemeente.naam for lid in leden if lid.fase is Fase.PILOT} == {
        "Amsterdam",
        "Rotterdam",
    }
    assert all(lid.demo for lid in leden)
    for lid in leden:
        periode = lid.huidige_periode
        if lid.fase is Fase.PILOT:
            assert (periode.gepland_start, periode.gestart_op.year) == (date(2015, 9, 1), 2015)
        else:
            assert periode.gepland_start == date(2016, 1, 4)
            assert periode.gestart_op is not None
            assert periode.gestart_op.year == 2016
    assert set(db.session.execute(programmas.leden(Programma.ONDERWIJSAANPAK)).scalars()) == {
        lid.gemeente_id for lid in leden
    }
    assert "Demo-onderwijsaanpak: 18 gemeenten in het cohort opgenomen" in uitvoer


def test_every_member_has_activities_between_2015_and_2017(db, runner):
    laden(runner)

    activiteiten = db.session.execute(select(Activiteit)).scalars().all()
    per_gemeente = Counter(a.gemeente.cbs_code for a in activiteiten)
    assert set(per_gemeente) == set(COHORT)
    assert all(3 <= aantal <= 6 for aantal in per_gemeente.values())
    assert {a.datum.year for a in activiteiten} == {2015, 2016, 2017}
    assert set(ActiviteitSoort) == {a.soort for a in activiteiten}
    assert {a.niveau for a in activiteiten} == set(Niveau)
    lessen = db.session.execute(select(Les)).scalars().all()
    assert {les.gemeente.naam for les in lessen} == {"Amsterdam", "Rotterdam"}
    assert any(les.in_uitrol for les in lessen)
    assert not all(les.in_uitrol for les in lessen)


def test_one_round_is_closed_and_one_open_with_every_state(db, runner):
    laden(runner)

    rondes = {r.naam: r for r in db.session.execute(select(Rapportageronde)).scalars()}
    assert {naam: r.is_open for naam, r in rondes.items()} == {
        "Schooljaar 2015-2016 (demo)": False,
        "Schooljaar 2016-2017 (demo)": True,
    }
    open_ronde = rondes["Schooljaar 2016-2017 (demo)"]
    laatste = {
        r.gemeente.naam: r.status
        for r in db.session.execute(
            select(Rapportage)
            .where(Rapportage.ronde_id == open_ronde.id)
            .order_by(Rapportage.volgnummer)
        ).scalars()
    }
    assert "Amsterdam" not in laatste  # the demo municipality user's to submit
    assert laatste["Rotterdam"] is RapportageStatus.TERUGGESTUURD
    assert set(laatste.values()) == set(RapportageStatus)


def test_loading_twice_changes_nothing(db, runner):
    laden(runner)
    voor = aantallen(db)

    uitvoer = laden(runner)

    assert aantallen(db) == voor
    assert (
        "Demo-onderwijsaanpak: 0 gemeenten in het cohort opgenomen (18 waren er al), "
        "0 activiteiten, 0 lessen, 0 rapportagerondes toegevoegd." in uitvoer
    )


def test_demo_data_is_labelled_on_screen(db, runner, login_as):
    laden(runner)
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    assert tekst(officier.get("/onderwijsaanpak/")).count("demogegevens") == 18
    assert "Onderwijsaanpak: Amsterdam demogegevens" in tekst(
        officier.get("/onderwijsaanpak/gemeenten/GM0363")
    )
    assert "Onderwijsaanpak demogegevens" in tekst(officier.get("/gemeenten/GM0599"))
    assert "Schooljaar 2016-2017 (demo) demogegevens" in tekst(
        officier.get("/onderwijsaanpak/rondes")
    )


def test_the_demo_municipality_user_reports_an_activity_and_submits(db, runner, app):
    laden(runner)
    client = app.test_client()
    meld_aan(client, "gemeente@demo.example", WACHTWOORD)
    ronde = db.session.execute(
        select(Rapportageronde).where(Rapportageronde.naam == "Schooljaar 2016-2017 (demo)")
    ).scalar_one()

    start = client.get("/", follow_redirects=True)
    assert "Te laat: Onderwijsaanpak: rapportage Schooljaar 2016-2017 (demo)" in tekst(start)

    gemeld = client.post(
        "/onderwijsaanpak/gemeenten/GM0363/activiteiten/nieuw",
        data={
            "soort": "burgerschap",
            "datum": "14-06-2017",
            "school": "Cartesius Lyceum",
            "niveau": "vo",
            "deelnemers": "75",
        },
        follow_redirects=True,
    )
    assert meldingen(gemeld)[0][0] == "succes"
    ingediend = client.post(
        f"/onderwijsaanpak/gemeenten/GM0363/rondes/{ronde.id}/indienen",
        data={"toelichting": ""},
        follow_redirects=True,
    )

    assert meldingen(ingediend)[0][0] == "succes"
    rapportage = db.session.execute(
        select(Rapportage).where(
            Rapportage.ronde_id == ronde.id, Rapportage.ingediend_door == "gemeente@demo.example"
        )
    ).scalar_one()
    assert rapportage.aantal_activiteiten >= 1
    assert "Cartesius Lyceum" in tekst(ingediend)
    # Nothing of the onderwijsaanpak is due any more (the demo needs inventory still is).
    assert "Onderwijsaanpak: rapportage" not in tekst(client.get("/gemeenten/GM0363"))


def test_the_demo_loads_on_a_day_in_its_own_past(db, runner, monkeypatch):
    """A test's clock may stand in 2016: the demo then holds what had happened by then."""
    monkeypatch.setattr(tijd, "nu", lambda: datetime(2016, 6, 1, 10, tzinfo=UTC))

    laden(runner)

    laatste = db.session.execute(select(func.max(Activiteit.datum))).scalar_one()
    assert laatste <= date(2016, 6, 1)
    assert db.session.execute(select(func.count()).select_from(Cohortlid)).scalar_one() == 18
    assert db.session.execute(select(func.count()).select_from(Rapportage)).scalar_one() == 0


def test_the_closed_round_has_reports_on_time_and_a_few_late(db, runner):
    laden(runner)

    gesloten = db.session.execute(
        select(Rapportageronde).where(Rapportageronde.naam == "Schooljaar 2015-2016 (demo)")
    ).scalar_one()
    rapportages = gesloten.rapportages
    te_laat = sorted(r.gemeente.naam for r in rapportages if r.na_de_termijn)
    # Seventeen reports, two of them sent back and sent again: two came after the due date,
    # and so did Huizen's second version; the other sixteen submissions were on time.
    assert len(rapportages) == 19
    assert te_laat == ["'s-Gravenhage", "Almere", "Huizen"]
    assert all(r.ingediend_op.year == 2016 for r in rapportages)
    assert all(
        r.beoordeeld_op is not None and r.ingediend_op < r.beoordeeld_op for r in rapportages
    )


def test_the_demo_municipality_user_reports_activities_by_excel(db, runner, app):
    laden(runner)
    client = app.test_client()
    meld_aan(client, "gemeente@demo.example", WACHTWOORD)
    pagina = client.get("/onderwijsaanpak/gemeenten/GM0363")
    assert "Activiteiten uploaden (Excel)" in tekst(pagina)
    voor = db.session.execute(select(func.count()).select_from(Activiteit)).scalar_one()

    werkmap = load_workbook(
        io.BytesIO(client.get("/onderwijsaanpak/gemeenten/GM0363/activiteiten.xlsx").data)
    )
    blad = werkmap["Activiteiten"]
    for rij, waarden in enumerate(
        (
            ("Training voor onderwijsprofessionals", date(2017, 3, 15), "Cartesius Lyceum"),
            ("Burgerschaps- of debatactiviteit voor leerlingen", "12-05-2017", "ROC TOP"),
        ),
        7,
    ):
        for kolom, waarde in zip("ABC", waarden, strict=True):
            blad[f"{kolom}{rij}"] = waarde
        blad[f"E{rij}"], blad[f"F{rij}"] = ("VO", 18) if rij == 7 else ("MBO", 64)
    uit = io.BytesIO()
    werkmap.save(uit)
    antwoord = client.post(
        "/onderwijsaanpak/gemeenten/GM0363/activiteiten/upload",
        data={"bestand": (io.BytesIO(uit.getvalue()), "activiteiten.xlsx")},
        content_type="multipart/form-data",
    )
    voorvertoning = client.get(antwoord.headers["Location"])
    assert "2 nieuwe activiteiten, samen 82 deelnemers" in tekst(voorvertoning)
    f = formulier(voorvertoning.text, "/inlezen")
    bevestigd = client.post(f.actie, data=f.velden, follow_redirects=True)

    assert meldingen(bevestigd)[0] == (
        "succes",
        "Ingelezen: 2 activiteiten uit activiteiten.xlsx.",
    )
    assert db.session.execute(select(func.count()).select_from(Activiteit)).scalar_one() == voor + 2
    assert "ROC TOP" in tekst(bevestigd)
