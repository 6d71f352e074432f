"""Every form of the application, found through the URL map, against generated input.

For each rule that accepts POST the test signs in as a role the view admits, opens the page
that shows the form (the URL itself, a page above it, or else any page that role may open) to
learn the form's fields, and posts values that hypothesis generates: empty and whitespace,
control and invisible characters, very long text, digits of other scripts, numbers in every
notation, dates that do not exist, random files. Each field keeps the page's own value or gets
a generated one, so that checks behind the first refused field are reached too.

Two properties, on SQLite and on PostgreSQL:

- no answer is a server error (5xx);
- when the answer is a refusal (4xx, a page drawn again, or a redirect that flashes an error
  message), no row of any table has changed.

`FORMULIEREN_VOORBEELDEN` sets the number of examples per form (default 15).

A new route is covered without anyone remembering. When its form is shown only for an object
in a particular state, point the route at such an object in `VOORBEELDEN_PER_ROUTE`.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from kern.accounts.access import rollen_van
from kern.accounts.models import Gebruiker, Rol
from kern.db import db as database
from kern.uploads import Upload, UploadStatus
from onderwijsaanpak.models import Rapportageronde
from subsidies import historische_import, services, verantwoording_import
from subsidies.models import Beschikking
from tests.conftest import TweeGemeenten
from tests.formulieren import Formulier, alle_formulieren
from tests.gemeenten.factories import maak_gemeente
from tests.kern.factories import WACHTWOORD, maak_gebruiker
from tests.kern.test_toegang import _APP, VOORBEELDEN, client_voor, regel_in
from tests.onderwijsaanpak.factories import maak_ronde
from tests.pagina import meldingen
from tests.subsidies.factories import maak_beschikking, maak_verantwoording
from tests.subsidies.test_excel_upload import ingevuld
from tests.subsidies.test_historische_import import toekenningen, werkmap

VOORBEELDEN_PER_FORMULIER = int(os.environ.get("FORMULIEREN_VOORBEELDEN", "15"))

# The role a form is tried as, when its view admits several: the least trusted first.
VOORKEUR = (Rol.GEMEENTE, Rol.FINANCIEN, Rol.BEHEERDER, Rol.BELEIDSMEDEWERKER)


# --- Generated input ------------------------------------------------------------------------

LEEG = st.sampled_from(["", " ", "   ", "\t", "\n", "\r\n", "\u00a0", "\u200b", "\ufeff", " \t\n"])
CONTROLETEKENS = st.text(
    alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp", "Zs"]),
    min_size=1,
    max_size=8,
)
MET_CONTROLETEKEN = st.tuples(st.text(max_size=10), CONTROLETEKENS, st.text(max_size=10)).map(
    "".join
)
LANG = st.tuples(st.sampled_from(["9", "a", "€", "ä", "1.", " "]), st.integers(200, 20_000)).map(
    lambda t: t[0] * t[1]
)
ANDERE_CIJFERS = st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), min_size=1)
GETALLEN = st.one_of(
    st.sampled_from(
        [
            "1.234,56",
            "1,234.56",
            "€ 1.234,56",
            "€1234,567",
            "1234,5",
            ",5",
            "5,",
            "1.2.3",
            "1,2,3",
            "1e3",
            "1E-2",
            "-1e400",
            "0x10",
            "0b11",
            "1_000",
            "+5",
            "-0",
            "−5",
            "- 5",
            "(5)",
            "5-",
            "NaN",
            "nan",
            "Infinity",
            "-inf",
            "∞",
            "½",
            "Ⅻ",
            "١٢٣",
            "１２３",
            "٣,٥",
            "99999999999999999999999999999",
            "999999999999,99",
            "1000000000000",
            "0.001",
            "12 345",
            "12\u00a0345",
            "12'345",
            "1.234.567,89",
            "€",
            "EUR 5",
            "5 euro",
            "0,00",
        ]
    ),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
    st.decimals(places=2, allow_nan=False, allow_infinity=False).map(
        lambda d: f"{d:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    ),
)
DATUMS = st.one_of(
    st.sampled_from(
        [
            "31-02-2015",
            "29-02-2015",
            "30-02-2016",
            "31-04-2015",
            "00-01-2015",
            "32-01-2015",
            "01-13-2015",
            "01-00-2015",
            "2015-02-30",
            "2015-13-01",
            "0000-01-01",
            "9999-12-31",
            "10000-01-01",
            "01-01-0001",
            "1-1-1",
            "31/04/2015",
            "2015/02/29",
            "morgen",
            "1 februari 2015",
            "2015-W01-1",
            "2015-02-28T25:00",
            "۲۰۱۵-۰۱-۰۱",
        ]
    ),
    st.tuples(st.integers(-1, 40), st.integers(-1, 14), st.integers(-1, 10_001)).map(
        lambda t: f"{t[0]:02d}-{t[1]:02d}-{t[2]:04d}"
    ),
    st.tuples(st.integers(-1, 10_001), st.integers(-1, 14), st.integers(-1, 40)).map(
        lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"
    ),
)
TEKST = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
# What a user might well type: so that the fields after a refused one get checked too.
PLAUSIBEL = st.sampled_from(
    ["Een naam", "1000", "1.000,00", "0", "15-07-2016", "2016-07-15", "2016", "ja", "nee", "y"]
)
WAARDE = st.one_of(
    LEEG, MET_CONTROLETEKEN, LANG, ANDERE_CIJFERS, GETALLEN, DATUMS, TEKST, PLAUSIBEL
)

# A file field: no file, or some bytes under some name.
BESTAND = st.one_of(
    st.none(),
    st.tuples(
        st.one_of(st.binary(max_size=2_000), st.sampled_from([b"PK\x03\x04" + bytes(100)])),
        st.one_of(st.just("verantwoording.xlsx"), WAARDE.map(lambda n: n + ".xlsx"), WAARDE),
    ),
)


def veld(formulier: Formulier, naam: str) -> st.SearchStrategy[object]:
    """The page's own value, one of the field's options, or generated input."""
    if naam in formulier.bestanden:
        return BESTAND
    opties = [st.just(formulier.velden.get(naam)), WAARDE]
    if formulier.keuzes.get(naam):
        opties.insert(1, st.sampled_from(formulier.keuzes[naam]))
    return st.one_of(*opties)


def invoer(formulier: Formulier) -> st.SearchStrategy[dict[str, object]]:
    namen = sorted({*formulier.velden, *formulier.keuzes, *formulier.bestanden})
    return st.fixed_dictionaries({naam: veld(formulier, naam) for naam in namen})


def als_formulierdata(waarden: dict[str, object]) -> dict[str, object]:
    """What the browser sends: no entry for an unticked box, no file or (bytes, name)."""
    data: dict[str, object] = {}
    for naam, waarde in waarden.items():
        if waarde is None:
            continue
        if isinstance(waarde, tuple):
            inhoud, bestandsnaam = waarde
            data[naam] = (io.BytesIO(inhoud), bestandsnaam)
        else:
            data[naam] = waarde
    return data


# --- The world, with an object in every state that some form needs ----------------------------


@dataclass
class Omgeving:
    """The matrix test's world, with an object in every state that some form needs."""

    twee_gemeenten: TweeGemeenten
    concept: Beschikking  # not yet decided: the decide form
    af_te_rekenen: Beschikking  # an approved final return, nothing open: the settle form
    gecontroleerd: Upload  # a return upload that passed its check: the confirm form
    verouderd: Upload  # checked against a return that was replaced since: check it again
    historie: Upload  # a checked historical import: its confirm form
    geblokkeerd: Gebruiker  # a blocked account: the unblock button
    te_rapporteren: Rapportageronde  # an open round the own municipality did not report in

    @property
    def laatste(self) -> int:
        """The own decision's current return (the matrix's sample is an earlier one)."""
        laatste = self.twee_gemeenten.eigen_beschikking.laatste_verantwoording
        assert laatste is not None
        return laatste.id

    def url(self, regel: Rule) -> str:
        eigen = VOORBEELDEN_PER_ROUTE.get(regel.endpoint, {})
        waarden = {
            a: eigen[a](self) if a in eigen else VOORBEELDEN[a](self.twee_gemeenten)
            for a in set(regel.arguments) - set(regel.defaults or {})
        }
        gebouwd = regel.build(waarden, False)
        assert gebouwd is not None
        return gebouwd[1]


