"""Two saves at the same instant: one succeeds, the other gets the Dutch 409 and changes nothing.

Each test sends two real requests in two threads, each with its own client and so its own
database session. A `before_flush` listener holds both at their first flush until both are
there: by then each has read the object and checked the version its form sent back, so the
database decides. On PostgreSQL the second UPDATE waits for the first to commit and then finds
no row of the version it read; on SQLite the second writer waits for the first one's lock and
finds the same. Without the barrier the requests would simply run one after the other.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from kern.accounts.models import Rol
from kern.audit import AuditRegel
from kern.db import db as database
from kern.uploads import Upload, UploadStatus
from subsidies.models import Beschikking, Verantwoording, VerantwoordingStatus
from tests.formulieren import formulier
from tests.kern.factories import maak_gebruiker
from tests.subsidies.factories import maak_verantwoording
from tests.subsidies.test_excel_upload import ingevuld, stuur
from tests.subsidies.test_historische_import import (
    AMSTERDAM_2015,
    upload_via_formulier,
    werkmap,
)

CONFLICT = "Iemand anders heeft dit intussen gewijzigd"


@dataclass(eq=False)  # a listener must be hashable
class Tegelijk:
    """Holds the first flush of each of two request threads until both have reached it."""

    barriere: threading.Barrier
    draden: set[int]
    gewacht: set[int]

    def __call__(self, session: Session, flush_context: object, instances: object) -> None:
        draad = threading.get_ident()
        if draad in self.draden and draad not in self.gewacht:
            self.gewacht.add(draad)
            self.barriere.wait()


@pytest.fixture
def tegelijk(app: Flask) -> Callable[..., list[TestResponse]]:
    # As in production: an exception becomes the 500 page instead of reaching the test.
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def verstuur(*verzoeken: tuple[FlaskClient, str, dict[str, object]]) -> list[TestResponse]:
        """Send the requests at the same instant; the answers in the order given."""
        wacht = Tegelijk(threading.Barrier(len(verzoeken), timeout=15), set(), set())
        antwoorden: list[TestResponse | BaseException | None] = [None] * len(verzoeken)

        def doe(i: int, client: FlaskClient, url: str, data: dict[str, object]) -> None:
            wacht.draden.add(threading.get_ident())
            try:
                antwoorden[i] = client.post(url, data=data)
            except BaseException as fout:  # reported below, in the test's thread
                antwoorden[i] = fout

        draden = [
            threading.Thread(target=doe, args=(i, *verzoek)) for i, verzoek in enumerate(verzoeken)
        ]
        database.session.commit()  # as the test client does before a request (no thread may)
        event.listen(Session, "before_flush", wacht)
        try:
            for draad in draden:
                draad.start()
            for draad in draden:
                draad.join(timeout=60)
        finally:
            event.remove(Session, "before_flush", wacht)
        uit = [a for a in antwoorden if isinstance(a, TestResponse)]
        assert len(uit) == len(verzoeken), f"a request did not answer: {antwoorden!r}"
        return uit

    return verstuur


def een_winnaar(antwoorden: list[TestResponse]) -> int:
    """The index of the request that succeeded; the other one got the Dutch 409."""
    codes = sorted(a.status_code for a in antwoorden)
    assert codes == [302, 409], f"expected one success and one 409, got {codes}"
    verliezer = next(a for a in antwoorden if a.status_code == 409)
    assert CONFLICT in verliezer.text
    assert "niet opgeslagen" in verliezer.text
    return next(i for i, a in enumerate(antwoorden) if a.status_code == 302)


def laatste_audit_id() -> int:
    return database.session.execute(sa.select(sa.func.max(AuditRegel.id))).scalar() or 0


def audit_sinds(audit_id: int) -> list[AuditRegel]:
    """The audit entries written after ``audit_id``: those of the one save that counted."""
    return list(
        database.session.execute(
            sa.select(AuditRegel).where(AuditRegel.id > audit_id).order_by(AuditRegel.id)
        ).scalars()
    )


@pytest.fixture
def officieren(db, login_as) -> list[tuple[str, FlaskClient]]:
    """Two officers, each with a signed-in client: (e-mail address, client)."""
    officieren = [maak_gebruiker(Rol.BELEIDSMEDEWERKER) for _ in range(2)]
    return [(o.email, login_as(o)) for o in officieren]


def test_the_same_decision_edited_twice_at_once(tegelijk, officieren, beschikking):
    url = f"/versterkingsgelden/beschikkingen/{beschikking.id}/wijzigen"
    versie = str(beschikking.versie)
    bedragen = (Decimal("200000.00"), Decimal("300000.00"))
    voor = laatste_audit_id()

    antwoorden = tegelijk(
        (officieren[0][1], url, {"bedrag": "200.000", "reden": "Eerste", "versie": versie}),
        (officieren[1][1], url, {"bedrag": "300.000", "reden": "Tweede", "versie": versie}),
    )

    winnaar = een_winnaar(antwoorden)
    opgeslagen = database.session.get(Beschikking, beschikking.id)
    assert opgeslagen.bedrag == bedragen[winnaar]
    assert [v.reden for v in opgeslagen.versies] == [None, ["Eerste", "Tweede"][winnaar]]
    nieuw = audit_sinds(voor)
    assert {r.door for r in nieuw} == {officieren[winnaar][0]}
    # One audit entry for the decision itself, with the winner's amount.
    assert [r.wijzigingen["bedrag"] for r in nieuw if r.soort == "beschikking"] == [
        ["100000.00", f"{bedragen[winnaar]}"]
    ]


def test_approve_against_send_back_of_one_return(tegelijk, officieren, beschikking):
    verantwoording = maak_verantwoording(beschikking)
    url = f"/versterkingsgelden/verantwoordingen/{verantwoording.id}"
    versie = str(verantwoording.versie)
    voor = laatste_audit_id()

    antwoorden = tegelijk(
        (officieren[0][1], f"{url}/goedkeuren", {"goedkeuren-versie": versie}),
        (
            officieren[1][1],
            f"{url}/terugsturen",
            {"terugsturen-versie": versie, "terugsturen-reden": "Graag per doel toelichten."},
        ),
    )

    winnaar = een_winnaar(antwoorden)
    status = [VerantwoordingStatus.GOEDGEKEURD, VerantwoordingStatus.TERUGGESTUURD][winnaar]
    assert database.session.get(Verantwoording, verantwoording.id).status is status
    [regel] = audit_sinds(voor)
    assert (regel.soort, regel.object_id, regel.actie) == (
        "verantwoording",
        verantwoording.id,
        "gewijzigd",
    )
    assert regel.door == officieren[winnaar][0]
    assert regel.wijzigingen["status"] == ["ingediend", status.value]


def _verantwoordingen(beschikking: Beschikking) -> list[Verantwoording]:
    return list(
        database.session.execute(
            sa.select(Verantwoording)
            .filter_by(beschikking_id=beschikking.id)
            .order_by(Verantwoording.volgnummer)
        ).scalars()
    )


def test_two_returns_submitted_at_once(tegelijk, beschikking, login_as):
    """No earlier version: both would be version 1, and the database's unique key decides."""
    indieners = [
        maak_gebruiker(Rol.GEMEENTE, beschikking.gemeente),
        maak_gebruiker(Rol.BELEIDSMEDEWERKER),
    ]
    clients = [login_as(i) for i in indieners]
    url = f"/versterkingsgelden/beschikkingen/{beschikking.id}/verantwoording"
    velden = [formulier(c.get(url).text, "/verantwoording", url).velden for c in clients]
    for data, bedrag in zip(velden, ("100", "200"), strict=True):
        data.update({n: bedrag for n in data if n.startswith(("in_jaar", "cumulatief"))})
        data["eindverantwoording"] = "nee"
    voor = laatste_audit_id()

    antwoorden = tegelijk((clients[0], url, velden[0]), (clients[1], url, velden[1]))

    winnaar = een_winnaar(antwoorden)
    [ingediend] = _verantwoordingen(beschikking)
    assert ingediend.volgnummer == 1
    assert ingediend.besteed_cumulatief == Decimal(["300.00", "600.00"][winnaar])
    nieuw = audit_sinds(voor)
    assert {r.door for r in nieuw} == {indieners[winnaar].email}
    assert [(r.soort, r.actie) for r in nieuw if r.soort == "verantwoording"] == [
        ("verantwoording", "aangemaakt")
    ]


