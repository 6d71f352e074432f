"""What the load scripts share: a PostgreSQL database of their own filled by ``flask demo
landelijk``, accounts to sign in with, and gunicorn serving it as ``make serve`` does
(``APP_ENV=production``, ``gunicorn.conf.py``), on 127.0.0.1 only.

`Omgeving` is a context manager: leaving it, however (an exception, Ctrl-C, the SIGTERM of
``timeout``), stops the gunicorn it started (its master by PID, then what is left of the
process group it made) and drops the database it made. It touches no other process.

Used by `bench/last.py` (page latency), `bench/proef.py` (uploads and exports under load)
and `bench/fouten.py` (a worker killed mid-confirmation).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import requests
from aanmelden import sessie_voor_bench

HIER = Path(__file__).resolve().parent
PROJECT = HIER.parent
sys.path.insert(0, str(PROJECT))

PG = os.environ.get("BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14")  # keys prefixed per run
BASISLIJN = "basislijn: /gezondheid"


def stop_bij_sigterm() -> None:
    """``timeout`` and CI end a run with SIGTERM: turn it into SystemExit, so that every
    ``finally`` (and `Omgeving.__exit__`) still cleans up."""

    def _stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _stop)


def vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _psql_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _beheer(sql: str) -> None:
    import psycopg

    with psycopg.connect(_psql_url(f"{PG}/postgres"), autocommit=True) as verbinding:
        verbinding.execute(sql)  # type: ignore[arg-type]


def redis_antwoordt() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS, socket_timeout=1).ping())
    except Exception:
        return False


class Sessie(requests.Session):
    """A ``requests.Session`` that asks paths of one server, as locust's ``HttpSession``."""

    def __init__(self, basis: str) -> None:
        super().__init__()
        self.basis = basis
        sessie_voor_bench(self)

    def request(self, method, url, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        kwargs.setdefault("timeout", 120)
        adres = self.basis + url if url.startswith("/") else url
        return super().request(method, adres, *args, **kwargs)


@dataclass
class Account:
    email: str
    wachtwoord: str
    rol: str
    cbs_code: str | None = None
    totp_geheim: str | None = None  # its second factor, enrolled directly


@dataclass
class Omgeving:
    """A database and a gunicorn of this run's own. ``kopie_van`` copies an already filled
    database instead of generating one (quicker when measuring again)."""

    naam: str = field(default_factory=lambda: f"bench_{os.getpid()}")
    gemeenten: int | None = None  # None: all of the CBS list
    jaren: int = 10
    workers: int | None = None  # None: gunicorn.conf.py's (WEB_CONCURRENCY, default 2)
    poort: int = 0
    kopie_van: str | None = None
    met_redis: bool = True
    logmap: Path | None = None
    gunicorn: subprocess.Popen[bytes] | None = None
    verwerker: subprocess.Popen[bytes] | None = None  # `flask taken worker`, when started
    extra_env: dict[str, str] = field(default_factory=dict)  # for gunicorn and the worker
    # The code gunicorn serves and the Python it runs: this checkout's, or another version's
    # (`bench/voor_na.py`).
    code: Path = PROJECT
    python: str = sys.executable
    geheim: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    wachtwoord: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    _database_gemaakt: bool = False

    @property
    def database_url(self) -> str:
        return f"{PG}/{self.naam}"

    @property
    def basis_url(self) -> str:
        return f"http://127.0.0.1:{self.poort}"

    @property
    def redis_url(self) -> str | None:
        return REDIS if self.met_redis else None

    # --- The database -----------------------------------------------------------------------

    def __enter__(self) -> Omgeving:
        stop_bij_sigterm()
        self.poort = self.poort or vrije_poort()
        self.met_redis = self.met_redis and redis_antwoordt()
        self.logmap = self.logmap or Path(tempfile.gettempdir()) / f"{self.naam}-log"
        self.logmap.mkdir(parents=True, exist_ok=True)
        self.leeg_redis()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop_verwerker()
        self.stop_gunicorn()
        self.leeg_redis()
        if self._database_gemaakt:
            _beheer(f'DROP DATABASE IF EXISTS "{self.naam}" WITH (FORCE)')

    def vul(self) -> None:
        """Make the database and fill it: the migrations and ``flask demo landelijk``."""
        _beheer(f'DROP DATABASE IF EXISTS "{self.naam}" WITH (FORCE)')
        if self.kopie_van:
            _beheer(f'CREATE DATABASE "{self.naam}" TEMPLATE "{self.kopie_van}"')
            self._database_gemaakt = True
            return
        _beheer(f'CREATE DATABASE "{self.naam}"')
        self._database_gemaakt = True
        env = self.omgevingsvariabelen(productie=False)
        flask = [sys.executable, "-m", "flask"]
        subprocess.run([*flask, "db", "upgrade"], env=env, cwd=PROJECT, check=True)  # noqa: S603
        opties = ["--jaren", str(self.jaren)]
        if self.gemeenten:
            opties += ["--gemeenten", str(self.gemeenten)]
        subprocess.run([*flask, "demo", "landelijk", *opties], env=env, cwd=PROJECT, check=True)  # noqa: S603

    def app(self):  # type: ignore[no-untyped-def]
        """The application on this database, in development mode, for setting up and checking."""
        from kern.app import create_app

        return create_app({"APP_ENV": "development", "SQLALCHEMY_DATABASE_URI": self.database_url})

    def maak_accounts(self, soorten: list[tuple[str, str, str | None]]) -> list[Account]:
        """Accounts ``(email, rol, cbs_code)``, all with this run's password, each with its
        second factor enrolled (a TOTP secret of its own, as if its first code was given)."""
        import pyotp

        from kern import tijd
        from kern.accounts import services as accounts
        from kern.accounts.gemeentebron import bron
        from kern.accounts.models import Rol
        from kern.db import db

        app = self.app()
        uit = []
        with app.app_context():
            for email, rol, cbs_code in soorten:
                gebruiker = accounts.maak_gebruiker(
                    accounts.NieuweGebruiker(
                        email=email,
                        naam=f"Bench {email.split('@')[0]}",
                        rol=Rol(rol),
                        wachtwoord=self.wachtwoord,
                        gemeente_id=bron().id_voor_code(cbs_code) if cbs_code else None,
                    )
                )
                gebruiker.totp_geheim = pyotp.random_base32()
                gebruiker.totp_ingesteld_op = tijd.nu()
                uit.append(Account(email, self.wachtwoord, rol, cbs_code, gebruiker.totp_geheim))
            db.session.commit()
        return uit

    # --- gunicorn ---------------------------------------------------------------------------

    def omgevingsvariabelen(self, *, productie: bool = True) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "APP_ENV", "FLASK_APP"}
        }
        env.update(
            FLASK_APP="wsgi",
            DATABASE_URL=self.database_url,
            APP_ENV="production" if productie else "development",
            PYTHONPATH=str(self.code),
        )
        if productie:
            env["SECRET_KEY"] = self.geheim
            env["PYTHONFAULTHANDLER"] = "1"  # a worker that crashes says where, in the log
            if self.redis_url:
                env["REDIS_URL"] = self.redis_url
            if self.workers:
                env["WEB_CONCURRENCY"] = str(self.workers)
            # Of this run's own, so that runs side by side (CI's and a developer's) never
            # share them: the jobs' queue (a SQLite file; Huey's name in Redis is fixed) and
            # the cache's keys in Redis.
            assert self.logmap is not None
            env["TAKEN_WACHTRIJ"] = "sqlite"
            env["FLASK_TAKEN_SQLITE"] = str(self.logmap / "taken.sqlite")
            env["FLASK_CACHE_KEY_PREFIX"] = f"{self.naam}:cache:"
            env.update(self.extra_env)
        return env

    def start_gunicorn(self) -> None:
        assert self.logmap is not None
        log = open(self.logmap / "gunicorn.log", "ab")  # noqa: SIM115 (open while it runs)
        opdracht = [self.python, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
        opdracht += ["--no-control-socket"]  # the default path is shared by every gunicorn
        opdracht += ["--bind", f"127.0.0.1:{self.poort}", "wsgi:app"]
        self.gunicorn = subprocess.Popen(  # noqa: S603
            opdracht,
            env=self.omgevingsvariabelen(),
            cwd=self.code,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group of its own, to clean up only ours
        )
        log.close()
        tot = time.monotonic() + 60
        while time.monotonic() < tot:
            if self.gunicorn.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start; see {self.logmap}/gunicorn.log")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.basis_url}/gezondheid", timeout=5) as antwoord,  # noqa: S310
            ):
                if antwoord.status == 200:
                    return
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer within 60 s; see {self.logmap}/gunicorn.log")

    def start_verwerker(self) -> None:
        """The background jobs' worker (`flask taken worker`), as ``make serve`` starts it."""
        assert self.logmap is not None
        log = open(self.logmap / "verwerker.log", "ab")  # noqa: SIM115 (open while it runs)
        self.verwerker = subprocess.Popen(
            [sys.executable, "-m", "flask", "taken", "worker"],
            env=self.omgevingsvariabelen(),
            cwd=PROJECT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def stop_verwerker(self, sein: int = signal.SIGTERM) -> None:
        if self.verwerker is not None:
            proces, self.verwerker = self.verwerker, None
            _stop(proces, sein)

    def workers_pids(self) -> list[int]:
        """The worker processes of our gunicorn master (its children)."""
        if self.gunicorn is None:
            return []
        pad = Path(f"/proc/{self.gunicorn.pid}/task/{self.gunicorn.pid}/children")
        try:
            return [int(p) for p in pad.read_text().split()]
        except OSError:
            return []

    def stop_gunicorn(self) -> None:
        if self.gunicorn is not None:
            proces, self.gunicorn = self.gunicorn, None
            _stop(proces, signal.SIGTERM)  # gunicorn's graceful stop, workers included

    def leeg_redis(self) -> None:
        """Remove this run's keys from Redis (its cache's; an earlier run of the same process
        id may have left some)."""
        if not self.redis_url:
            return
        with contextlib.suppress(Exception):
            import redis

            verbinding = redis.Redis.from_url(self.redis_url, socket_timeout=2)
            for sleutel in verbinding.scan_iter(match=f"{self.naam}:*", count=1000):
                verbinding.delete(sleutel)

    def sessie(self) -> Sessie:
        """A browser of our own against this gunicorn (paths relative to it)."""
        return Sessie(self.basis_url)

    def gunicorn_fouten(self) -> list[str]:
        """The lines of gunicorn's log that report an error, a crash or a killed worker."""
        assert self.logmap is not None
        pad = self.logmap / "gunicorn.log"
        if not pad.exists():
            return []
        tekst = pad.read_text(errors="replace").splitlines()
        tekens = ("ERROR", "Traceback", "CRITICAL", "Fatal Python error", "was sent SIG")
        return [r for r in tekst if any(teken in r for teken in tekens)]


def toon_fouten(log: str, fouten: list[str], hoeveel: int = 5) -> None:
    """Print how many error lines ``log`` (a gunicorn log, named for the reader) has, and the
    first of them."""
    print(f"\n{log} has {len(fouten)} error lines; the first:")
    print(*fouten[:hoeveel], sep="\n")


def hoofdpaginas(omgeving: Omgeving) -> dict[str, str]:
    """The main pages of issue 14, for the scheme's latest year and its first municipality."""
    from sqlalchemy import func, select

    from gemeenten.models import Gemeente
    from kern.db import db
    from subsidies.landelijk import REGELING
    from subsidies.models import Beschikking, Regeling

    app = omgeving.app()
    with app.app_context():
        regeling = db.session.execute(
            select(Regeling).where(Regeling.naam == REGELING)
        ).scalar_one()
        jaar = max(regeling.jaren, key=lambda j: j.jaar)
        cbs_code, jaren = db.session.execute(
            select(Gemeente.cbs_code, func.count(Beschikking.id))
            .join(Beschikking, Beschikking.gemeente_id == Gemeente.id)
            .group_by(Gemeente.id)
            .order_by(func.count(Beschikking.id).desc(), Gemeente.id)
            .limit(1)
        ).one()
        vg = "/versterkingsgelden"
        return {
            "startpagina": "/",
            "register /gemeenten/": "/gemeenten/",
            f"gemeente, {jaren} jaar": f"/gemeenten/{cbs_code}",
            "te beoordelen": f"{vg}/te-beoordelen",
            f"beschikkingen {jaar.jaar}": f"{vg}/jaren/{jaar.id}",
            f"jaaroverzicht {jaar.jaar}": f"{vg}/jaren/{jaar.id}/overzicht",
            "betalingen (financiën)": f"{vg}/betalingen",
            BASISLIJN: "/gezondheid",
            "statisch bestand": "/static/app.css",
        }


def _stop(proces: subprocess.Popen[bytes], sein: int) -> None:
    """Stop a process the scripts started in a group of its own: ``sein``, then SIGKILL after
    15 s; then the whole group, where a child that outlived it (a gunicorn worker) still is."""
    if proces.poll() is None:
        proces.send_signal(sein)
        try:
            proces.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proces.kill()
            proces.wait()
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proces.pid, signal.SIGKILL)
