"""Uploads are kept as they came, recognised by their hash, and staged in batches."""

from __future__ import annotations

import hashlib
import time

import pytest
import sqlalchemy as sa

from gemeenten.models import Gemeente
from kern import uploads
from kern.db import db as database
from kern.meldingen import Ernst, Melding, Meldingen
from kern.uploads import Upload, UploadRegel, UploadStatus


def aantal(model: type) -> int:
    return database.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_original_is_stored_and_committed_before_anything_reads_it(db):
    inhoud = b"PK\x03\x04 whatever the user sent"
    upload, nieuw = uploads.ontvang(
        inhoud, soort="proef", sleutel="7", bestandsnaam="mijn bestand.xlsx", door="a@b.nl"
    )
    assert nieuw
    database.session.rollback()  # what a later failure in the same request would do

    bewaard = database.session.get(Upload, upload.id)
    assert bewaard.inhoud == inhoud
    assert bewaard.sha256 == hashlib.sha256(inhoud).hexdigest()
    assert bewaard.grootte == len(inhoud)
    assert bewaard.geupload_door == "a@b.nl"
    assert bewaard.geupload_op.tzinfo is not None
    # Until the check ends, and so when it never does: kept, and "could not be checked".
    assert bewaard.status is UploadStatus.GEWEIGERD
    assert [m.tekst for m in bewaard.fouten] == [uploads.STORING]
    assert uploads.onaf(bewaard)


def test_keeping_the_original_commits_nothing_of_the_request(db):
    database.session.add(Gemeente(cbs_code="GM0363", naam="Amsterdam", provincie="Noord-Holland"))

    upload, _ = uploads.ontvang(b"inhoud", soort="proef", sleutel="7", bestandsnaam="a", door="x")
    uploads.stage(upload, [(2, {"a": "1"})])  # the check's work, in the request's session
    database.session.rollback()  # the request fails after all

    assert aantal(Gemeente) == 0
    assert aantal(UploadRegel) == 0
    assert aantal(Upload) == 1
    assert database.session.get(Upload, upload.id).status is UploadStatus.GEWEIGERD


def test_the_checks_outcome_is_committed_with_the_request(db):
    upload, _ = uploads.ontvang(b"inhoud", soort="proef", sleutel="7", bestandsnaam="a", door="x")
    uploads.stage(upload, [(2, {"a": "1"})])
    database.session.commit()

    assert upload.status is UploadStatus.GECONTROLEERD
    assert upload.meldingen == []
    assert aantal(UploadRegel) == 1
    assert not uploads.onaf(upload)


def test_after_the_request_wrote_sqlite_refuses_at_once_and_postgresql_keeps_it(db):
    database.session.add(Gemeente(cbs_code="GM0363", naam="Amsterdam", provincie="Noord-Holland"))
    database.session.flush()  # the request holds a write transaction
    begin = time.monotonic()

    if database.engine.dialect.name == "sqlite":
        # One writer at a time: the original's own session would wait for the lock in vain.
        with pytest.raises(RuntimeError, match="keep the original first"):
            uploads.ontvang(b"inhoud", soort="proef", bestandsnaam="a", door="x")
        assert time.monotonic() - begin < 1
    else:
        uploads.ontvang(b"inhoud", soort="proef", bestandsnaam="a", door="x")
    database.session.rollback()

    assert aantal(Gemeente) == 0
    assert aantal(Upload) == (0 if database.engine.dialect.name == "sqlite" else 1)


def test_the_same_file_for_the_same_purpose_is_recognised(db):
    eerste, _ = uploads.ontvang(b"inhoud", soort="proef", sleutel="7", bestandsnaam="a", door="x")
    uploads.stage(eerste, [])  # checked
    database.session.commit()
    tweede, nieuw = uploads.ontvang(
        b"inhoud", soort="proef", sleutel="7", bestandsnaam="b", door="y"
    )
    assert (tweede.id, nieuw) == (eerste.id, False)
    assert aantal(Upload) == 1
    # The same bytes for another object are another upload.
    _, nieuw = uploads.ontvang(b"inhoud", soort="proef", sleutel="8", bestandsnaam="a", door="x")
    assert nieuw
    assert aantal(Upload) == 2