def test_two_confirms_of_one_upload(tegelijk, beschikking, login_as):
    """The clerk and an officer confirm the same preview: one new version, not two."""
    gemeentemedewerker = maak_gebruiker(Rol.GEMEENTE, beschikking.gemeente)
    beleidsmedewerker = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    maak_verantwoording(beschikking)  # the return the upload's preview compares with
    clients = [login_as(gemeentemedewerker), login_as(beleidsmedewerker)]
    geupload = stuur(clients[0], beschikking, ingevuld(clients[0], beschikking))
    assert geupload.status_code == 302
    pagina = geupload.headers["Location"]
    bevestig = [formulier(c.get(pagina).text, "/inlezen", pagina) for c in clients]
    upload = database.session.execute(sa.select(Upload)).scalar_one()
    assert upload.status is UploadStatus.GECONTROLEERD
    voor = laatste_audit_id()

    antwoorden = tegelijk(*((c, f.actie, f.velden) for c, f in zip(clients, bevestig, strict=True)))

    winnaar = een_winnaar(antwoorden)
    assert [v.volgnummer for v in _verantwoordingen(beschikking)] == [1, 2]
    assert database.session.get(Upload, upload.id).status is UploadStatus.GEIMPORTEERD
    nieuw = audit_sinds(voor)
    assert {r.door for r in nieuw} == {[gemeentemedewerker, beleidsmedewerker][winnaar].email}
    eerste, tweede = _verantwoordingen(beschikking)
    assert sorted((r.object_id, r.actie) for r in nieuw if r.soort == "verantwoording") == [
        (eerste.id, "gewijzigd"),  # replaced by the new version
        (tweede.id, "aangemaakt"),
    ]


