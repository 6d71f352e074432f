"""locust's part of `bench/last.py` and `bench/voor_na.py`: users without think time, each
asking one main page after another (chosen at random, all equally often, the baseline among
them), or, with ``fasen`` in the settings, every user the same page for ``duur`` seconds, then
nothing for ``pauze`` seconds (what is still running finishes), then the next page. Not to be
run by hand: the scripts start it with its settings in ``BENCH_INSTELLINGEN`` (a JSON file)
and read every request's time from the file named there.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from pathlib import Path

import gevent
from aanmelden import meld_aan
from locust import HttpUser, constant, events, task

INSTELLINGEN = json.loads(Path(os.environ["BENCH_INSTELLINGEN"]).read_text())
FASEN: list[list[str]] = INSTELLINGEN.get("fasen") or []  # [[name, url], ...], one at a time
PERIODE = INSTELLINGEN["duur"] + INSTELLINGEN.get("pauze", 0)  # of a phase, with its pause
_volgnummer = itertools.count()
_aangemeld = itertools.count(1)
_metingen: list[tuple[str, float, int, str]] = []
_venster: list[float] = []  # when measuring began, once every user has signed in


@events.request.add_listener
def _meet(name: str, response_time: float, response: object, exception: object, **_: object):  # type: ignore[no-untyped-def]
    if not _venster or time.monotonic() - response_time / 1000 < _venster[0]:
        return  # asked before every user had signed in
    status = getattr(response, "status_code", 0) or 0
    _metingen.append((name, response_time, status, "" if exception is None else str(exception)))


@events.quitting.add_listener
def _bewaar(**_: object) -> None:
    Path(INSTELLINGEN["metingen"]).write_text(json.dumps(_metingen))


def aangemeld(runner) -> None:  # type: ignore[no-untyped-def]
    """Called by each user once signed in: the last one starts the measurement, which ends
    ``duur`` seconds later, or after every phase (signing in, scrypt on purpose, is not what
    is measured)."""
    if next(_aangemeld) == INSTELLINGEN["gebruikers"]:
        _venster.append(time.monotonic())
        gevent.spawn_later(len(FASEN) * PERIODE or INSTELLINGEN["duur"], runner.quit)


class Medewerker(HttpUser):
    """An officer or a finance employee of the ministry (the pages are the same for both)."""

    wait_time = constant(0)

    def on_start(self) -> None:
        accounts = INSTELLINGEN["accounts"]
        account = accounts[next(_volgnummer) % len(accounts)]
        meld_aan(
            self.client,
            account["email"],
            account["wachtwoord"],
            account["totp_geheim"],
            name="aanmelden",
        )
        self.paginas = list(INSTELLINGEN["paginas"].items())
        aangemeld(self.environment.runner)

    @task
    def pagina(self) -> None:
        if FASEN:
            self.fase()
            return
        naam, url = random.choice(self.paginas)
        self.vraag(naam, url)

    def fase(self) -> None:
        """This phase's page, or wait: for every user to sign in, or for the next phase."""
        if not _venster:
            gevent.sleep(0.1)
            return
        nummer, binnen = divmod(time.monotonic() - _venster[0], PERIODE)
        if nummer >= len(FASEN) or binnen >= INSTELLINGEN["duur"]:
            gevent.sleep(min(PERIODE - binnen, 1.0))
            return
        naam, url = FASEN[int(nummer)]
        self.vraag(naam, url)

    def vraag(self, naam: str, url: str) -> None:
        with self.client.get(url, name=naam, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} {r.headers.get('Location', '')}")