def test_two_requests_with_the_same_file_at_once_store_it_once(db, monkeypatch):
    eerste, _ = uploads.ontvang(b"inhoud", soort="proef", sleutel="7", bestandsnaam="a", door="x")
    # The second request looked before the first one committed: it saw nothing.
    echte_zoek = uploads.zoek
    vragen: list[tuple[str, ...]] = []

    def te_vroeg(*vraag: str) -> Upload | None:
        vragen.append(vraag)
        return None if len(vragen) == 1 else echte_zoek(*vraag)

    monkeypatch.setattr(uploads, "zoek", te_vroeg)

    tweede, nieuw = uploads.ontvang(
        b"inhoud", soort="proef", sleutel="7", bestandsnaam="b", door="y"
    )
    assert (tweede.id, nieuw) == (eerste.id, False)
    assert aantal(Upload) == 1


def test_the_same_file_again_is_checked_again_when_its_check_never_finished(db):
    def stuur() -> tuple[Upload, bool]:
        return uploads.ontvang(b"inhoud", soort="proef", sleutel="7", bestandsnaam="a", door="x")

    eerste, _ = stuur()
    # The application failed while checking, or its worker was killed: the request's work is
    # gone, the original stays as stored ("could not be checked"). Sending it again is a retry.
    database.session.rollback()
    assert stuur() == (eerste, True)

    # Left "ontvangen" (an upload kept by an older version, whose worker was killed): a retry.
    eerste.status = UploadStatus.ONTVANGEN
    eerste.meldingen = []
    database.session.commit()
    assert stuur() == (eerste, True)

    # Refused for what the file says: the same file gets the same answer, without a new check.
    meldingen = Meldingen()
    meldingen.fout("Blad", "A1", "Vul een bedrag in.")
    uploads.weiger(eerste, meldingen)
    assert stuur() == (eerste, False)
    assert aantal(Upload) == 1


def test_rows_are_staged_in_batches_and_come_back_in_sheet_order(db):
    upload, _ = uploads.ontvang(b"x", soort="proef", bestandsnaam="a", door="x")
    rijen = ((rij, {"waarde": str(rij)}) for rij in range(uploads.STAGE_PER * 2 + 5, 1, -1))
    waarschuwing = Melding("Blad1", "C3", "", "Let op.", Ernst.WAARSCHUWING)
    meldingen = Meldingen()
    meldingen.voeg_toe(waarschuwing)

    assert uploads.stage(upload, rijen, gegevens={"totaal": "9"}, meldingen=meldingen) == (
        uploads.STAGE_PER * 2 + 4
    )
    database.session.commit()

    assert upload.status is UploadStatus.GECONTROLEERD
    assert upload.aantal_regels == uploads.STAGE_PER * 2 + 4
    assert upload.aantal_waarschuwingen == 1
    assert upload.aantal_fouten == 0
    assert upload.waarschuwingen == [waarschuwing]
    assert upload.gegevens == {"totaal": "9"}
    terug = list(uploads.gestaged(upload))
    assert [r for r, _ in terug] == list(range(2, uploads.STAGE_PER * 2 + 6))
    assert terug[0][1] == {"waarde": "2"}


def test_refusing_keeps_the_messages_and_drops_what_was_staged(db):
    upload, _ = uploads.ontvang(b"x", soort="proef", bestandsnaam="a", door="x")
    uploads.stage(upload, [(2, {"a": "1"})])
    database.session.commit()
    fout = Melding("Blad1", "B2", "Bedrag", '"x" is geen bedrag.')
    meldingen = Meldingen()
    meldingen.voeg_toe(fout)

    uploads.weiger(upload, meldingen)
    database.session.commit()

    assert upload.status is UploadStatus.GEWEIGERD
    assert upload.fouten == [fout]
    assert upload.aantal_fouten == 1
    assert aantal(UploadRegel) == 0


def test_the_counts_are_exact_when_the_messages_are_capped(db):
    upload, _ = uploads.ontvang(b"x", soort="proef", bestandsnaam="a", door="x")
    meldingen = Meldingen(maximum=10)
    for rij in range(2, 502):
        meldingen.fout("Blad1", f"B{rij}", "Vul een bedrag in.")
    meldingen.waarschuwing("Blad1", "", "Let op.")

    uploads.weiger(upload, meldingen)
    database.session.commit()

    assert (upload.aantal_fouten, upload.aantal_waarschuwingen) == (500, 1)
    assert len(upload.meldingen) == 11  # ten kept and one that sums up the rest


def test_an_upload_cannot_be_stored_without_its_bytes(db):
    database.session.add(
        Upload(
            soort="proef",
            bestandsnaam="a",
            inhoud=None,
            sha256="0" * 64,
            grootte=0,
            geupload_door="x",
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        database.session.flush()
    database.session.rollback()
