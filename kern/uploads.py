"""Uploaded files: kept as they came, checked, staged, and imported only when confirmed.

Knows nothing of any domain. The life of an upload::

    ontvang()          the original bytes with their SHA-256, who and when: stored and committed
                       before anything parses them, so that every upload is kept, refused or not
    weiger() / stage() after the domain's check: the messages, and the validated rows, staged
                       keyed by the upload (and so by the file's hash), so that confirming never
                       parses the file a second time
    markeer_geimporteerd()  after the domain imported the staged rows in one transaction

An identical file for the same purpose (``soort`` and ``sleutel``) is recognised by its hash:
`ontvang` then returns the earlier upload instead of storing a second one. When that earlier
upload was never checked to the end (its worker was killed, or the application failed while
reading it), the identical file is the user's retry: the earlier upload is checked again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from itertools import islice
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from kern.db import Keuze, Model, db, tekst_enum, utcnow
from kern.meldingen import Ernst, Melding, Meldingen

STAGE_PER = 2_000  # rows per INSERT while staging
STORING = (
    "Het bestand kon door een fout in de toepassing niet worden gecontroleerd. Het is bewaard; "
    "probeer het later opnieuw of neem contact op met de beheerder van de toepassing."
)

log = logging.getLogger(__name__)


class UploadStatus(Keuze):
    ONTVANGEN = "ontvangen"  # stored, not (yet) checked
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
    """Store the file and commit; returns the upload and whether it is to be checked.

    An identical file sent before for the same ``soort`` and ``sleutel`` is not stored again:
    the earlier upload is returned, to be checked again only when its check never finished
    (`onaf`). Commits, because the original must be kept even when reading it fails in ways
    nobody foresaw.
    """
    hash_ = sha256(inhoud)
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
    db.session.add(upload)
    try:
        db.session.commit()
    except IntegrityError:  # the same file at the same moment, from another request
        db.session.rollback()
        if (eerder := zoek(soort, sleutel, hash_)) is not None:
            return eerder, False  # the other request checks it
        raise
    return upload, True


def onaf(upload: Upload) -> bool:
    """Whether the check of ``upload`` never finished: left "ontvangen" by a worker that was
    killed, or refused only because the application failed (`na_storing`). Sending the same
    file again then checks it again instead of answering that it was sent before."""
    if upload.status is UploadStatus.ONTVANGEN:
        return True
    teksten = [m.get("tekst") for m in upload.meldingen]
    return upload.status is UploadStatus.GEWEIGERD and teksten == [STORING]


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


def na_storing(soort: str, sleutel: str, inhoud: bytes) -> Upload | None:
    """After an unexpected failure while checking an upload: roll back, find the stored
    original again and refuse it with a message that says so. Commits. None when the original
    was never stored; an upload that had already been checked is left as it was."""
    log.exception("checking upload %s:%s failed", soort, sleutel)
    db.session.rollback()
    upload = zoek(soort, sleutel, sha256(inhoud))
    if upload is None or upload.status is not UploadStatus.ONTVANGEN:
        return upload
    meldingen = Meldingen()
    meldingen.fout("", "", STORING)
    weiger(upload, meldingen)
    db.session.commit()
    return upload


def markeer_geimporteerd(upload: Upload, *, door: str, resultaat: str) -> None:
    upload.status = UploadStatus.GEIMPORTEERD
    upload.geimporteerd_door = door
    upload.geimporteerd_op = utcnow()
    upload.resultaat = resultaat


def van(soort: str, sleutel: str) -> list[Upload]:
    """The uploads for one purpose, newest first (without their bytes)."""
    return list(
        db.session.execute(
            sa.select(Upload)
            .filter_by(soort=soort, sleutel=sleutel)
            .order_by(Upload.geupload_op.desc(), Upload.id.desc())
        ).scalars()
    )
