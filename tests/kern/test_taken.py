"""The queue of background jobs (kern.taken) itself: which queue a configuration gets, the worker
refusing to run without one, and a job queued only when the transaction that made it commits.
The jobs of the historical import: tests/subsidies/test_historische_import_taken.py."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from kern import taken
from kern.taken import Achtergrondtaak, TaakStatus


def _app(**config: object) -> Flask:
    app = Flask(__name__)
    app.config.update({"APP_ENV": "development", "REDIS_URL": None, "TAKEN_WACHTRIJ": None})
    app.config.update(config)
    return app


@pytest.mark.parametrize(
    ("config", "wachtrij"),
    [
        ({}, "direct"),  # `make run`: no worker needed
        ({"APP_ENV": "testing", "REDIS_URL": "redis://x"}, "direct"),
        ({"APP_ENV": "production"}, "sqlite"),
        ({"APP_ENV": "production", "REDIS_URL": "redis://x"}, "redis"),
        ({"TAKEN_WACHTRIJ": "sqlite"}, "sqlite"),
        ({"APP_ENV": "production", "TAKEN_WACHTRIJ": "direct"}, "direct"),
    ],
)
def test_the_queue_follows_the_configuration(config, wachtrij):
    assert taken.soort_wachtrij(_app(**config)) == wachtrij


def test_an_unknown_queue_is_refused():
    with pytest.raises(ValueError, match="TAKEN_WACHTRIJ='rabbitmq': use one of direct, sqlite"):
        taken.soort_wachtrij(_app(TAKEN_WACHTRIJ="rabbitmq"))


def test_the_worker_refuses_to_run_without_a_queue(runner):
    resultaat = runner.invoke(args=["taken", "worker"])

    assert resultaat.exit_code == 1
    assert "Er is geen wachtrij ingesteld (TAKEN_WACHTRIJ=direct)" in resultaat.output


def test_a_job_runs_only_when_the_transaction_that_started_it_commits(app, db, monkeypatch):
    gedaan: list[int] = []

    def werk(taak: Achtergrondtaak, voortgang: taken.Voortgang) -> str:
        gedaan.append(taak.id)
        voortgang.controleer(3)
        return "Klaar."

    taken.registreer(app, "proef", "stap", werk)

    def begin() -> Achtergrondtaak:
        return taken.start("proef", "1", "stap", door="iemand@voorbeeld.nl", bezet="Bezet")

    begin()
    db.session.rollback()  # the request failed after starting it
    assert gedaan == []
    assert db.session.execute(select(Achtergrondtaak)).scalars().all() == []

    taak_id = begin().id
    db.session.commit()  # no queue: it runs here

    taak = db.session.get(Achtergrondtaak, taak_id)
    assert gedaan == [taak_id]
    assert (taak.status, taak.melding, taak.regels_gecontroleerd) == (TaakStatus.KLAAR, "Klaar.", 3)


def test_an_unexpected_error_fails_the_job_without_its_work(app, db, caplog):
    def kapot(taak: Achtergrondtaak, voortgang: taken.Voortgang) -> str:
        db.session.add(Achtergrondtaak(soort="ander", sleutel="2", stap="x", door="x"))
        db.session.flush()
        raise RuntimeError("bug")

    taken.registreer(app, "proef", "stap", kapot)
    taak_id = taken.start("proef", "1", "stap", door="iemand@voorbeeld.nl", bezet="Bezet").id
    db.session.commit()

    taak = db.session.get(Achtergrondtaak, taak_id)
    assert taak.status is TaakStatus.MISLUKT
    assert taak.melding == (
        "een fout in de toepassing. Er is niets veranderd; probeer het later opnieuw of neem "
        "contact op met de beheerder van de toepassing."
    )  # shown as "Het inlezen (...) is mislukt: een fout in de toepassing. ..."
    assert [t.soort for t in db.session.execute(select(Achtergrondtaak)).scalars()] == ["proef"]
    assert "RuntimeError: bug" in caplog.text
