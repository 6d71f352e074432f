"""Fault test: a gunicorn worker killed (SIGKILL) while it confirms an upload.

    .venv/bin/python bench/fouten.py [--willekeurig 5] [--gemeenten 20 --jaren 2]

Sets up as `bench/last.py` does (a PostgreSQL database of its own, gunicorn as ``make serve``
runs it, on 127.0.0.1) with one municipality user, and then, as that user, with the return
import (`subsidies.verantwoording_import`):

1. In the middle: a connection of the script holds a lock on ``--tabel`` (default the audit
   upload, which the confirmation writes last: after the return, its lines, their audit
   entries and the security log), so that the confirmation stops there with its other rows
   written and not committed. The script
   finds the worker that holds that database connection and kills it with SIGKILL, then lets
   go of the lock.
2. ``--willekeurig`` times at a random moment: the confirmation is sent and the worker that
   has the request is killed after a random wait between 0 and the time a confirmation takes.

After every kill: the upload is either confirmed completely (the return with all its lines,
the upload marked imported and naming it, its audit entries) or not at all (nothing of it in
the database, the upload still waiting with its version), and the retry through the upload's
page succeeds exactly once (a confirmed one is refused). The exit status is 1 when a check
fails. Database and server are removed however the run ends.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import threading
import time
from dataclasses import dataclass
from decimal import Decimal

import psutil
import psycopg
from aanmelden import csrf_token, meld_aan
from omgeving import Omgeving, Sessie, _psql_url
from proef import beschikkingen_open
from verantwoording import UPLOAD, VERANTWOORDING, XLSX, Ingevuld, formulier, vul_in


@dataclass
class Stand:
    status: str  # the upload's
    resultaat: str | None  # the upload's: "verantwoording:<id>" once imported
    terugmeldingen: dict[int, tuple[Decimal, Decimal]]  # id: spent in the year, cumulative


@dataclass
class Poging:
    upload: int
    bevestig: tuple[str, dict[str, str]]
    ingevuld: Ingevuld


class Fouttest:
    def __init__(self, omgeving: Omgeving, sessie: Sessie, beschikking: int) -> None:
        self.omgeving = omgeving
        self.sessie = sessie
        self.beschikking = beschikking
        self.basis = f"/versterkingsgelden/beschikkingen/{beschikking}"
        self.rng = random.Random(2015)
        self.fouten: list[str] = []

    def db(self) -> psycopg.Connection:  # type: ignore[type-arg]
        return psycopg.connect(_psql_url(self.omgeving.database_url), autocommit=True)

    # --- The user's steps --------------------------------------------------------------------

    def upload(self) -> Poging:
        """Download the template, fill it in, upload it; the upload's confirm form."""
        sjabloon = self.sessie.get(f"{self.basis}/verantwoording.xlsx")
        ingevuld = vul_in(sjabloon.content, self.rng)
        pagina = self.sessie.get(f"{self.basis}/verantwoording/upload")
        antwoord = self.sessie.post(
            f"{self.basis}/verantwoording/upload",
            data={"csrf_token": csrf_token(pagina.text)},
            files={"bestand": ("verantwoording.xlsx", ingevuld.inhoud, XLSX)},
            allow_redirects=False,
        )
        gevonden = UPLOAD.search(antwoord.headers.get("Location", ""))
        assert gevonden, f"upload: {antwoord.status_code}"
        upload = int(gevonden.group(1))
        return Poging(upload, self.bevestigformulier(upload), ingevuld)

    def bevestigformulier(self, upload: int) -> tuple[str, dict[str, str]]:
        pagina = self.sessie.get(f"{self.basis}/uploads/{upload}").text
        bevestig = formulier(pagina, "inlezen")
        assert bevestig, f"upload {upload}: no confirm button on its page"
        return bevestig

    def bevestig(self, actie: tuple[str, dict[str, str]]):  # type: ignore[no-untyped-def]
        return self.sessie.post(actie[0], data=actie[1], allow_redirects=False)

    # --- The database as it is ---------------------------------------------------------------

    def stand(self, upload: int) -> Stand:
        """The upload's status and result, and the returns of this decision with their lines
        added up."""
        with self.db() as verbinding:
            status, resultaat = verbinding.execute(
                "SELECT status, resultaat FROM uploads WHERE id = %s", (upload,)
            ).fetchone()  # type: ignore[misc]
            terugmeldingen = verbinding.execute(
                "SELECT v.id, COALESCE(SUM(r.besteed_in_jaar), 0),"
                " COALESCE(SUM(r.besteed_cumulatief), 0)"
                " FROM verantwoordingen v LEFT JOIN verantwoording_regels r"
                " ON r.verantwoording_id = v.id WHERE v.beschikking_id = %s"
                " GROUP BY v.id ORDER BY v.id",
                (self.beschikking,),
            ).fetchall()
        return Stand(status, resultaat, {r[0]: (r[1], r[2]) for r in terugmeldingen})

    def audit_van(self, verantwoording: int) -> int:
        with self.db() as verbinding:
            rij = verbinding.execute(
                "SELECT count(*) FROM audit_regels"
                " WHERE soort = 'verantwoording' AND object_id = %s AND actie = 'aangemaakt'",
                (verantwoording,),
            ).fetchone()
        return int(rij[0]) if rij else 0

    # --- The checks --------------------------------------------------------------------------

    def controleer(self, naam: str, poging: Poging, voor: Stand) -> None:
        """All or nothing, then a retry that succeeds exactly once."""
        na = self.stand(poging.upload)
        nieuw = {k: v for k, v in na.terugmeldingen.items() if k not in voor.terugmeldingen}
        bedragen = (poging.ingevuld.in_jaar, poging.ingevuld.cumulatief)
        if na.status == "geimporteerd":
            ok = (
                len(nieuw) == 1
                and na.resultaat == f"verantwoording:{next(iter(nieuw))}"
                and next(iter(nieuw.values())) == bedragen
                and self.audit_van(next(iter(nieuw))) == 1
            )
            uitkomst = "confirmed completely before the kill"
        else:
            ok = na.status == "gecontroleerd" and not nieuw and na.resultaat is None
            uitkomst = "nothing of it in the database"
        if not ok:
            self.fouten.append(f"{naam}: partial: upload {na.status} {na.resultaat}, new {nieuw}")
            return
        # The retry: through the upload's page, as a user would after an error.
        pagina = self.sessie.get(f"{self.basis}/uploads/{poging.upload}").text
        bevestig = formulier(pagina, "inlezen")
        if na.status == "geimporteerd":
            opnieuw = self.bevestig(poging.bevestig)
            if bevestig is not None or opnieuw.status_code not in (400, 409):
                self.fouten.append(f"{naam}: a confirmed upload could be confirmed again")
        elif bevestig is None:
            self.fouten.append(f"{naam}: no confirm button after the kill")
        else:
            opnieuw = self.bevestig(bevestig)
            gevonden = VERANTWOORDING.match(opnieuw.headers.get("Location", ""))
            daarna = self.stand(poging.upload)
            extra = len(daarna.terugmeldingen) - len(voor.terugmeldingen)
            if opnieuw.status_code != 302 or gevonden is None or daarna.status != "geimporteerd":
                self.fouten.append(f"{naam}: the retry failed: {opnieuw.status_code}")
            elif daarna.resultaat != f"verantwoording:{gevonden.group(1)}" or extra != 1:
                self.fouten.append(f"{naam}: the retry left {extra} new returns")
            uitkomst += "; the retry succeeded"
        print(f"  {naam}: {uitkomst}")

    # --- The kills ---------------------------------------------------------------------------

    def worker_met_poort(self, poort: int, *, van_database: bool) -> int | None:
        """The worker with a TCP connection whose local port is ``poort`` (its database
        connection), or whose remote port is ``poort`` (a client's request)."""
        for pid in self.omgeving.workers_pids():
            try:
                verbindingen = psutil.Process(pid).net_connections(kind="tcp")
            except psutil.Error:
                continue
            for v in verbindingen:
                if van_database and v.laddr and v.laddr.port == poort:
                    return pid
                if not van_database and v.raddr and v.raddr.port == poort:
                    return pid
        return None

    def midden(self, tabel: str) -> None:
        """Kill the worker while its confirmation waits on a lock, its first rows written."""
        poging = self.upload()
        voor = self.stand(poging.upload)
        houder = self.db()
        houder.autocommit = False
        houder.execute(f'LOCK TABLE "{tabel}" IN SHARE MODE')  # writers wait; readers do not
        draad = threading.Thread(target=self._bevestig_stil, args=(poging,))
        draad.start()
        wachtend = None
        tot = time.monotonic() + 60
        with self.db() as kijker:
            while wachtend is None and time.monotonic() < tot:
                wachtend = kijker.execute(
                    "SELECT pid, client_port, backend_xid IS NOT NULL FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                ).fetchone()
                time.sleep(0.05)
            assert wachtend, f"no confirmation waited on the lock on {tabel}"
            backend, poort, geschreven = wachtend
            tabellen = [
                r[0]
                for r in kijker.execute(
                    "SELECT DISTINCT c.relname FROM pg_locks l"
                    " JOIN pg_class c ON c.oid = l.relation WHERE l.pid = %s"
                    " AND l.mode = 'RowExclusiveLock' AND l.granted AND c.relkind = 'r'"
                    " ORDER BY 1",
                    (backend,),
                )
            ]
        worker = self.worker_met_poort(poort, van_database=True)
        assert worker, f"no worker of ours holds the database connection on port {poort}"
        print(
            f"  confirmation waiting on {tabel}, having written to {', '.join(tabellen) or '-'} "
            f"(transaction id assigned: {geschreven}); SIGKILL to worker {worker}"
        )
        if not geschreven:
            self.fouten.append(f"middle: nothing written before the lock on {tabel}")
        os.kill(worker, signal.SIGKILL)
        draad.join(60)
        houder.rollback()
        houder.close()
        self._wacht_tot_weg(backend)
        self.controleer("killed in the middle", poging, voor)

    def willekeurig(self, keer: int) -> None:
        """Kill the worker that has the confirmation at a random moment, ``keer`` times."""
        poging = self.upload()
        voor = self.stand(poging.upload)
        begin = time.monotonic()
        self.bevestig(poging.bevestig)
        duur = time.monotonic() - begin
        self.controleer("undisturbed, to time a confirmation", poging, voor)
        print(f"  a confirmation takes {duur * 1000:.0f} ms")
        for i in range(1, keer + 1):
            poging = self.upload()
            voor = self.stand(poging.upload)
            draad = threading.Thread(target=self._bevestig_stil, args=(poging,))
            draad.start()
            time.sleep(self.rng.uniform(0, duur))
            gedood = None
            for poort in self._client_poorten():
                gedood = self.worker_met_poort(poort, van_database=False)
                if gedood:
                    break
            if gedood:
                os.kill(gedood, signal.SIGKILL)
            draad.join(60)
            self._wacht_op_workers()
            wanneer = "" if gedood else " (done before the kill)"
            self.controleer(f"random {i}{wanneer}", poging, voor)

    def _bevestig_stil(self, poging: Poging) -> None:
        with contextlib.suppress(OSError):  # a killed worker ends the connection unanswered
            self.bevestig(poging.bevestig)

    def _client_poorten(self) -> list[int]:
        """The local ports of this process's connections to gunicorn."""
        return [
            v.laddr.port
            for v in psutil.Process().net_connections(kind="tcp")
            if v.raddr and v.raddr.port == self.omgeving.poort and v.status == "ESTABLISHED"
        ]

    def _wacht_tot_weg(self, backend: int) -> None:
        """Until the killed worker's database session has ended (and rolled back)."""
        with self.db() as kijker:
            for _ in range(600):
                if not kijker.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = %s", (backend,)
                ).fetchone():
                    return
                time.sleep(0.05)
        self.fouten.append(f"the killed worker's database session {backend} did not end")

    def _wacht_op_workers(self) -> None:
        """gunicorn starts a new worker for the killed one; wait until it answers."""
        for _ in range(200):
            if len(self.omgeving.workers_pids()) >= (self.omgeving.workers or 2):
                try:
                    if self.sessie.get("/gezondheid", timeout=10).status_code == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--willekeurig", type=int, default=5, help="kills at random moments")
    parser.add_argument("--tabel", default="uploads", help="the table locked mid-way")
    parser.add_argument("--gemeenten", type=int, default=20)
    parser.add_argument("--jaren", type=int, default=2)
    parser.add_argument("--workers", type=int)
    args = parser.parse_args()

    with Omgeving(gemeenten=args.gemeenten, jaren=args.jaren, workers=args.workers) as omgeving:
        omgeving.vul()
        beschikking, cbs_code = beschikkingen_open(omgeving, 1)[0]
        (account,) = omgeving.maak_accounts([("bench-fout@bench.example", "gemeente", cbs_code)])
        omgeving.start_gunicorn()
        with omgeving.sessie() as sessie:
            meld_aan(sessie, account.email, account.wachtwoord)
            test = Fouttest(omgeving, sessie, beschikking)
            print("A worker killed during an upload's confirmation:")
            test.midden(args.tabel)
            test._wacht_op_workers()
            test.willekeurig(args.willekeurig)
    for fout in test.fouten:
        print("FAIL:", fout)
    print("all checks passed" if not test.fouten else f"{len(test.fouten)} checks FAILED")
    return 1 if test.fouten else 0


if __name__ == "__main__":
    raise SystemExit(main())
