"""The historical import of a large file as background jobs (kern.taken): checked and imported
by a job, its progress on the upload's page (a page that refreshes itself, no script), one
check or import per scheme at a time, and a job whose worker died shown as failed with nothing
of it kept."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from gemeenten.models import Gemeente
from kern import taken, tijd
from kern.accounts.models import Rol
from kern.audit import AuditRegel
from kern.taken import Achtergrondtaak, TaakStatus
from kern.uploads import STORING, Upload, UploadStatus
from subsidies import historische_import, services
from subsidies.historische_import import achtergrond
from subsidies.models import Beschikking, Betaling, Verantwoording
from tests.formulieren import formulier
from tests.pagina import meldingen, tekst
from tests.subsidies.test_historische_import import (
    AMSTERDAM_2015,
    bevestig,
    toekenningen,
    upload_via_formulier,
    werkmap,
)

VERVERS = '<meta http-equiv="refresh" content="3">'


@pytest.fixture
def groot(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file counts as large: checked and imported by a job (AMSTERDAM_2015 has 7 rows)."""
    monkeypatch.setattr(achtergrond, "CONTROLEREN_VANAF", 0)
    monkeypatch.setattr(achtergrond, "INLEZEN_VANAF", 5)


@pytest.fixture
def met_wachtrij() -> None:
    """A queue on SQLite with no worker taking from it (`app_config`): jobs wait until the
    test runs them (`verwerk`), as the consumer would."""


@pytest.fixture
def app_config(app_config, request, tmp_path):
    if "met_wachtrij" in request.fixturenames:
        app_config.update(TAKEN_WACHTRIJ="sqlite", TAKEN_SQLITE=str(tmp_path / "taken.sqlite"))
    return app_config


def verwerk(app, db) -> int:
    """Run the queued jobs as `flask taken worker` would; returns how many."""
    db.session.commit()
    wachtrij = app.extensions["taken"][0]
    aantal = 0
    while (taak := wachtrij.dequeue()) is not None:
        wachtrij.execute(taak)
        aantal += 1
    return aantal


def de_taken(db) -> list[Achtergrondtaak]:
    return list(db.session.execute(select(Achtergrondtaak).order_by(Achtergrondtaak.id)).scalars())


