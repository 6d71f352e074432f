"""Uploaded files: kept as they came, checked, staged, and imported only when confirmed.

Knows nothing of any domain. The life of an upload::

    ontvang()          the original bytes with their SHA-256, who and when: stored through a
                       session of their own and committed there before anything parses them, so
                       that every upload is kept, refused or not; stored as refused with
                       `STORING` ("could not be checked"), which is what stays when the check
                       never ends
    weiger() / stage() after the domain's check, in the request's session: the messages, and the
                       validated rows, staged keyed by the upload (and so by the file's hash), so
                       that confirming never parses the file a second time
    markeer_geimporteerd()  after the domain imported the staged rows in one transaction

The request's unit of work commits once, at its end: the check's outcome replaces the stored
"could not be checked" then, and a failure anywhere before (an exception, a worker that is
stopped or killed) leaves the original with that message. The request's session must not have
written anything before `ontvang`: SQLite has one writer, and the original's own session would
wait for the request's lock in vain (`ontvang` refuses at once instead).

An identical file for the same purpose (``soort`` and ``sleutel``) is recognised by its hash:
`ontvang` then returns the earlier upload instead of storing a second one. When that earlier
upload was never checked to the end (`onaf`: its worker was killed, or the application failed
while reading it), the identical file is the user's retry: the earlier upload is checked again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import islice
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from kern import beveiligingslog
from kern.beveiligingslog import Gebeurtenis, Resultaat
from kern.db import Keuze, Model, db, tekst_enum, utcnow
from kern.meldingen import Ernst, Melding, Meldingen

STAGE_PER = 2_000  # rows per INSERT while staging
STORING = (
    "Het bestand kon door een fout in de toepassing niet worden gecontroleerd. Het is bewaard; "
    "probeer het later opnieuw of neem contact op met de beheerder van de toepassing."
)


class UploadStatus(Keuze):
    ONTVANGEN = "ontvangen"  # stored, not checked (uploads kept before `ontvang` stored
    # them refused with STORING until the check ends)
    GEWEIGERD = "geweigerd"  # the file or its contents are refused; see the messages
    GECONTROLEERD = "gecontroleerd"  # valid; the rows are staged and wait for confirmation
    GEIMPORTEERD = "geimporteerd"


class Upload(Model):
    """One uploaded file, never changed and never deleted: the proof of what was sent."""

    __tablename__ = "uploads"
    __table_args__ = (
        sa.UniqueConstraint("soort", "sleutel", "sha256", name="uq_uploads_bestand"),
        sa.CheckConstraint("grootte >= 0", name="grootte_niet_negatief"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    soort: Mapped[str] = mapped_column(sa.String(40))  # what it is for, e.g. "verantwoording"
    sleutel: Mapped[str] = mapped_column(sa.String(80), default="")  # for which object, e.g. an id
    bestandsnaam: Mapped[str] = mapped_column(sa.String(255))
    inhoud: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    grootte: Mapped[int]
    geupload_door: Mapped[str] = mapped_column(sa.String(254))
    geupload_op: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[UploadStatus] = mapped_column(
        tekst_enum(UploadStatus, "uploadstatus"), default=UploadStatus.ONTVANGEN
    )
    meldingen: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    aantal_fouten: Mapped[int] = mapped_column(default=0)
    aantal_waarschuwingen: Mapped[int] = mapped_column(default=0)
    gegevens: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)  # the file as a whole
    aantal_regels: Mapped[int] = mapped_column(default=0)
    gecontroleerd_op: Mapped[datetime | None]
    geimporteerd_door: Mapped[str | None] = mapped_column(sa.String(254))
    geimporteerd_op: Mapped[datetime | None]
    resultaat: Mapped[str | None] = mapped_column(sa.String(80))  # what the import made
    versie: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": versie}

    @property
    def alle_meldingen(self) -> list[Melding]:
        return [Melding.van_dict(m) for m in self.meldingen]

    @property
    def fouten(self) -> list[Melding]:
        return [m for m in self.alle_meldingen if m.ernst is Ernst.FOUT]

    @property
    def waarschuwingen(self) -> list[Melding]:
        return [m for m in self.alle_meldingen if m.ernst is not Ernst.FOUT]


class UploadRegel(Model):
    """One validated row of an upload, staged for the import (values as JSON-safe text)."""

    __tablename__ = "upload_regels"

    id: Mapped[int] = mapped_column(primary_key=True)
    upload_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uploads.id", ondelete="CASCADE"), index=True
    )
    rij: Mapped[int]  # the row number in the sheet, for messages
    gegevens: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


def sha256(inhoud: bytes) -> str:
    return hashlib.sha256(inhoud).hexdigest()


def zoek(soort: str, sleutel: str, hash_: str) -> Upload | None:
    return db.session.execute(
        sa.select(Upload).filter_by(soort=soort, sleutel=sleutel, sha256=hash_)
    ).scalar_one_or_none()


def ontvang(
    inhoud: bytes, *, soort: str, sleutel: str = "", bestandsnaam: str, door: str
) -> tuple[Upload, bool]:
    """Keep the file; returns the upload (in the request's session) and whether to check it.

    A new file is stored and committed through a session of its own, refused with `STORING`
    until the request's check replaces that and the request commits. An identical file sent
    before for the same ``soort`` and ``sleutel`` is not stored again: the earlier upload is
    returned, to be checked again only when its check never finished (`onaf`).
    """
    hash_ = sha256(inhoud)
    with db.session.no_autoflush:  # what the request has pending is its own, for its end
        return _ontvang(inhoud, hash_, soort, sleutel, bestandsnaam, door)


def _ontvang(
    inhoud: bytes, hash_: str, soort: str, sleutel: str, bestandsnaam: str, door: str
) -> tuple[Upload, bool]:
    if (eerder := zoek(soort, sleutel, hash_)) is not None:
        return eerder, onaf(eerder)
    upload = Upload(
        soort=soort,
        sleutel=sleutel,
        bestandsnaam=(bestandsnaam or "upload.xlsx")[:255],
        inhoud=inhoud,
        sha256=hash_,
        grootte=len(inhoud),
        geupload_door=door,
    )
    weiger(upload, _storing())  # until the check ends: what stays if it never does
    upload_id = _bewaar(upload)
    if upload_id is None:  # the same file at the same moment, from another request
        eerder = zoek(soort, sleutel, hash_)
        if eerder is None:
            raise RuntimeError(f"upload {soort}:{sleutel} refused as a duplicate, then not found")
        return eerder, False  # the other request checks it
    bewaard = db.session.get(Upload, upload_id)
    assert bewaard is not None  # committed before this read
    beveiligingslog.schrijf(
        Gebeurtenis.UPLOAD,
        Resultaat.GELUKT,
        object=f"upload {upload_id} ({soort})",
        toelichting=upload.bestandsnaam,
        door=door,
    )
    return bewaard, True


def _bewaar(upload: Upload) -> int | None:
    """Insert ``upload`` and commit, through a session of its own; None: the same file for the
    same purpose was stored first by someone else."""
    if _schrijft_al():
        raise RuntimeError(
            "kern.uploads.ontvang is called after the request's session wrote to SQLite: keep "
            "the original first (its own session would wait for that write's lock)"
        )
    with Session(db.engine, expire_on_commit=False) as eigen:
        eigen.add(upload)
        try:
            eigen.commit()
        except IntegrityError:
            eigen.rollback()
            return None
        return upload.id


def _schrijft_al() -> bool:
    """Whether the request's session holds a write transaction on SQLite (one writer at a time;
    PostgreSQL lets the original's own session insert beside it)."""
    sessie = db.session()
    if db.engine.dialect.name != "sqlite" or not sessie.in_transaction():
        return False
    dbapi = sessie.connection().connection.dbapi_connection
    return bool(getattr(dbapi, "in_transaction", False))


def _storing() -> Meldingen:
    meldingen = Meldingen()
    meldingen.fout("", "", STORING)
    return meldingen


def onaf(upload: Upload) -> bool:
    """Whether the check of ``upload`` never finished: still refused with `STORING` as
    `ontvang` stored it (the request failed, or its worker was stopped or killed), or left
    "ontvangen" by an older version. Sending the same file again then checks it again instead
    of answering that it was sent before."""
    if upload.status is UploadStatus.ONTVANGEN:
        return True
    teksten = [m.get("tekst") for m in upload.meldingen]
    return upload.status is UploadStatus.GEWEIGERD and teksten == [STORING]


def niet_te_importeren(
    upload: Upload, anders: str = "Deze upload kan niet worden ingelezen."
) -> str | None:
    """Why the staged rows of ``upload`` cannot be imported (None: they can): it was imported
    already, or its check did not pass (``anders`` says so in the domain's words)."""
    if upload.status is UploadStatus.GECONTROLEERD:
        return None
    return "Deze upload is al ingelezen." if upload.status is UploadStatus.GEIMPORTEERD else anders


def al_eerder(upload: Upload) -> str:
    """What the user is told when `ontvang` found the identical file sent before."""
    return (
        f"Dit bestand is al eerder geüpload, op {upload.geupload_op:%d-%m-%Y} door "
        f"{upload.geupload_door}. Er is niets nieuws opgeslagen."
    )


def _tel(upload: Upload, meldingen: Meldingen) -> None:
    """The messages as kept (a capped list), and the exact counts."""
    upload.meldingen = [m.als_dict() for m in meldingen.alle]
    upload.aantal_fouten = meldingen.aantal_fouten
    upload.aantal_waarschuwingen = meldingen.aantal_waarschuwingen
    upload.gecontroleerd_op = utcnow()


def weiger(upload: Upload, meldingen: Meldingen) -> None:
    """Record why the upload is refused. Nothing is staged."""
    _wis_stage(upload)
    _tel(upload, meldingen)
    upload.status = UploadStatus.GEWEIGERD
    upload.aantal_regels = 0


def stage(
    upload: Upload,
    regels: Iterable[tuple[int, Mapping[str, Any]]],
    *,
    gegevens: Mapping[str, Any] | None = None,
    meldingen: Meldingen | None = None,
) -> int:
    """Stage the validated ``(row, values)`` pairs in batches; returns how many.

    The rows are consumed as they come (a generator keeps memory flat for large files), and
    only then are ``gegevens`` and ``meldingen`` read: a generator may complete them at its end
    (checks of the file as a whole). The caller calls `weiger` instead when its check found
    errors after all.
    """
    _wis_stage(upload)
    db.session.flush()
    # Straight to the driver, with the JSON encoded once here: SQLAlchemy's per-row parameter
    # handling was half the staging time of 100,000 rows (bench/excel_import.py).
    verbinding = db.session.connection()
    sql = _invoeg_sql(verbinding.dialect)
    json_tekst = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    aantal = 0
    rijen = iter(regels)
    while partij := list(islice(rijen, STAGE_PER)):
        verbinding.exec_driver_sql(sql, [(upload.id, rij, json_tekst(g)) for rij, g in partij])
        aantal += len(partij)
    _tel(upload, meldingen or Meldingen())
    upload.gegevens = dict(gegevens or {})
    upload.aantal_regels = aantal
    upload.status = UploadStatus.GECONTROLEERD
    return aantal


def _invoeg_sql(dialect: sa.Dialect) -> str:
    plek = "?" if dialect.paramstyle == "qmark" else "%s"
    gegevens = plek if dialect.name == "sqlite" else f"CAST({plek} AS json)"
    kolommen = "upload_regels (upload_id, rij, gegevens)"
    return f"INSERT INTO {kolommen} VALUES ({plek}, {plek}, {gegevens})"  # noqa: S608 (constants)


def _wis_stage(upload: Upload) -> None:
    if upload.id is not None:
        db.session.execute(sa.delete(UploadRegel).where(UploadRegel.upload_id == upload.id))


def gestaged(upload: Upload, *, per: int = STAGE_PER) -> Iterator[tuple[int, dict[str, Any]]]:
    """The staged rows in sheet order, fetched in batches."""
    resultaat = db.session.execute(
        sa.select(UploadRegel.rij, UploadRegel.gegevens)
        .where(UploadRegel.upload_id == upload.id)
        .order_by(UploadRegel.rij, UploadRegel.id)
        .execution_options(yield_per=per)
    )
    yield from resultaat


class Regel(Protocol):
    """A checked row of a domain's import: where it stood, and its values as stored."""

    @property
    def rij(self) -> int: ...

    def als_json(self) -> Mapping[str, Any]: ...


class Controle(Protocol):
    """The outcome of a domain's check of a whole file."""

    @property
    def goed(self) -> bool: ...

    @property
    def meldingen(self) -> Meldingen: ...

    @property
    def regels(self) -> Sequence[Regel]: ...


def ontvang_en_controleer(
    inhoud: bytes,
    *,
    soort: str,
    sleutel: str,
    bestandsnaam: str,
    door: str,
    controleer: Callable[[Upload], None],
) -> tuple[Upload, bool]:
    """Store a domain's upload (`ontvang`) and, when it is new or its check never finished,
    check it with ``controleer``; returns the upload and whether it was checked now."""
    upload, nieuw = ontvang(
        inhoud, soort=soort, sleutel=sleutel, bestandsnaam=bestandsnaam, door=door
    )
    if nieuw:
        controleer(upload)
    return upload, nieuw


def bewaar_controle(
    upload: Upload, controle: Controle, *, gegevens: Mapping[str, Any] | None = None
) -> None:
    """Record a check's outcome: the refusal with its messages, or the rows staged."""
    if not controle.goed:
        weiger(upload, controle.meldingen)
        return
    stage(
        upload,
        ((regel.rij, regel.als_json()) for regel in controle.regels),
        gegevens=gegevens,
        meldingen=controle.meldingen,
    )


def markeer_geimporteerd(upload: Upload, *, door: str, resultaat: str) -> None:
    upload.status = UploadStatus.GEIMPORTEERD
    upload.geimporteerd_door = door
    upload.geimporteerd_op = utcnow()
    upload.resultaat = resultaat
    beveiligingslog.schrijf(
        Gebeurtenis.IMPORT,
        Resultaat.GELUKT,
        object=f"upload {upload.id} ({upload.soort})",
        toelichting=resultaat,
        door=door,
        in_verzoek=True,  # kept exactly when the import is
    )


def van(soort: str, sleutel: str) -> sa.Select[Upload]:
    """The uploads for one purpose, newest first (without their bytes), as a query to take a
    page of (`kern.paginering.pagina_van`)."""
    return (
        sa.select(Upload)
        .filter_by(soort=soort, sleutel=sleutel)
        .order_by(Upload.geupload_op.desc(), Upload.id.desc())
    )