# URL arguments for routes whose form is only shown for an object in another state than the
# sample of the permission matrix.
VOORBEELDEN_PER_ROUTE: dict[str, dict[str, Callable[[Omgeving], object]]] = {
    "subsidies.beschikking_beschikken": {"beschikking_id": lambda o: o.concept.id},
    "subsidies.vaststellen": {"beschikking_id": lambda o: o.af_te_rekenen.id},
    "subsidies.verantwoording_import_bevestigen": {"upload_id": lambda o: o.gecontroleerd.id},
    "subsidies.verantwoording_import_opnieuw": {"upload_id": lambda o: o.verouderd.id},
    "subsidies.verantwoording_goedkeuren": {"verantwoording_id": lambda o: o.laatste},
    "subsidies.verantwoording_terugsturen": {"verantwoording_id": lambda o: o.laatste},
    "subsidies.historische_import_bevestigen": {"import_id": lambda o: o.historie.id},
    "accounts.deblokkeren": {"gebruiker_id": lambda o: o.geblokkeerd.id},
    "onderwijsaanpak.indienen": {"ronde_id": lambda o: o.te_rapporteren.id},
}


@pytest.fixture
def omgeving(app: Flask, db, login_as, twee_gemeenten: TweeGemeenten) -> Omgeving:
    concept = maak_beschikking(
        maak_gemeente("GM0344", "Utrecht", "Utrecht"), twee_gemeenten.regeling, beschikt=False
    )
    af_te_rekenen = maak_beschikking(
        maak_gemeente("GM0855", "Tilburg", "Noord-Brabant"), twee_gemeenten.regeling
    )
    services.keur_goed(
        maak_verantwoording(af_te_rekenen, eind=True), door="test", versie=1, reactie=None
    )
    maak_gemeente("GM0193", "Zwolle", "Overijssel")
    db.session.commit()
    officier = client_voor(app, login_as, twee_gemeenten.gebruikers[Rol.BELEIDSMEDEWERKER])
    verouderd, _ = verantwoording_import.ontvang(
        twee_gemeenten.eigen_beschikking,
        ingevuld(officier, twee_gemeenten.eigen_beschikking, {14: (1, 1), 15: (0, 0), 16: (0, 0)}),
        bestandsnaam="verantwoording.xlsx",
        door="test",
    )
    db.session.commit()
    maak_verantwoording(twee_gemeenten.eigen_beschikking)  # a newer version: the upload is stale
    db.session.commit()
    gecontroleerd, _ = verantwoording_import.ontvang(
        twee_gemeenten.eigen_beschikking,
        ingevuld(officier, twee_gemeenten.eigen_beschikking),
        bestandsnaam="verantwoording.xlsx",
        door="test",
    )
    db.session.commit()
    historie, _ = historische_import.ontvang(
        twee_gemeenten.regeling,
        werkmap(*toekenningen("GM0193", "Zwolle", 2015, 10_000, 5_000, 0)),
        bestandsnaam="historie.xlsx",
        door="test",
    )
    db.session.commit()
    assert gecontroleerd.status is UploadStatus.GECONTROLEERD, gecontroleerd.alle_meldingen
    assert historie.status is UploadStatus.GECONTROLEERD, historie.alle_meldingen
    geblokkeerd = maak_gebruiker(Rol.FINANCIEN, actief=False)
    te_rapporteren = maak_ronde(
        "Schooljaar 2015-2016", date(2015, 8, 1), date(2016, 7, 31), date(2016, 10, 1)
    )
    db.session.commit()
    return Omgeving(
        twee_gemeenten,
        concept,
        af_te_rekenen,
        gecontroleerd,
        verouderd,
        historie,
        geblokkeerd,
        te_rapporteren,
    )


