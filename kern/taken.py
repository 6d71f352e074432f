"""Background jobs: long work (a large import's check or confirmation, a large export) on
Huey's queue.

Knows nothing of any domain. A domain registers what a job of its kind does (`registreer`), and
starts one in a request (`start`); the job then runs in ``flask taken worker`` (Huey's
consumer), or at once in the request when no queue is configured (Huey's immediate mode: the
development server and the tests need no consumer). The life of a job::

    start()        in the request's session: an `Achtergrondtaak` row "wachtend"; sent to the
                   queue only when that session commits (`_verstuur`), so a job whose row was
                   rolled back never runs, and a job always has its row
    _voer_uit()    in the worker: marked "bezig" (committed at once), the domain's work in one
                   transaction that also marks it "klaar", or rolled back and marked "mislukt"
                   with the reason
    bekijk()       for the status page: the row with its live progress; a job "bezig" whose
                   heartbeat stopped (the worker was killed) is marked "mislukt" ("onderbroken")

Only one job per kind and key (an import per scheme) is waiting or running at a time: a unique
partial index holds it (`uq_achtergrondtaken_actief`), and `start` answers a second one with
`Bezet`. A job "bezig" holds it until it ends or its heartbeat stops.

Progress and heartbeat live in the queue's own storage, not in the job's row. On SQLite the
application's database has one writer: the job's own transaction holds the write lock from
its first insert (the check stages rows as it reads them; the import writes throughout) until
it commits, so progress written to the row from a second connection would wait for that very
commit (and fail after the busy timeout). Huey's storage is another file (SqliteHuey), Redis,
or memory (immediate mode), so a thread of the worker writes the counters and a heartbeat
there every `TAKEN_HARTSLAG` seconds, whatever the job's transaction holds; the row gets the
counters when the job ends, in the same transaction as its work. That thread dies with the
process, so a heartbeat older than `TAKEN_ONDERBROKEN_NA` means the worker is gone.

A job that ends marks itself "klaar" only while it is still "bezig" (`_voltooi`): when the
status page had declared it "onderbroken" in the meantime (its lock given to another job), its
work is rolled back instead of committed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.consumer import Consumer
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from kern import audit, tijd
from kern.db import Keuze, Model, db, tekst_enum, utcnow
from kern.formatting import datumtijd

log = logging.getLogger(__name__)

WACHTRIJEN = ("direct", "sqlite", "redis")
ONDERBROKEN = (
    "onderbroken. De verwerking stopte voordat de taak klaar was; er is niets van veranderd. "
    "Probeer het opnieuw."
)
STORING = (
    "een fout in de toepassing. Er is niets veranderd; probeer het later opnieuw of neem "
    "contact op met de beheerder van de toepassing."
)
_TE_VERSTUREN = "kern.taken: te versturen"  # Session.info: the jobs started in this session


class TaakStatus(Keuze):
    WACHTEND = "wachtend"  # in the queue, not taken by a worker yet
    BEZIG = "bezig"
    KLAAR = "klaar"
    MISLUKT = "mislukt"  # see `resultaat["melding"]`; nothing of its work was kept


ACTIEF = (TaakStatus.WACHTEND, TaakStatus.BEZIG)


class Achtergrondtaak(Model):
    """One job: what it does, for which object, who started it, how far it got, how it ended.

    Not `gemeenten.secties.Taak`, which is something a municipality has to do."""

    __tablename__ = "achtergrondtaken"
    __table_args__ = (
        sa.Index(
            "uq_achtergrondtaken_actief",
            "soort",
            "sleutel",
            unique=True,
            sqlite_where=sa.text("status IN ('wachtend', 'bezig')"),
            postgresql_where=sa.text("status IN ('wachtend', 'bezig')"),
        ),
        sa.Index("ix_achtergrondtaken_upload_id", "upload_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    soort: Mapped[str] = mapped_column(sa.String(40))  # the domain's kind, e.g. an import's
    sleutel: Mapped[str] = mapped_column(sa.String(80))  # for which object, e.g. a scheme's id
    stap: Mapped[str] = mapped_column(sa.String(40))  # what it does: "controleren", "inlezen"
    upload_id: Mapped[int | None] = mapped_column(sa.ForeignKey("uploads.id"))
    status: Mapped[TaakStatus] = mapped_column(
        tekst_enum(TaakStatus, "taakstatus"), default=TaakStatus.WACHTEND
    )
    regels_gecontroleerd: Mapped[int] = mapped_column(default=0)
    regels_ingelezen: Mapped[int] = mapped_column(default=0)
    totaal: Mapped[int | None]  # the rows to work through, when known beforehand
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)
    gestart_op: Mapped[datetime | None]
    klaar_op: Mapped[datetime | None]
    hartslag: Mapped[datetime | None]  # when the worker took it; the live one: `Voortgang`
    gebruiker_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("gebruikers.id", ondelete="SET NULL")
    )
    door: Mapped[str] = mapped_column(sa.String(254))
    gegevens: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)  # the domain's input
    resultaat: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)  # tekst, melding
    bestand: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)  # what it made
    bestandsnaam: Mapped[str | None] = mapped_column(sa.String(255))

    @property
    def actief(self) -> bool:
        return self.status in ACTIEF

    @property
    def melding(self) -> str | None:
        """Why it failed, or what it did, as the user reads it."""
        waarde = self.resultaat.get("melding") or self.resultaat.get("tekst")
        return None if waarde is None else str(waarde)


class Bezet(Exception):
    """Another job for the same kind and key is waiting or running."""


class Mislukt(Exception):
    """The domain refused the work (a Dutch message for the user); it is rolled back."""


# --- What a job does ---------------------------------------------------------------------------


@dataclass
class Voortgang:
    """A running job's counters, read by the heartbeat thread (`_Hartslag`)."""

    gecontroleerd: int = 0
    ingelezen: int = 0
    totaal: int | None = None

    def controleer(self, aantal: int) -> None:
        """A callback for a check: ``aantal`` more rows checked."""
        self.gecontroleerd += aantal

    def lees_in(self, aantal: int) -> None:
        """A callback for an import: ``aantal`` more rows imported."""
        self.ingelezen += aantal