def test_two_confirms_of_one_historical_import(tegelijk, officieren, regeling_2015_2016):
    """Two officers confirm the same history at once: it is imported once, set-based, by one of
    them; the other is told someone else was first, and nothing of theirs is kept."""
    (_, eerste), _ = officieren
    geupload = upload_via_formulier(eerste, regeling_2015_2016, werkmap(*AMSTERDAM_2015))
    assert geupload.status_code == 302
    pagina = geupload.headers["Location"]
    bevestig = [formulier(c.get(pagina).text, "/bevestigen", pagina) for _, c in officieren]
    upload = database.session.execute(sa.select(Upload)).scalar_one()
    assert upload.status is UploadStatus.GECONTROLEERD
    voor = laatste_audit_id()

    antwoorden = tegelijk(
        *((c, f.actie, f.velden) for (_, c), f in zip(officieren, bevestig, strict=True))
    )

    winnaar = een_winnaar(antwoorden)
    beschikkingen = database.session.execute(sa.select(Beschikking)).scalars().all()
    assert [(b.bedrag, len(b.betalingen), len(b.verantwoordingen)) for b in beschikkingen] == [
        (Decimal("175000.00"), 1, 1)
    ]
    assert database.session.get(Upload, upload.id).status is UploadStatus.GEIMPORTEERD
    nieuw = audit_sinds(voor)
    assert {r.door for r in nieuw} == {officieren[winnaar][0]}
    assert [r.actie for r in nieuw if r.soort == "beschikking"] == ["aangemaakt", "gewijzigd"]