# --- Finding the form and watching the database ---------------------------------------------


def _pagina_s(app: Flask, url: str, regel: Rule, rol: Rol | None, o: Omgeving) -> Iterator[str]:
    """Where the form posting to ``url`` may be: the URL itself, a page above it, any page."""
    if "GET" in (regel.methods or ()):
        yield url
    delen = url.rstrip("/").split("/")
    for n in range(len(delen) - 1, 0, -1):
        yield "/".join(delen[:n]) or "/"
    for andere in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if andere.endpoint == "static" or "GET" not in (andere.methods or ()):
            continue
        rollen = rollen_van(app, andere.endpoint)
        if (rollen is None or rol in rollen) and set(andere.arguments) <= set(VOORBEELDEN):
            yield o.url(andere)


def vind_formulier(
    app: Flask, client: FlaskClient, url: str, regel: Rule, rol: Rol | None, o: Omgeving
) -> tuple[str, Formulier]:
    """The page that shows the form posting to ``url``, and that form."""
    gezien = set()
    for pagina in _pagina_s(app, url, regel, rol, o):
        if pagina in gezien:
            continue
        gezien.add(pagina)
        antwoord = client.get(pagina)
        if antwoord.status_code != 200 or antwoord.mimetype != "text/html":
            continue
        for f in alle_formulieren(antwoord.text, pagina):
            if f.methode == "post" and urlsplit(f.actie).path == url:
                return pagina, f
    pytest.fail(
        f"no page shows a form posting to {url} ({regel.endpoint}) to a {rol}: point the "
        "route at an object whose page shows it in VOORBEELDEN_PER_ROUTE "
        "(tests/test_elk_formulier.py).",
        pytrace=False,
    )


# The security log records refusals (a failed sign-in, a 403): that is its purpose, not a change.
VASTLEGGING_VAN_WEIGERINGEN = {"beveiligingslog"}


