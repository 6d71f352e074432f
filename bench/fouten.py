"""Fault test: a gunicorn worker killed (SIGKILL) while it confirms an upload, and the jobs'
worker killed while it runs a job.

    .venv/bin/python bench/fouten.py [--willekeurig 5] [--gemeenten 25 --jaren 2]

Sets up as `bench/last.py` does (a PostgreSQL database of its own, gunicorn as ``make serve``
runs it, on 127.0.0.1) with one municipality user, and then, as that user, with the return
import (`subsidies.verantwoording_import`):

1. In the middle: a connection of the script holds a lock on ``--tabel`` (default the data
   version, `kern.audit.Dataversie`, which every transaction that changes programme data
   writes last, just before it commits), so that the confirmation stops there with all its
   rows written and not committed. The script finds the worker that holds that database
   connection and kills it with SIGKILL, then lets go of the lock.
2. ``--willekeurig`` times at a random moment: the confirmation is sent and the worker that
   has the request is killed after a random wait between 0 and the time a confirmation takes.

After every kill: the upload is either confirmed completely (the return with all its lines,
the upload marked imported and naming it, its audit entries) or not at all (nothing of it in
the database, the upload still waiting with its version), and the retry through the upload's
page succeeds exactly once (a confirmed one is refused).

3. A job: an officer uploads a historical import of 3,750 grant rows (more than a request
   imports, so confirming it starts a job, `subsidies.historische_import.achtergrond`), and
   the jobs' worker (``flask taken worker``, started here) is killed with SIGKILL while the
   job waits on the same lock: its decisions, audit entries and "klaar" written and not
   committed. Then nothing of the job is in the
   database, the upload still waits, after ``ONDERBROKEN_NA`` seconds without a heartbeat the
   upload's page says the job was interrupted (and its row is "mislukt"), and with the worker
   started again the retry imports every row.

The exit status is 1 when a check fails. Database, server and worker are removed however the
run ends.
"""

from __future__ import annotations

import argparse
import contextlib
import io
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
from openpyxl import load_workbook
from proef import beschikkingen_open
from verantwoording import UPLOAD, VERANTWOORDING, XLSX, Ingevuld, formulier, vul_in