Werk = Callable[[Achtergrondtaak, Voortgang], str]  # does the work (flushes); what it did


def registreer(app: Flask, soort: str, stap: str, werk: Werk) -> None:
    """What a job of ``soort`` doing ``stap`` does, for `_voer_uit`."""
    app.extensions["taken.werk"][soort, stap] = werk


# --- The queue ---------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    wachtrij = _wachtrij(app)

    def in_app_context(taak_id: int) -> None:
        with app.app_context():
            _voer_uit(taak_id)

    # Huey's task: called with a job's id, it queues it (or, immediate, runs it).
    voer_uit = wachtrij.task(name="achtergrondtaak")(in_app_context)
    app.extensions["taken"] = (wachtrij, voer_uit)
    app.extensions["taken.werk"] = {}
    app.cli.add_command(cli)


def soort_wachtrij(app: Flask) -> str:
    """``TAKEN_WACHTRIJ``, or the default: no queue (immediate) in development and tests,
    Redis when ``REDIS_URL`` is set, else SQLite beside the application."""
    gekozen = app.config.get("TAKEN_WACHTRIJ")
    if gekozen:
        if gekozen not in WACHTRIJEN:
            raise ValueError(f"TAKEN_WACHTRIJ={gekozen!r}: use one of {', '.join(WACHTRIJEN)}")
        return str(gekozen)
    if app.config["APP_ENV"] != "production":
        return "direct"
    return "redis" if app.config.get("REDIS_URL") else "sqlite"


def _wachtrij(app: Flask) -> Huey:
    soort = soort_wachtrij(app)
    naam = "versterkingsgelden"
    if soort == "direct":
        return MemoryHuey(naam, immediate=True, results=False)
    if soort == "redis":
        return RedisHuey(naam, url=app.config["REDIS_URL"], results=False)
    pad = app.config.get("TAKEN_SQLITE") or str(Path(app.instance_path) / "taken.sqlite")
    Path(pad).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(naam, filename=pad, results=False)