def aantal(db, model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


# --- Without a queue (development, tests): the job runs in the request ------------------------


@pytest.mark.csrf
def test_a_large_file_is_checked_and_imported_by_jobs_that_record_what_they_did(
    db, regeling_2015_2016, beleidsmedewerker, officier, groot
):
    pagina = upload_via_formulier(officier, regeling_2015_2016, werkmap(*AMSTERDAM_2015)).location
    voorvertoning = officier.get(pagina)
    assert "Gecontroleerd" in tekst(voorvertoning)
    assert VERVERS not in voorvertoning.text

    antwoord = bevestig(officier, pagina)

    assert antwoord.status_code == 302
    na = officier.get(antwoord.location)
    assert meldingen(na) == [
        (
            "succes",
            "Het bestand is ingelezen: 1 nieuwe beschikking, 0 gewijzigde beschikkingen, "
            "1 betaling en 1 nieuwe versie van een verantwoording.",
        )
    ]
    assert VERVERS not in na.text
    controle, inlezen = de_taken(db)
    upload = db.session.execute(select(Upload)).scalar_one()
    for taak, stap in ((controle, "controleren"), (inlezen, "inlezen")):
        assert (taak.soort, taak.sleutel, taak.stap) == (
            historische_import.SOORT,
            str(regeling_2015_2016.id),
            stap,
        )
        assert (taak.status, taak.upload_id, taak.door, taak.gebruiker_id) == (
            TaakStatus.KLAAR,
            upload.id,
            beleidsmedewerker.email,
            beleidsmedewerker.id,
        )
        assert taak.gestart_op.tzinfo is not None
        assert taak.aangemaakt_op <= taak.gestart_op <= taak.klaar_op
    assert controle.regels_gecontroleerd == 7
    assert controle.melding == "Het bestand is gecontroleerd en goedgekeurd."
    assert (inlezen.totaal, inlezen.regels_ingelezen) == (7, 7)
    assert upload.status is UploadStatus.GEIMPORTEERD
    beschikking = db.session.execute(select(Beschikking)).scalar_one()
    assert beschikking.bedrag == Decimal("175000.00")
    # The audit trail names the officer who confirmed, not the worker.
    assert ("beschikking", "aangemaakt", beleidsmedewerker.email) in db.session.execute(
        select(AuditRegel.soort, AuditRegel.actie, AuditRegel.door)
    ).all()


def test_a_small_file_stays_in_the_request(db, regeling_2015_2016, officier):
    pagina = upload_via_formulier(officier, regeling_2015_2016, werkmap(*AMSTERDAM_2015)).location
    assert bevestig(officier, pagina).status_code == 302
    assert de_taken(db) == []
    assert aantal(db, Beschikking) == 1


def test_a_refusal_in_the_job_fails_it_with_the_reason_and_keeps_nothing(
    db, regeling_2015_2016, officier, groot, monkeypatch
):
    pagina = upload_via_formulier(officier, regeling_2015_2016, werkmap(*AMSTERDAM_2015)).location
    echte = services.plannen_geweigerd  # a rule the set-based import asks of every payment

    def onbereikbaar(*args, **kwargs):
        return "De betaalserver is onbereikbaar."

    monkeypatch.setattr(services, "plannen_geweigerd", onbereikbaar)
    bevestig(officier, pagina)
    monkeypatch.setattr(services, "plannen_geweigerd", echte)

    na = officier.get(pagina)
    assert "Het inlezen (gestart " in tekst(na)
    assert (
        "is mislukt: Het bestand is niet ingelezen; er is niets veranderd. De betaalserver is "
        "onbereikbaar." in tekst(na)
    )
    for model in (Beschikking, Betaling, Verantwoording):
        assert aantal(db, model) == 0
    assert db.session.execute(select(Upload.status)).scalar_one() is UploadStatus.GECONTROLEERD
    # The lock is released: confirming again works.
    assert bevestig(officier, pagina).status_code == 302
    assert aantal(db, Beschikking) == 1


# --- With a queue: the status page while a job waits and runs ---------------------------------


def test_the_upload_page_follows_the_job_until_it_is_done(
    app, db, regeling_2015_2016, officier, groot, met_wachtrij, login_as
):
    pagina = upload_via_formulier(officier, regeling_2015_2016, werkmap(*AMSTERDAM_2015)).location

    wacht = officier.get(pagina)
    assert VERVERS in wacht.text
    assert "Het controleren wacht op de verwerker" in tekst(wacht)
    assert "niet worden gecontroleerd" not in tekst(wacht)  # the upload's interim message
    assert "Bevestigen en inlezen" not in wacht.text
    assert "er lijkt geen verwerker te draaien" not in tekst(wacht)
    taak = de_taken(db)[-1]
    taak.aangemaakt_op = tijd.nu() - timedelta(minutes=2)  # and nobody took it since
    db.session.commit()
    assert "er lijkt geen verwerker te draaien" in tekst(officier.get(pagina))

    assert verwerk(app, db) == 1
    gecontroleerd = officier.get(pagina)
    assert VERVERS not in gecontroleerd.text
    assert "Bevestigen en inlezen" in gecontroleerd.text

    bevestig(officier, pagina)
    taak = de_taken(db)[-1]
    assert taak.status is TaakStatus.WACHTEND
    # The worker took it 40 seconds ago and has imported 2 of 7 rows (its live progress).
    taak.status, taak.gestart_op = TaakStatus.BEZIG, tijd.nu() - timedelta(seconds=40)
    taak.hartslag = taak.gestart_op
    db.session.commit()
    app.extensions["taken"][0].put(
        f"taak-{taak.id}", {"ingelezen": 2, "totaal": 7, "hartslag": time.time()}
    )

    # Another officer, another browser (or the same after signing in again), sees it too.
    collega = login_as(Rol.BELEIDSMEDEWERKER)
    bezig = collega.get(pagina)
    assert VERVERS in bezig.text
    assert "Het inlezen is bezig sinds" in tekst(bezig)
    assert "Regels ingelezen 2 van 7" in tekst(bezig)
    assert "Nog te gaan ongeveer 2 minuten" in tekst(bezig)  # 40 s for 2: 100 s for 5
    assert '<progress max="100" value="28">' in bezig.text

    taak.status = TaakStatus.WACHTEND  # handed back to the queue, as the consumer takes it
    db.session.commit()
    assert verwerk(app, db) == 1
    klaar = collega.get(pagina)
    assert VERVERS not in klaar.text
    assert "Het inlezen is bezig" not in tekst(klaar)
    assert db.session.execute(select(Upload.status)).scalar_one() is UploadStatus.GEIMPORTEERD
    assert aantal(db, Beschikking) == 1


def test_municipality_and_finance_users_do_not_see_the_job(
    db, regeling_2015_2016, officier, groot, met_wachtrij, login_as, amsterdam
):
    pagina = upload_via_formulier(officier, regeling_2015_2016, werkmap(*AMSTERDAM_2015)).location
    for wie in (login_as(Rol.GEMEENTE, gemeente=amsterdam), login_as(Rol.FINANCIEN)):
        antwoord = wie.get(pagina)
        assert antwoord.status_code in (403, 404)
        assert "wacht op de verwerker" not in antwoord.text


# --- One check or import per scheme -------------------------------------------------------------


def test_a_second_import_of_the_same_scheme_is_refused_while_one_waits(
    db, regeling_2015_2016, officier, groot, met_wachtrij, login_as
):
    eerste = upload_via_formulier(officier, regeling_2015_2016, werkmap(*AMSTERDAM_2015)).location
    collega = login_as(Rol.BELEIDSMEDEWERKER)
    rotterdam = werkmap(*toekenningen("GM0599", "Rotterdam", 2015, 10_000, 10_000, 10_000))

    tweede = upload_via_formulier(collega, regeling_2015_2016, rotterdam)

    pagina = collega.get(tweede.location)
    assert meldingen(pagina)[0][0] == "fout"
    assert meldingen(pagina)[0][1].startswith(
        "Er loopt al een controle of import van een bestand voor deze regeling (gestart op "
    )
    assert meldingen(pagina)[0][1].endswith("Wacht tot die klaar is; er is niets gestart.")
    assert len(de_taken(db)) == 1
    # The second file is kept, unchecked: sending it again later checks it.
    upload = db.session.get(Upload, int(tweede.location.rsplit("/", 1)[1]))
    assert [m.tekst for m in upload.alle_meldingen] == [STORING]
    geopend = collega.get(eerste)
    assert "Het controleren wacht op de verwerker" in tekst(geopend)
    assert "Opnieuw controleren" not in geopend.text


def test_a_small_import_in_the_request_waits_for_the_schemes_job_too(
    app, db, regeling_2015_2016, officier, met_wachtrij, monkeypatch
):
    klein = upload_via_formulier(officier, regeling_2015_2016, werkmap(*AMSTERDAM_2015)).location
    geopend = officier.get(klein)
    f = formulier(geopend.text, "/bevestigen", klein)
    monkeypatch.setattr(achtergrond, "CONTROLEREN_VANAF", 0)
    rotterdam = werkmap(*toekenningen("GM0599", "Rotterdam", 2015, 10_000, 10_000, 10_000))
    upload_via_formulier(officier, regeling_2015_2016, rotterdam)  # a large one: a job waits

    antwoord = officier.post(f.actie, data=f.velden)

    assert antwoord.status_code == 400
    assert "Er loopt al een controle of import van een bestand voor deze regeling" in tekst(
        antwoord
    )
    assert aantal(db, Beschikking) == 0


def test_the_database_holds_one_running_job_per_scheme(db, regeling_2015_2016, beleidsmedewerker):
    def taak(status: TaakStatus) -> Achtergrondtaak:
        return Achtergrondtaak(
            soort="historische-import",
            sleutel=str(regeling_2015_2016.id),
            stap="inlezen",
            status=status,
            door=beleidsmedewerker.email,
        )

    db.session.add_all([taak(TaakStatus.KLAAR), taak(TaakStatus.MISLUKT), taak(TaakStatus.BEZIG)])
    db.session.commit()  # ended ones do not count
    db.session.add(taak(TaakStatus.WACHTEND))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


# --- A worker that died -------------------------------------------------------------------------


def test_a_job_whose_worker_died_shows_failed_keeps_nothing_and_frees_the_scheme(
    app, db, regeling_2015_2016, officier, groot, met_wachtrij
):
    pagina = upload_via_formulier(officier, regeling_2015_2016, werkmap(*AMSTERDAM_2015)).location
    verwerk(app, db)
    bevestig(officier, pagina)
    taak = de_taken(db)[-1]
    # The worker took it two minutes ago and its heartbeat stopped then: it was killed (the
    # transaction it had open went with it).
    taak.status, taak.gestart_op = TaakStatus.BEZIG, tijd.nu() - timedelta(minutes=2)
    taak.hartslag = taak.gestart_op
    db.session.commit()
    app.extensions["taken"][0].dequeue()  # the consumer had taken it from the queue

    geopend = officier.get(pagina)

    assert VERVERS not in geopend.text
    assert "is mislukt: onderbroken. De verwerking stopte voordat de taak klaar was" in tekst(
        geopend
    )
    assert db.session.get(Achtergrondtaak, taak.id).status is TaakStatus.MISLUKT
    for model in (Beschikking, Betaling, Verantwoording):
        assert aantal(db, model) == 0
    # The scheme is free again: confirming once more starts a job, which imports it.
    assert "Bevestigen en inlezen" in geopend.text
    bevestig(officier, pagina)
    assert verwerk(app, db) == 1
    assert aantal(db, Beschikking) == 1


def test_a_job_declared_interrupted_while_it_still_ran_keeps_nothing(
    app, db, regeling_2015_2016, officier, groot, met_wachtrij, monkeypatch
):
    """A worker that stalled past the silence (its heartbeat lost) and then went on: the status
    page had declared it interrupted and freed the scheme, so its work is rolled back rather
    than committed beside another's. (On SQLite the page can write only while the job has not
    written yet; on PostgreSQL at any time.)"""
    pagina = upload_via_formulier(officier, regeling_2015_2016, werkmap(*AMSTERDAM_2015)).location
    verwerk(app, db)
    bevestig(officier, pagina)
    echte = historische_import.importeer
    sleutel = str(regeling_2015_2016.id)

    def na_een_stilte(*args, **kwargs):
        with app.app_context():  # the status page, meanwhile, in a request of its own
            assert taken.actieve(historische_import.SOORT, sleutel) is not None
            app.config["TAKEN_ONDERBROKEN_NA"] = 0
            assert taken.actieve(historische_import.SOORT, sleutel) is None
            db.session.commit()
        return echte(*args, **kwargs)

    monkeypatch.setattr(achtergrond, "importeer", na_een_stilte)
    verwerk(app, db)

    taak = de_taken(db)[-1]
    assert taak.status is TaakStatus.MISLUKT
    assert taak.melding.startswith("onderbroken.")
    for model in (Beschikking, Betaling, Verantwoording):
        assert aantal(db, model) == 0
    assert db.session.execute(select(Upload.status)).scalar_one() is UploadStatus.GECONTROLEERD


# --- A real worker, killed ----------------------------------------------------------------------

PROJECT = Path(__file__).resolve().parents[2]


def _wacht_tot(voorwaarde, *, binnen: float, wat: str) -> None:
    einde = time.monotonic() + binnen
    while not voorwaarde():
        if time.monotonic() > einde:
            raise AssertionError(f"not within {binnen} s: {wat}")
        time.sleep(0.01)


def _schrijft(pad: str) -> bool:
    """Whether another connection holds SQLite's write lock on ``pad`` (an open transaction
    that wrote)."""
    verbinding = sqlite3.connect(pad, timeout=0, isolation_level=None)
    try:
        verbinding.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as fout:
        return "locked" in str(fout)
    else:
        verbinding.execute("ROLLBACK")
        return False
    finally:
        verbinding.close()


def test_a_worker_killed_during_the_import_leaves_no_rows_and_the_job_failed(
    app, db, regeling, officier, met_wachtrij, monkeypatch, tmp_path
):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the kill is timed by SQLite's write lock")
    app.config["TAKEN_ONDERBROKEN_NA"] = 1
    monkeypatch.setattr(achtergrond, "INLEZEN_VANAF", 0)
    gemeenten = [(f"GM{5000 + i}", f"Testgemeente {i}") for i in range(1500)]
    db.session.execute(
        insert(Gemeente), [{"cbs_code": c, "naam": n, "provincie": "Utrecht"} for c, n in gemeenten]
    )
    rijen = [["toekenning", c, n, 2015, None, 1] for c, n in gemeenten]
    pagina = upload_via_formulier(officier, regeling, werkmap(*rijen)).location  # checked now
    database = str(db.engine.url.database)
    omgeving = {
        **os.environ,
        "PYTHONPATH": str(PROJECT),
        "FLASK_APP": "wsgi",
        "APP_ENV": "development",
        "DATABASE_URL": f"sqlite:///{database}",
        "FLASK_TAKEN_WACHTRIJ": "sqlite",
        "FLASK_TAKEN_SQLITE": app.config["TAKEN_SQLITE"],
        "FLASK_TAKEN_HARTSLAG": "0.2",
        "FLASK_LOGGING": '{"version": 1}',
    }
    with subprocess.Popen(
        [sys.executable, "-m", "flask", "taken", "worker"],
        cwd=PROJECT,
        env=omgeving,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as verwerker:
        try:
            assert verwerker.stdout is not None
            assert verwerker.stdout.readline().startswith(b"Verwerker gestart: wachtrij sqlite")
            bevestig(officier, pagina)
            taak_id = de_taken(db)[-1].id

            def bezig() -> bool:
                status = db.session.execute(
                    select(Achtergrondtaak.status).where(Achtergrondtaak.id == taak_id)
                ).scalar_one()
                db.session.commit()
                return status is TaakStatus.BEZIG

            _wacht_tot(bezig, binnen=10, wat="the worker takes the job")
            _wacht_tot(lambda: _schrijft(database), binnen=5, wat="the import writes")
            verwerker.kill()  # SIGKILL, in the middle of the import's transaction
        finally:
            verwerker.kill()  # whatever happened: `with` waits for it to end

    assert aantal(db, Beschikking) == 0
    assert db.session.get(Achtergrondtaak, taak_id).status is TaakStatus.BEZIG  # for now
    time.sleep(1.1)  # the heartbeat's silence
    geopend = officier.get(pagina)
    assert "Het inlezen (gestart " in tekst(geopend)
    assert "is mislukt: onderbroken." in tekst(geopend)
    assert VERVERS not in geopend.text
    assert db.session.get(Achtergrondtaak, taak_id).status is TaakStatus.MISLUKT
    assert aantal(db, Beschikking) == 0
    assert db.session.execute(select(Upload.status)).scalar_one() is UploadStatus.GECONTROLEERD


def test_the_command_line_waits_for_the_schemes_job_too(
    db, runner, regeling_2015_2016, beleidsmedewerker, officier, groot, met_wachtrij, tmp_path
):
    upload_via_formulier(officier, regeling_2015_2016, werkmap(*AMSTERDAM_2015))  # a job waits
    pad = tmp_path / "rotterdam.xlsx"
    pad.write_bytes(werkmap(*toekenningen("GM0599", "Rotterdam", 2015, 1_000, 1_000, 1_000)))
    db.session.commit()

    resultaat = runner.invoke(
        args=[
            "versterkingsgelden",
            "importeer",
            str(pad),
            "--regeling",
            str(regeling_2015_2016.id),
            "--door",
            beleidsmedewerker.email,
            "--bevestig",
        ]
    )

    assert resultaat.exit_code == 1
    assert "Er loopt al een controle of import van een bestand voor deze regeling" in (
        resultaat.output
    )
    assert aantal(db, Upload) == 1
    assert aantal(db, Beschikking) == 0