def stand() -> dict[str, tuple[int, str]]:
    """Per table: the number of rows and a hash of all of them."""
    uit = {}
    with database.engine.connect() as verbinding:
        for tabel in database.metadata.sorted_tables:
            if tabel.name in VASTLEGGING_VAN_WEIGERINGEN:
                continue
            rijen = verbinding.execute(sa.select(tabel).order_by(*tabel.primary_key.columns)).all()
            uit[tabel.name] = (len(rijen), hashlib.sha256(repr(rijen).encode()).hexdigest())
    return uit


def geweigerd(client: FlaskClient, antwoord: TestResponse) -> bool:
    """Was the input refused? Anything but a redirect that flashes no error message, or a page
    that says it succeeded (what is shown only once, such as new recovery codes, is not
    redirected to a page that could show it again)."""
    with client.session_transaction() as sessie:
        berichten = sessie.pop("_flashes", [])  # read here, so the next example starts clean
    if antwoord.status_code == 200 and antwoord.mimetype == "text/html":
        getoond = meldingen(antwoord)
        return not any(c == "succes" for c, _ in getoond) or any(c == "fout" for c, _ in getoond)
    if antwoord.status_code not in (301, 302, 303):
        return True
    return any(categorie == "fout" for categorie, _ in berichten)


def _anders(formulier: Formulier, waarden: dict[str, object]) -> dict[str, object]:
    return {n: w for n, w in waarden.items() if w != formulier.velden.get(n)}


def aangemeld(client: FlaskClient) -> bool:
    with client.session_transaction() as sessie:
        return "_user_id" in sessie


@dataclass
class Huidig:
    """What one example leaves for the next: the client, the form as drawn, the database."""

    client: FlaskClient
    formulier: Formulier
    stand: dict[str, tuple[int, str]]


# --- The property -----------------------------------------------------------------------------

FORMULIEREN = sorted(
    {r.endpoint: r.rule for r in _APP.url_map.iter_rules() if "POST" in (r.methods or ())}.items()
)


# The second step of signing in: its forms are for a browser whose password checked out (and
# whose account has its second factor enrolled, or not yet).
NA_HET_WACHTWOORD = {
    "tweede_factor.code": True,
    "tweede_factor.instellen": False,
    "tweede_factor.afbreken": True,
}


def rol_voor(app: Flask, endpoint: str) -> Rol | None:
    rollen = rollen_van(app, endpoint)
    return None if rollen is None else next(r for r in VOORKEUR if r in rollen)


@pytest.mark.parametrize(("endpoint", "pad"), FORMULIEREN, ids=[e for e, _ in FORMULIEREN])
def test_generated_input_never_gives_a_500_and_a_refusal_changes_nothing(
    app, db, login_as, omgeving, endpoint, pad
):
    regel = regel_in(app, endpoint, pad)
    rol = rol_voor(app, endpoint)
    gebruiker = omgeving.twee_gemeenten.gebruikers[rol] if rol else None
    url = omgeving.url(regel)
    client = client_voor(app, login_as, gebruiker)
    if endpoint in NA_HET_WACHTWOORD:  # a browser whose password checked out, and no more
        client = app.test_client()
        wachtend = maak_gebruiker(Rol.FINANCIEN, tweede_factor=NA_HET_WACHTWOORD[endpoint])
        client.post("/aanmelden", data={"email": wachtend.email, "wachtwoord": WACHTWOORD})
    pagina, gevonden = vind_formulier(app, client, url, regel, rol, omgeving)
    huidig = Huidig(client, gevonden, stand())

    @settings(
        max_examples=VOORBEELDEN_PER_FORMULIER,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def eigenschap(data: st.DataObject) -> None:
        formulier = huidig.formulier
        waarden = data.draw(invoer(formulier), label="fields")
        if rol is not None and not aangemeld(huidig.client):  # the example before signed out
            huidig.client = client_voor(app, login_as, gebruiker)
            huidig.stand = stand()

        wie = f"as {rol.value}" if rol else "anonymously"
        waarom = f"POST {url} ({endpoint}) {wie} with {_anders(formulier, waarden)!r}"
        note(waarom)  # shown with the failing example, also when the request raises

        antwoord = huidig.client.post(url, data=als_formulierdata(waarden))
        weigering = antwoord.status_code < 500 and geweigerd(huidig.client, antwoord)

        assert antwoord.status_code < 500, f"{waarom}: {antwoord.status_code}"
        voor, huidig.stand = huidig.stand, stand()
        if weigering:
            veranderd = sorted(t for t in voor if voor[t] != huidig.stand[t])
            assert not veranderd, (
                f"{waarom} was refused ({antwoord.status_code}) but changed {veranderd}"
            )
        else:  # accepted: the next example starts from the page as it now is
            opnieuw = huidig.client.get(pagina)
            for f in alle_formulieren(opnieuw.text, pagina):
                if urlsplit(f.actie).path == url:
                    huidig.formulier = f

    eigenschap()