def wachtrij() -> Huey:
    huey: Huey = current_app.extensions["taken"][0]
    return huey


# --- Starting a job ----------------------------------------------------------------------------


def start(
    soort: str,
    sleutel: str,
    stap: str,
    *,
    door: str,
    bezet: str,
    gebruiker_id: int | None = None,
    upload_id: int | None = None,
    totaal: int | None = None,
    gegevens: dict[str, Any] | None = None,
) -> Achtergrondtaak:
    """A job, in the caller's session; queued when the caller commits. Raises `Bezet` (with
    ``bezet``, the domain's words, and who started the other one when) when a job of
    ``soort`` for ``sleutel`` is waiting or running. Two starts at the same instant both pass
    this check; the unique index then refuses the second as it is flushed (`kern.errors`:
    the Dutch 409 for a concurrent create)."""
    weiger_als_bezet(soort, sleutel, bezet)
    taak = Achtergrondtaak(
        soort=soort,
        sleutel=sleutel,
        stap=stap,
        door=door,
        gebruiker_id=gebruiker_id,
        upload_id=upload_id,
        totaal=totaal,
        gegevens=gegevens or {},
        resultaat={},
    )
    db.session.add(taak)
    db.session.flush()
    db.session.info.setdefault(_TE_VERSTUREN, []).append(taak.id)
    return taak


def weiger_als_bezet(soort: str, sleutel: str, bezet: str) -> None:
    """Raise `Bezet` (``bezet``, the domain's words, and who started the other job when) while
    a job of ``soort`` for ``sleutel`` waits or runs: for work the domain does in a request
    that must not run beside such a job."""
    andere = actieve(soort, sleutel)
    if andere is not None:
        raise Bezet(
            f"{bezet} (gestart op {datumtijd(andere.aangemaakt_op)} door {andere.door}). "
            "Wacht tot die klaar is; er is niets gestart."
        )


def actieve(soort: str, sleutel: str) -> Achtergrondtaak | None:
    """The job of ``soort`` for ``sleutel`` that is waiting or running, if any; one that was
    running but whose worker is gone is marked failed first (and so is none)."""
    for taak in db.session.execute(
        sa.select(Achtergrondtaak).where(
            Achtergrondtaak.soort == soort,
            Achtergrondtaak.sleutel == sleutel,
            Achtergrondtaak.status.in_(ACTIEF),
        )
    ).scalars():
        if not _onderbroken(taak):
            return taak
    return None


@event.listens_for(Session, "after_commit")
def _verstuur(sessie: Session) -> None:
    """Queue the jobs whose rows this commit made permanent. In immediate mode the job runs
    here, in an app context (and so a database session) of its own."""
    for taak_id in sessie.info.pop(_TE_VERSTUREN, []):
        current_app.extensions["taken"][1](taak_id)


@event.listens_for(Session, "after_rollback")
def _vergeet(sessie: Session) -> None:
    sessie.info.pop(_TE_VERSTUREN, None)


# --- Running it --------------------------------------------------------------------------------


def _voer_uit(taak_id: int) -> None:
    """Run one job (in the worker, or in immediate mode in the request that started it)."""
    taak = db.session.get(Achtergrondtaak, taak_id)
    if taak is None or taak.status is not TaakStatus.WACHTEND:
        log.warning("job %s is not waiting; not run", taak_id)
        return
    werk = current_app.extensions["taken.werk"][taak.soort, taak.stap]  # registered or a bug
    taak.status, taak.gestart_op = TaakStatus.BEZIG, tijd.nu()
    taak.hartslag = taak.gestart_op
    db.session.commit()  # short: the status page shows it running
    voortgang = Voortgang(totaal=taak.totaal)
    try:
        with _Hartslag(taak_id, voortgang), audit.als(taak.door):
            tekst = werk(taak, voortgang)
            _voltooi(taak_id, voortgang, TaakStatus.KLAAR, {"tekst": tekst})
            db.session.commit()  # the work and "klaar", together
    except Mislukt as fout:
        _mislukt(taak_id, voortgang, str(fout))
    except Exception:
        log.exception("job %s (%s, %s) failed", taak_id, taak.soort, taak.stap)
        _mislukt(taak_id, voortgang, STORING)