ONDERBROKEN_NA = 4  # seconds without a heartbeat before a job counts as interrupted (here)


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
        backend, poort, geschreven, tabellen = self._wachtend_op_slot()
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

    def _wachtend_op_slot(self) -> tuple[int, int, bool, list[str]]:
        """The database session that waits on the script's lock: its id, its client's port,
        whether its transaction has written, and the tables it has written to."""
        with self.db() as kijker:
            for _ in range(1200):
                wachtend = kijker.execute(
                    "SELECT pid, client_port, backend_xid IS NOT NULL FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                ).fetchone()
                if wachtend:
                    break
                time.sleep(0.05)
            else:
                raise AssertionError("nothing waited on the lock within a minute")
            tabellen = [
                r[0]
                for r in kijker.execute(
                    "SELECT DISTINCT c.relname FROM pg_locks l"
                    " JOIN pg_class c ON c.oid = l.relation WHERE l.pid = %s"
                    " AND l.mode = 'RowExclusiveLock' AND l.granted AND c.relkind = 'r'"
                    " ORDER BY 1",
                    (wachtend[0],),
                )
            ]
        return int(wachtend[0]), int(wachtend[1]), bool(wachtend[2]), tabellen

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

    # --- A background job's worker killed ------------------------------------------------------

    def taak(
        self, officier: Sessie, regeling: int, rijen: list[tuple[object, ...]], tabel: str
    ) -> None:
        """Kill the jobs' worker while it imports a historical file (a job: more rows than a
        request imports) and waits on the lock on ``tabel``, then retry once the page says
        the job was interrupted."""
        adres = f"/versterkingsgelden/regelingen/{regeling}/import"
        werkmap = load_workbook(io.BytesIO(officier.get(f"{adres}/sjabloon.xlsx").content))
        blad = werkmap.active
        for rij in rijen:
            blad.append(rij)
        inhoud = io.BytesIO()
        werkmap.save(inhoud)
        antwoord = officier.post(
            adres,
            data={"csrf_token": csrf_token(officier.get(adres).text)},
            files={"bestand": ("historie.xlsx", inhoud.getvalue(), XLSX)},
            allow_redirects=False,
        )
        upload = int(antwoord.headers["Location"].rsplit("/", 1)[1])
        pagina = f"{adres}/{upload}"
        bevestig = formulier(officier.get(pagina).text, "bevestigen")
        assert bevestig, f"historical upload {upload}: no confirm button (refused?)"
        houder = self.db()
        houder.autocommit = False
        houder.execute(f'LOCK TABLE "{tabel}" IN SHARE MODE')  # writers wait; readers do not
        officier.post(bevestig[0], data=bevestig[1], allow_redirects=False)
        backend, poort, geschreven, tabellen = self._wachtend_op_slot()
        assert self.omgeving.verwerker is not None
        verbindingen = psutil.Process(self.omgeving.verwerker.pid).net_connections("tcp")
        assert poort in {v.laddr.port for v in verbindingen}, "not the jobs' worker waiting"
        with self.db() as verbinding:
            taak, status = verbinding.execute(
                "SELECT id, status FROM achtergrondtaken WHERE upload_id = %s", (upload,)
            ).fetchone()  # type: ignore[misc]
        print(
            f"  job {taak} ({status}) waiting on {tabel}, having written to "
            f"{', '.join(tabellen) or '-'}; SIGKILL to the jobs' worker"
        )
        if not geschreven or status != "bezig":
            self.fouten.append(f"job {taak} ({status}): nothing written before the lock")
        os.kill(self.omgeving.verwerker.pid, signal.SIGKILL)
        self.omgeving.stop_verwerker()
        houder.rollback()
        houder.close()
        self._wacht_tot_weg(backend)
        gebleven = self._beschikkingen(regeling)
        if gebleven != (0, 0) or self._upload_status(upload) != "gecontroleerd":
            self.fouten.append(f"job: the killed job left {gebleven} (decisions, amount)")
        else:
            print("  nothing of it in the database, the upload still waits to be confirmed")
        time.sleep(ONDERBROKEN_NA + 1)
        tekst = officier.get(pagina).text
        status, melding = self._taak(taak)
        if status != "mislukt" or "onderbroken" not in f"{melding}" or "onderbroken" not in tekst:
            self.fouten.append(f"job {taak}: after the kill {status}, {melding!r}")
            return
        print(f"  after {ONDERBROKEN_NA} s without a heartbeat the page says: job interrupted")
        self.omgeving.start_verwerker()
        bevestig = formulier(tekst, "bevestigen")
        if bevestig is None:
            self.fouten.append("job: no confirm button after the interrupted job")
            return
        officier.post(bevestig[0], data=bevestig[1], allow_redirects=False)
        nieuw = self._wacht_op_taak(upload, na=taak)
        verwacht = (len({(r[1], r[3]) for r in rijen}), sum(Decimal(str(r[5])) for r in rijen))
        heeft = self._beschikkingen(regeling)
        if self._taak(nieuw)[0] != "klaar" or heeft != verwacht:
            self.fouten.append(f"job: the retry {self._taak(nieuw)}: {heeft}, expected {verwacht}")
        else:
            print(
                f"  the retry (job {nieuw}) imported {len(rijen):,} rows in "
                f"{self._duur(nieuw):.1f} s: {heeft[0]} decisions, as the file says"
            )

    def _wacht_op_taak(self, upload: int, *, na: int) -> int:
        with self.db() as kijker:
            for _ in range(3000):
                rij = kijker.execute(
                    "SELECT id, status FROM achtergrondtaken WHERE upload_id = %s AND id > %s"
                    " ORDER BY id DESC LIMIT 1",
                    (upload, na),
                ).fetchone()
                if rij and rij[1] in ("klaar", "mislukt"):
                    return int(rij[0])
                time.sleep(0.1)
        raise AssertionError(f"the retried job of upload {upload} did not end within 5 minutes")

    def _duur(self, taak: int) -> float:
        with self.db() as verbinding:
            rij = verbinding.execute(
                "SELECT extract(epoch FROM klaar_op - gestart_op) FROM achtergrondtaken"
                " WHERE id = %s",
                (taak,),
            ).fetchone()
        return float(rij[0]) if rij else 0.0

    def _taak(self, taak: int) -> tuple[str, str | None]:
        with self.db() as verbinding:
            status, resultaat = verbinding.execute(
                "SELECT status, resultaat FROM achtergrondtaken WHERE id = %s", (taak,)
            ).fetchone()  # type: ignore[misc]
        return status, (resultaat or {}).get("melding")

    def _beschikkingen(self, regeling: int) -> tuple[int, Decimal]:
        with self.db() as verbinding:
            aantal, som = verbinding.execute(
                "SELECT count(b.id), COALESCE(SUM(b.bedrag), 0) FROM beschikkingen b"
                " JOIN regelingjaren j ON j.id = b.regeling_jaar_id WHERE j.regeling_id = %s",
                (regeling,),
            ).fetchone()  # type: ignore[misc]
        return int(aantal), Decimal(som)

    def _upload_status(self, upload: int) -> str:
        with self.db() as verbinding:
            rij = verbinding.execute("SELECT status FROM uploads WHERE id = %s", (upload,))
            return str(rij.fetchone()[0])  # type: ignore[index]

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


def historische_regeling(omgeving: Omgeving) -> tuple[int, list[tuple[object, ...]]]:
    """A scheme of ten years and fifteen purposes, and the rows of a historical import that
    grants every municipality in the database an amount per purpose and year (more rows than
    a request imports: a job does it)."""
    from sqlalchemy import select

    from gemeenten.models import Gemeente
    from kern.db import db
    from subsidies import services

    jaren = range(2015, 2025)
    doelen = [(f"doel_{i:02d}", f"Bestedingsdoel {i}", None) for i in range(1, 16)]
    with omgeving.app().app_context():
        regeling = services.maak_regeling(
            naam="Versterkingsgelden (fouttest)",
            grondslag="Kaderwet SZW-subsidies",
            jaren=dict.fromkeys(jaren, Decimal("900000000.00")),
            doelen=doelen,
        )
        db.session.commit()
        gemeenten = db.session.execute(select(Gemeente).order_by(Gemeente.id)).scalars().all()
        rijen: list[tuple[object, ...]] = [
            ("toekenning", g.cbs_code, g.naam, jaar, code, 1000 + (g.id * 7 + jaar + i) % 9000)
            for g in gemeenten
            for jaar in jaren
            for i, (code, _, _) in enumerate(doelen)
        ]
        return regeling.id, rijen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--willekeurig", type=int, default=5, help="kills at random moments")
    parser.add_argument("--tabel", default="dataversie", help="the table locked mid-way")
    parser.add_argument("--gemeenten", type=int, default=25)
    parser.add_argument("--jaren", type=int, default=2)
    parser.add_argument("--workers", type=int)
    args = parser.parse_args()

    snel = {"FLASK_TAKEN_HARTSLAG": "1", "FLASK_TAKEN_ONDERBROKEN_NA": str(ONDERBROKEN_NA)}
    with Omgeving(
        gemeenten=args.gemeenten, jaren=args.jaren, workers=args.workers, extra_env=snel
    ) as omgeving:
        omgeving.vul()
        beschikking, cbs_code = beschikkingen_open(omgeving, 1)[0]
        regeling, rijen = historische_regeling(omgeving)
        gemeente, officier = omgeving.maak_accounts(
            [
                ("bench-fout@bench.example", "gemeente", cbs_code),
                ("bench-officier@bench.example", "beleidsmedewerker", None),
            ]
        )
        omgeving.start_gunicorn()
        omgeving.start_verwerker()
        with omgeving.sessie() as sessie, omgeving.sessie() as officier_sessie:
            meld_aan(sessie, gemeente.email, gemeente.wachtwoord, gemeente.totp_geheim)
            meld_aan(officier_sessie, officier.email, officier.wachtwoord, officier.totp_geheim)
            test = Fouttest(omgeving, sessie, beschikking)
            print("A worker killed during an upload's confirmation:")
            test.midden(args.tabel)
            test._wacht_op_workers()
            test.willekeurig(args.willekeurig)
            print("The jobs' worker killed during a job (a historical import):")
            test.taak(officier_sessie, regeling, rijen, args.tabel)
    for fout in test.fouten:
        print("FAIL:", fout)
    print("all checks passed" if not test.fouten else f"{len(test.fouten)} checks FAILED")
    return 1 if test.fouten else 0


if __name__ == "__main__":
    raise SystemExit(main())
