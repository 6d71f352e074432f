"""locust's part of `bench/proef.py`: municipality users sending their return as Excel,
officers browsing the main pages and finance exporting, all without think time. Not to be run
by hand: `bench/proef.py` starts it with its settings in ``BENCH_INSTELLINGEN`` and checks what
it wrote (every request, every return it saw accepted) against the database afterwards.

A municipality user, over and over: downloads the decision's template from the application,
fills in new amounts for every purpose, uploads it, opens the upload's page and confirms.
Two users share each decision, so that one's confirmation often makes the other's upload
stale: then it checks the upload again (``opnieuw``) and confirms that. Every third
confirmation is sent twice at the same moment (two requests in flight): at most one may be
accepted.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

import gevent
from aanmelden import csrf_token, meld_aan
from locust import HttpUser, constant, events, task
from verantwoording import UPLOAD, VERANTWOORDING, XLSX, Ingevuld, formulier, vul_in

INSTELLINGEN = json.loads(Path(os.environ["BENCH_INSTELLINGEN"]).read_text())
_metingen: list[tuple[str, float, int, str]] = []
_gebeurtenissen: list[dict[str, Any]] = []
_nummers = {soort: itertools.count() for soort in ("indiener", "bekijker", "exporteur")}
_aangemeld = itertools.count(1)


@events.request.add_listener
def _meet(name: str, response_time: float, response: object, exception: object, **_: object):  # type: ignore[no-untyped-def]
    status = getattr(response, "status_code", 0) or 0
    _metingen.append((name, response_time, status, "" if exception is None else str(exception)))


@events.quitting.add_listener
def _bewaar(**_: object) -> None:
    Path(INSTELLINGEN["metingen"]).write_text(json.dumps(_metingen))
    Path(INSTELLINGEN["gebeurtenissen"]).write_text(json.dumps(_gebeurtenissen))


def _aangemeld_en_klaar(runner: Any) -> None:
    """The last user to sign in starts the clock: ``duur`` seconds of work, then stop."""
    if next(_aangemeld) == INSTELLINGEN["gebruikers"]:
        gevent.spawn_later(INSTELLINGEN["duur"], runner.quit)


def _account(soort: str) -> dict[str, str]:
    accounts = INSTELLINGEN["accounts"][soort]
    account: dict[str, str] = accounts[next(_nummers[soort]) % len(accounts)]
    return account


class Medewerker(HttpUser):
    abstract = True
    wait_time = constant(0)
    soort = ""

    def on_start(self) -> None:
        self.account = _account(self.soort)
        a = self.account
        meld_aan(self.client, a["email"], a["wachtwoord"], a["totp_geheim"], name="aanmelden")
        _aangemeld_en_klaar(self.environment.runner)

    def vraag(self, naam: str, url: str, **kw: Any) -> Any:
        """GET ``url``; anything but a 200 is a failure."""
        with self.client.get(url, name=naam, allow_redirects=False, catch_response=True, **kw) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} {r.headers.get('Location', '')}")
            return r


class Bekijker(Medewerker):
    """An officer opening the main pages."""

    soort = "bekijker"
    fixed_count = INSTELLINGEN["aantallen"]["bekijker"]

    @task
    def pagina(self) -> None:
        naam, url = random.choice(list(INSTELLINGEN["paginas"].items()))
        self.vraag(naam, url)


class Exporteur(Medewerker):
    """Finance exporting the pages that have an export, as Excel."""

    soort = "exporteur"
    fixed_count = INSTELLINGEN["aantallen"]["exporteur"]

    @task
    def exporteer(self) -> None:
        naam, url = random.choice(list(INSTELLINGEN["exports"].items()))
        r = self.vraag(f"export: {naam}", url + "?formaat=xlsx")
        if r.status_code == 200 and not r.content.startswith(b"PK"):
            r.failure("not an xlsx")
        _gebeurtenissen.append({"soort": "export", "naam": naam, "bytes": len(r.content)})


class Indiener(Medewerker):
    """A municipality user sending the return of the decision named in its account."""

    soort = "indiener"
    fixed_count = INSTELLINGEN["aantallen"]["indiener"]

    def on_start(self) -> None:
        super().on_start()
        self.beschikking = self.account["beschikking"]
        self.basis = f"/versterkingsgelden/beschikkingen/{self.beschikking}"
        self.rng = random.Random(self.account["email"])
        self.pogingen = 0

    @task
    def dien_in(self) -> None:
        sjabloon = self.vraag("sjabloon downloaden", f"{self.basis}/verantwoording.xlsx")
        if sjabloon.status_code != 200:
            return
        ingevuld = vul_in(sjabloon.content, self.rng)
        uploadformulier = self.vraag("uploadformulier", f"{self.basis}/verantwoording/upload")
        with self.client.post(
            f"{self.basis}/verantwoording/upload",
            name="upload",
            data={"csrf_token": csrf_token(uploadformulier.text)},
            files={"bestand": ("verantwoording.xlsx", ingevuld.inhoud, XLSX)},
            allow_redirects=False,
            catch_response=True,
        ) as r:
            gevonden = UPLOAD.search(r.headers.get("Location", ""))
            if r.status_code != 302 or gevonden is None:
                r.failure(f"upload: {r.status_code}")
                return
        upload = gevonden.group(1)
        for _ in range(5):  # confirm, or check again when someone else was first
            pagina = self.vraag("uploadpagina", f"{self.basis}/uploads/{upload}")
            if (bevestig := formulier(pagina.text, "inlezen")) is not None:
                if self.bevestig(upload, bevestig, ingevuld):
                    return
            elif (opnieuw := formulier(pagina.text, "opnieuw")) is not None:
                _gebeurtenissen.append({"soort": "opnieuw", "upload": upload})
                self.post("opnieuw controleren", opnieuw, {302})
            else:
                pagina.failure("neither a confirm nor a check-again button on the upload's page")
                return
        _gebeurtenissen.append({"soort": "opgegeven", "upload": upload})

    def post(self, naam: str, actie: tuple[str, dict[str, str]], goed: set[int]) -> Any:
        url, velden = actie
        with self.client.post(
            url, name=naam, data=velden, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code in goed:
                r.success()  # a 409 too, where it is expected
            else:
                r.failure(f"{r.status_code} {r.headers.get('Location', '')}")
            return r

    def bevestig(self, upload: str, actie: tuple[str, dict[str, str]], ingevuld: Ingevuld) -> bool:
        """Confirm (every third time twice at once); True when the return was accepted."""
        self.pogingen += 1
        tegelijk = 2 if self.pogingen % 3 == 2 else 1
        greenlets = [
            gevent.spawn(self.post, "bevestigen", actie, {302, 409}) for _ in range(tegelijk)
        ]
        gevent.joinall(greenlets)
        aanvaard = [
            int(m.group(1))
            for g in greenlets
            if g.value is not None
            and g.value.status_code == 302
            and (m := VERANTWOORDING.match(g.value.headers.get("Location", "")))
        ]
        if len(aanvaard) > 1:
            _gebeurtenissen.append({"soort": "dubbel", "upload": upload, "ids": aanvaard})
        if tegelijk == 2:
            _gebeurtenissen.append({"soort": "tegelijk", "aanvaard": len(aanvaard)})
        for verantwoording in aanvaard:
            _gebeurtenissen.append(
                {
                    "soort": "ingediend",
                    "upload": int(upload),
                    "verantwoording": verantwoording,
                    "beschikking": self.beschikking,
                    "door": self.account["email"],
                    "in_jaar": str(ingevuld.in_jaar),
                    "cumulatief": str(ingevuld.cumulatief),
                }
            )
        if aanvaard:
            return True
        if all(g.value is not None and g.value.status_code == 409 for g in greenlets):
            _gebeurtenissen.append({"soort": "conflict", "upload": upload})
        return False