def _voltooi(
    taak_id: int, voortgang: Voortgang, status: TaakStatus, resultaat: dict[str, Any]
) -> None:
    """Mark the job ended, in the current transaction, while it is still "bezig"."""
    gedaan = db.session.execute(
        sa.update(Achtergrondtaak)
        .where(Achtergrondtaak.id == taak_id, Achtergrondtaak.status == TaakStatus.BEZIG)
        .values(
            status=status,
            klaar_op=tijd.nu(),
            regels_gecontroleerd=voortgang.gecontroleerd,
            regels_ingelezen=voortgang.ingelezen,
            resultaat=resultaat,
        )
        .execution_options(synchronize_session=False)
    )
    if gedaan.rowcount != 1:  # type: ignore[attr-defined]
        raise RuntimeError(f"job {taak_id} is no longer running; its work is not kept")


def _mislukt(taak_id: int, voortgang: Voortgang, melding: str) -> None:
    db.session.rollback()
    try:
        _voltooi(taak_id, voortgang, TaakStatus.MISLUKT, {"melding": melding})
    except RuntimeError:
        log.warning("job %s failed after it was declared interrupted", taak_id)
    db.session.commit()


class _Hartslag:
    """A thread writing the job's counters and a heartbeat to the queue's storage every
    ``TAKEN_HARTSLAG`` seconds while the job runs (see the module's docstring: why not the
    row), and once more at the end."""

    def __init__(self, taak_id: int, voortgang: Voortgang) -> None:
        self.sleutel = _live_sleutel(taak_id)
        self.voortgang = voortgang
        self.wachtrij = wachtrij()
        self.elke = float(current_app.config["TAKEN_HARTSLAG"])
        self.stop = threading.Event()
        self.draad = threading.Thread(target=self._klop, name=f"hartslag-{taak_id}", daemon=True)

    def __enter__(self) -> _Hartslag:
        self._schrijf()
        self.draad.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.draad.join()
        self._schrijf()

    def _klop(self) -> None:
        while not self.stop.wait(self.elke):
            self._schrijf()

    def _schrijf(self) -> None:
        v = self.voortgang
        try:
            self.wachtrij.put(
                self.sleutel,
                {
                    "gecontroleerd": v.gecontroleerd,
                    "ingelezen": v.ingelezen,
                    "totaal": v.totaal,
                    "hartslag": time.time(),
                },
            )
        except Exception:  # the queue's storage away for a moment: the next beat tries again
            log.exception("heartbeat of %s not written", self.sleutel)


def _live_sleutel(taak_id: int) -> str:
    return f"taak-{taak_id}"


def _live(taak_id: int) -> dict[str, Any]:
    try:
        waarde = wachtrij().get(_live_sleutel(taak_id), peek=True)
    except Exception:
        log.exception("progress of job %s not read", taak_id)
        return {}
    return waarde if isinstance(waarde, dict) else {}


# --- Reading it --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stand:
    """A job as its status page shows it: the row, with the live counters while it runs."""

    taak: Achtergrondtaak
    gecontroleerd: int
    ingelezen: int
    totaal: int | None
    resterend: timedelta | None  # estimated from the pace so far, when the total is known

    @property
    def gedaan(self) -> int:
        return self.ingelezen if self.taak.stap == "inlezen" else self.gecontroleerd

    @property
    def lang_wachtend(self) -> bool:
        """Waiting longer than a running job may be silent: no worker seems to run."""
        stilte = timedelta(seconds=float(current_app.config["TAKEN_ONDERBROKEN_NA"]))
        return self.taak.status is TaakStatus.WACHTEND and (
            tijd.nu() - self.taak.aangemaakt_op > stilte
        )

    @property
    def nog(self) -> str | None:
        """The estimated time left, in words."""
        if self.resterend is None:
            return None
        seconden = int(self.resterend.total_seconds())
        if seconden < 60:
            return "minder dan een minuut"
        minuten = round(seconden / 60)
        return "ongeveer 1 minuut" if minuten == 1 else f"ongeveer {minuten} minuten"

    @property
    def procent(self) -> int | None:
        if not self.totaal:
            return None
        return min(100, self.gedaan * 100 // self.totaal)


def bekijk(taak: Achtergrondtaak) -> Stand:
    """The job's state now; one whose worker is gone is marked failed (and committed)."""
    live = _live(taak.id) if taak.actief else {}
    if _onderbroken(taak, live):
        db.session.commit()
    if taak.actief:
        gecontroleerd = int(live.get("gecontroleerd", 0))
        ingelezen = int(live.get("ingelezen", 0))
    else:
        gecontroleerd, ingelezen = taak.regels_gecontroleerd, taak.regels_ingelezen
    totaal = live.get("totaal", taak.totaal)
    stand = Stand(taak, gecontroleerd, ingelezen, totaal, None)
    if taak.status is TaakStatus.BEZIG and totaal and stand.gedaan and taak.gestart_op:
        verstreken = tijd.nu() - taak.gestart_op
        resterend = verstreken * (totaal - stand.gedaan) / stand.gedaan
        stand = Stand(taak, gecontroleerd, ingelezen, totaal, max(resterend, timedelta(0)))
    return stand


def laatste_van_upload(upload_id: int) -> Achtergrondtaak | None:
    return db.session.execute(
        sa.select(Achtergrondtaak)
        .where(Achtergrondtaak.upload_id == upload_id)
        .order_by(Achtergrondtaak.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _onderbroken(taak: Achtergrondtaak, live: dict[str, Any] | None = None) -> bool:
    """Whether ``taak`` was running and its worker is gone (no heartbeat for
    ``TAKEN_ONDERBROKEN_NA`` seconds); if so it is marked failed in the session, which
    releases its lock. The caller commits."""
    if taak.status is not TaakStatus.BEZIG:
        return False
    live = _live(taak.id) if live is None else live
    laatst = max(
        float(live.get("hartslag", 0)),
        (taak.hartslag or taak.aangemaakt_op).timestamp(),
    )
    if time.time() - laatst < float(current_app.config["TAKEN_ONDERBROKEN_NA"]):
        return False
    gedaan = db.session.execute(
        sa.update(Achtergrondtaak)
        .where(Achtergrondtaak.id == taak.id, Achtergrondtaak.status == TaakStatus.BEZIG)
        .values(status=TaakStatus.MISLUKT, klaar_op=tijd.nu(), resultaat={"melding": ONDERBROKEN})
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(taak)
    return bool(gedaan.rowcount)  # type: ignore[attr-defined]


# --- The worker --------------------------------------------------------------------------------

cli = AppGroup("taken", help="Achtergrondtaken: de verwerker van de wachtrij.")


@cli.command("worker")
@click.option("--aantal", default=1, show_default=True, help="Taken tegelijk (threads).")
def worker(aantal: int) -> None:
    """Voer de taken uit de wachtrij uit tot het proces stopt (Ctrl-C, SIGTERM)."""
    soort = soort_wachtrij(current_app)
    if soort == "direct":
        raise click.ClickException(
            "Er is geen wachtrij ingesteld (TAKEN_WACHTRIJ=direct): taken worden direct in het "
            "verzoek uitgevoerd. Zet TAKEN_WACHTRIJ=sqlite of redis (of APP_ENV=production)."
        )
    click.echo(f"Verwerker gestart: wachtrij {soort}, {aantal} tegelijk.")
    # Each job pushes an app context of its own (`init_app`); max_delay: an idle SQLite queue
    # is polled at least once a second.
    Consumer(wachtrij(), workers=aantal, periodic=False, max_delay=1.0).run()
