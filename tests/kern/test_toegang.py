"""Who may open what: a permission matrix generated from the URL map.

Every rule except ``static`` is requested with each of its methods by an anonymous visitor and
by a user of every role, and the answer is checked against the permission table (the rights
the view declares with `@toegang`, or `@openbaar`, and the roles `kern.accounts.rechten.RECHTEN`
gives one of them: `verwachte_rollen`), and for its security headers
(`test_security.koppen_fouten`). A new route is covered without anyone remembering; a new
URL argument needs a sample value in `VOORBEELDEN` (the test says so when one is missing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

import gemeenten
from gemeenten.inventarisatie.models import Antwoord, Deelnemer
from gemeenten.models import Deelname, Gemeente, GemeenteMutatie
from kern.accounts.access import controleer_declaraties, openbaar, rechten_van, toegang
from kern.accounts.models import Gebruiker, Rol
from kern.accounts.rechten import RECHTEN, Recht
from kern.app import create_app
from kern.uploads import Upload
from onderwijsaanpak.models import Activiteit, Cohortlid, Les, Rapportage
from tests.kern.test_security import koppen_fouten

if TYPE_CHECKING:
    from tests.conftest import TweeGemeenten

ANONIEM = None
ROLLEN: list[Rol | None] = [ANONIEM, *Rol]
GENEGEERDE_METHODEN = {"HEAD", "OPTIONS"}


# --- The world every request is made in -----------------------------------------------------


# A sample value per URL argument, naming something of the municipality user's own
# municipality. Add one here when a route gets a new argument.
VOORBEELDEN: dict[str, Callable[[TweeGemeenten], object]] = {
    "cbs_code": lambda w: w.eigen.cbs_code,
    "deelname_id": lambda w: w.eigen_deelname.id,
    "gebruiker_id": lambda w: w.doelwit.id,
    "regeling_id": lambda w: w.regeling.id,
    "jaar_id": lambda w: w.regeling.jaren[0].id,
    "beschikking_id": lambda w: w.eigen_beschikking.id,
    "betaling_id": lambda w: w.eigen_beschikking.betalingen[0].id,
    "verantwoording_id": lambda w: w.eigen_beschikking.verantwoordingen[0].id,
    "upload_id": lambda w: w.eigen_upload.id,
    "import_id": lambda w: w.historische_import.id,
    "activiteit_id": lambda w: w.onderwijs.eigen_activiteit.id,
    "les_id": lambda w: w.onderwijs.eigen_les.id,
    "ronde_id": lambda w: w.onderwijs.ronde.id,
    "rapportage_id": lambda w: w.onderwijs.eigen_rapportage.id,
    "activiteitenupload_id": lambda w: w.onderwijs.eigen_upload.id,
    "inventarisatie_id": lambda w: w.inventarisatie.id,
    "actie_id": lambda w: w.actie.id,
    "antwoordenupload_id": lambda w: w.antwoordenupload.id,
    "deel_id": lambda w: w.inventarisatie.delen[0].id,
    "thema_id": lambda w: w.inventarisatie.themas[0].id,
}

# The same arguments naming something of the other municipality. Every argument of a route
# under a municipality (one with ``cbs_code``) is here or in NIET_GEMEENTEGEBONDEN.
VAN_DE_ANDERE_GEMEENTE: dict[str, Callable[[TweeGemeenten], object]] = {
    "cbs_code": lambda w: w.andere.cbs_code,
    "deelname_id": lambda w: w.andere_deelname.id,
    "beschikking_id": lambda w: w.andere_beschikking.id,
    "betaling_id": lambda w: w.andere_beschikking.betalingen[0].id,
    "verantwoording_id": lambda w: w.andere_beschikking.verantwoordingen[0].id,
    "upload_id": lambda w: w.andere_upload.id,
    "activiteit_id": lambda w: w.onderwijs.andere_activiteit.id,
    "les_id": lambda w: w.onderwijs.andere_les.id,
    "rapportage_id": lambda w: w.onderwijs.andere_rapportage.id,
    "activiteitenupload_id": lambda w: w.onderwijs.andere_upload.id,
}
# A round is the whole cohort's, an inventory (with its parts and themes) all its invited
# municipalities': the municipality in the URL says whose report or answers in it.
NIET_GEMEENTEGEBONDEN: set[str] = {"ronde_id", "inventarisatie_id", "deel_id", "thema_id"}


def client_voor(app: Flask, login_as: Callable[..., FlaskClient], gebruiker: Gebruiker | None):
    """A client signed in as ``gebruiker``; an anonymous one for None."""
    return app.test_client() if gebruiker is None else login_as(gebruiker)


# --- The rules, collected once at import time for the test ids ------------------------------


def _regels(app: Flask) -> Iterator[tuple[str, str, str]]:
    for regel in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        if regel.endpoint == "static":
            continue
        for methode in sorted((regel.methods or set()) - GENEGEERDE_METHODEN):
            yield regel.endpoint, regel.rule, methode


_APP = create_app(
    {
        "APP_ENV": "testing",
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",  # never connected: only the URL map is read
        "POGINGEN_BEPERKEN": False,
    }
)
REGELS = list(_regels(_APP))


def regel_in(app: Flask, endpoint: str, pad: str) -> Rule:
    return next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and r.rule == pad)


def _onder_een_gemeente(endpoint: str, pad: str) -> bool:
    """Does the route name something that belongs to one municipality?"""
    regel = regel_in(_APP, endpoint, pad)
    return bool(set(regel.arguments) & set(VAN_DE_ANDERE_GEMEENTE))


GEMEENTEREGELS = [r for r in REGELS if _onder_een_gemeente(r[0], r[1])]


def _id(regel: tuple[str, str, str]) -> str:
    endpoint, _, methode = regel
    return f"{endpoint}-{methode}"


def bouw_url(
    regel: Rule,
    twee_gemeenten: TweeGemeenten,
    voorbeelden: dict[str, Callable[[TweeGemeenten], object]],
) -> str:
    nodig = set(regel.arguments) - set(regel.defaults or {})
    ontbrekend = sorted(nodig - set(voorbeelden))
    if ontbrekend:
        pytest.fail(
            f"{regel.rule} ({regel.endpoint}) has URL argument(s) {', '.join(ontbrekend)} "
            "without a sample value: add one to VOORBEELDEN in tests/kern/test_toegang.py "
            "(and, under a municipality, to VAN_DE_ANDERE_GEMEENTE or NIET_GEMEENTEGEBONDEN).",
            pytrace=False,
        )
    gebouwd = regel.build({naam: voorbeelden[naam](twee_gemeenten) for naam in nodig}, False)
    assert gebouwd is not None, f"could not build {regel.rule}"
    return gebouwd[1]


def vraag(client: FlaskClient, url: str, methode: str) -> TestResponse:
    """GET, or any other method with an empty form (CSRF is off unless a test asks for it)."""
    if methode == "GET":
        return client.get(url)
    return client.open(url, method=methode, data={})


def naar_login(antwoord: TestResponse) -> bool:
    """Sent to the login form because the visitor is not signed in (not: signed out)."""
    if antwoord.status_code not in (301, 302, 303, 307, 308):
        return False
    doel = urlsplit(antwoord.location)
    return doel.path == "/aanmelden" and "next" in parse_qs(doel.query)


# --- The matrix -----------------------------------------------------------------------------


def verwachte_rollen(app: Flask, endpoint: str) -> frozenset[Rol] | None:
    """Who the table lets in (None: public): the roles holding a right the route declares."""
    rechten = rechten_van(app, endpoint)
    if rechten is None:
        return None
    return frozenset(rol for rol in Rol if any(recht in RECHTEN[rol] for recht in rechten))


def _fouten_voor(app, client, url, regel, methode, rol) -> list[str]:
    """What is wrong with the answer to one role; empty when the route behaves."""
    toegestaan = verwachte_rollen(app, regel.endpoint)
    wie = "an anonymous visitor" if rol is None else f"a {rol.value}"

    antwoord = vraag(client, url, methode)

    code = antwoord.status_code
    if code >= 500:
        return [f"{methode} {url} as {wie}: {code}"]
    if koppen := koppen_fouten(antwoord, f"{methode} {url} as {wie}"):
        return koppen
    if toegestaan is None:
        if code >= 400 or naar_login(antwoord):
            return [f"{methode} {url} is public, but {wie} got {code} {antwoord.location or ''}"]
    elif rol is None:
        if not naar_login(antwoord):
            return [f"{methode} {url} as {wie}: {code}, expected the login page"]
        if parse_qs(urlsplit(antwoord.location).query)["next"] != [url]:
            return [f"{methode} {url} loses the way back: {antwoord.location}"]
    elif rol not in toegestaan:
        if code != 403:
            return [f"{methode} {url} is not for {wie}, but answered {code}"]
    elif code in (401, 403, 404) or naar_login(antwoord):
        return [
            f"{methode} {url} is for {wie}, but answered {code} (a 404 here: does the sample "
            "value in VOORBEELDEN name something this role may see?)"
        ]
    return []


@pytest.mark.parametrize(
    ("endpoint", "pad", "methode"), [pytest.param(*r, id=_id(r)) for r in REGELS]
)
def test_every_route_admits_exactly_the_roles_the_table_gives_its_right(
    app, login_as, twee_gemeenten, endpoint, pad, methode
):
    """Anonymous visitors and every role, one client each, against one route."""
    regel = regel_in(app, endpoint, pad)
    url = bouw_url(regel, twee_gemeenten, VOORBEELDEN)  # once: a request may delete its object
    fouten = []
    for rol in ROLLEN:
        client = client_voor(app, login_as, twee_gemeenten.gebruikers[rol] if rol else None)
        fouten += _fouten_voor(app, client, url, regel, methode, rol)
    assert not fouten, "\n".join(fouten)


def test_the_matrix_sees_every_blueprint():
    """Guard against a URL map that is silently empty or misses a domain."""
    blueprints = {endpoint.partition(".")[0] for endpoint, _, _ in REGELS}
    assert {"kern", "accounts", "gemeenten"} <= blueprints


# --- Another municipality does not exist for a municipality user ----------------------------


def _sporen_van_de_andere(db, twee_gemeenten: TweeGemeenten) -> tuple[object, ...]:
    """Everything of the other municipality a request could change."""
    deelnames = db.session.execute(
        select(func.count(Deelname.id)).where(Deelname.gemeente_id == twee_gemeenten.andere.id)
    ).scalar_one()
    mutaties = db.session.execute(
        select(func.count(GemeenteMutatie.id)).where(
            GemeenteMutatie.gemeente_id == twee_gemeenten.andere.id
        )
    ).scalar_one()
    beschikking = twee_gemeenten.andere_beschikking
    return (
        deelnames,
        mutaties,
        beschikking.versie,
        beschikking.status,
        tuple((b.id, b.versie, b.betaald_op) for b in beschikking.betalingen),
        tuple((v.id, v.versie, v.status) for v in beschikking.verantwoordingen),
        db.session.execute(
            select(func.count(Upload.id)).where(Upload.sleutel == str(beschikking.id))
        ).scalar_one(),
        (twee_gemeenten.andere_upload.status, twee_gemeenten.andere_upload.versie),
        _onderwijsaanpak_van(db, twee_gemeenten.andere),
        tuple(
            db.session.execute(
                select(model.id, model.versie).where(model.gemeente_id == twee_gemeenten.andere.id)
            ).all()
            for model in (Deelnemer, Antwoord)  # the needs inventory
        ),
    )


def _onderwijsaanpak_van(db, gemeente: Gemeente) -> tuple[object, ...]:
    """A municipality's onderwijsaanpak: each row's id and version, per kind."""
    return tuple(
        tuple(
            db.session.execute(
                select(model.id, model.versie).where(model.gemeente_id == gemeente.id)
            ).all()
        )
        for model in (Cohortlid, Activiteit, Les, Rapportage)
    )


def _verwacht(app: Flask, endpoint: str, rol: Rol) -> int:
    """404 where the role may use the route at all; 403 where it may not."""
    toegestaan = verwachte_rollen(app, endpoint)
    return 404 if toegestaan is None or rol in toegestaan else 403


def _controleer_niets_van_de_andere(
    app, login_as, db, twee_gemeenten, endpoint, methode, url, rol, voor
) -> list[str]:
    client = client_voor(app, login_as, twee_gemeenten.gebruikers[rol])
    antwoord = vraag(client, url, methode)
    fouten = []
    verwacht = _verwacht(app, endpoint, rol)
    if antwoord.status_code != verwacht:
        fouten.append(f"{methode} {url} as {rol.value}: {antwoord.status_code}, not {verwacht}")
    if twee_gemeenten.andere.naam in antwoord.text:
        fouten.append(f"{methode} {url} as {rol.value} shows {twee_gemeenten.andere.naam}")
    if _sporen_van_de_andere(db, twee_gemeenten) != voor:
        fouten.append(f"{methode} {url} as {rol.value} changed {twee_gemeenten.andere.naam}'s data")
    return fouten


def _gemeentegebonden_argumenten(regel: Rule) -> set[str]:
    argumenten = set(regel.arguments) - set(regel.defaults or {})
    onbekend = sorted(argumenten - set(VAN_DE_ANDERE_GEMEENTE) - NIET_GEMEENTEGEBONDEN)
    if onbekend:
        pytest.fail(
            f"{regel.rule} ({regel.endpoint}) lives under a municipality, but argument(s) "
            f"{', '.join(onbekend)} have no sample value of another municipality: add them to "
            "VAN_DE_ANDERE_GEMEENTE (or to NIET_GEMEENTEGEBONDEN) in tests/kern/test_toegang.py.",
            pytrace=False,
        )
    return argumenten & set(VAN_DE_ANDERE_GEMEENTE)


@pytest.mark.parametrize(
    ("endpoint", "pad", "methode"), [pytest.param(*r, id=_id(r)) for r in GEMEENTEREGELS]
)
def test_a_municipality_user_gets_404_for_everything_of_another_municipality(
    app, login_as, db, twee_gemeenten, endpoint, pad, methode
):
    regel = regel_in(app, endpoint, pad)
    gebonden = _gemeentegebonden_argumenten(regel)
    voor = _sporen_van_de_andere(db, twee_gemeenten)
    url = bouw_url(regel, twee_gemeenten, {**VOORBEELDEN, **VAN_DE_ANDERE_GEMEENTE})

    fouten = _controleer_niets_van_de_andere(
        app, login_as, db, twee_gemeenten, endpoint, methode, url, Rol.GEMEENTE, voor
    )
    # An object of the other municipality under the own municipality's code: for every role.
    for argument in sorted(gebonden - {"cbs_code"} if "cbs_code" in gebonden else set()):
        url = bouw_url(
            regel, twee_gemeenten, {**VOORBEELDEN, argument: VAN_DE_ANDERE_GEMEENTE[argument]}
        )
        for rol in Rol:
            fouten += _controleer_niets_van_de_andere(
                app, login_as, db, twee_gemeenten, endpoint, methode, url, rol, voor
            )

    assert not fouten, "\n".join(fouten)


# Pages a municipality user may open that name no municipality: they must show nothing of any
# municipality but the user's own. Adding a route here is a decision: look at what it shows.
ZONDER_GEMEENTE = {
    "kern.home",
    "kern.gezondheid",
    "accounts.login",
    "accounts.logout",
    "accounts.wachtwoord",
    # One's own sessions (tests/kern/test_sessies.py: another user's are not listed).
    "accounts.sessies_overzicht",
    "accounts.elders_afmelden",
    "accounts.overal_afmelden",
    # One's own second factor, and the second step of signing in (tests/kern/test_tweede_factor*).
    "accounts.eigen_tweede_factor",
    "accounts.nieuwe_herstelcodes",
    "tweede_factor.code",
    "tweede_factor.instellen",
    "tweede_factor.afbreken",
    # One's own background export: made as its user, through the export's own view (another
    # municipality's page fails the job; tests/kern/test_export_achtergrond.py).
    "export_achtergrond.stand",
    "export_achtergrond.starten",
    "export_achtergrond.bestand",
}


def test_a_municipality_user_only_reaches_pages_of_one_municipality():
    """A route open to municipality users either names a municipality's object, so the 404
    tests above cover it, or is known to show no municipality's data at all."""
    open_voor_gemeenten = {
        endpoint
        for endpoint, pad, _ in REGELS
        if (rollen := verwachte_rollen(_APP, endpoint)) is None or Rol.GEMEENTE in rollen
    }
    gebonden = {endpoint for endpoint, _, _ in GEMEENTEREGELS}
    onbekend = sorted(open_voor_gemeenten - gebonden - ZONDER_GEMEENTE)
    assert not onbekend, (
        "open to municipality users without naming a municipality: "
        + ", ".join(onbekend)
        + ". Limit the route to ministry roles, or add it to ZONDER_GEMEENTE after checking "
        "that it shows nothing of other municipalities."
    )


def test_the_own_municipality_is_visible_to_its_user(app, login_as, twee_gemeenten):
    """The other half of the 404s above: the same page for the own municipality works."""
    client = client_voor(app, login_as, twee_gemeenten.gebruikers[Rol.GEMEENTE])

    eigen = client.get(f"/gemeenten/{twee_gemeenten.eigen.cbs_code}")

    assert eigen.status_code == 200
    assert "Amsterdam" in eigen.text
    assert "Rotterdam" not in eigen.text


# --- Every view must declare who may call it ------------------------------------------------


def _blueprint_met_een_onbeschermde_view() -> Blueprint:
    bp = Blueprint("lek", __name__)

    @bp.route("/lek")
    def zonder_toegang() -> str:
        return "iedereen mag dit zien"

    @bp.route("/lek/beschermd")
    @toegang(Recht.ACCOUNTS_BEHEREN)
    def beschermd() -> str:
        return "alleen beheer"

    return bp


def test_declared_views_pass_the_check():
    app = Flask(__name__)
    bp = Blueprint("netjes", __name__)

    @bp.route("/open")
    @openbaar
    def open_view() -> str:
        return "open"

    @bp.route("/dicht")
    @toegang(Recht.ACCOUNTS_BEHEREN)
    def dicht() -> str:
        return "dicht"

    app.register_blueprint(bp)

    controleer_declaraties(app)  # raises when a view is undeclared


def test_a_view_without_toegang_or_openbaar_is_refused():
    app = Flask(__name__)
    app.register_blueprint(_blueprint_met_een_onbeschermde_view())

    with pytest.raises(RuntimeError, match=r"lek\.zonder_toegang") as fout:
        controleer_declaraties(app)

    assert "lek.beschermd" not in str(fout.value)


def test_create_app_refuses_to_start_with_an_undeclared_view(monkeypatch, app_config):
    echte_init_app = gemeenten.init_app

    def init_app_met_lek(app: Flask) -> None:
        echte_init_app(app)
        app.register_blueprint(_blueprint_met_een_onbeschermde_view())

    monkeypatch.setattr(gemeenten, "init_app", init_app_met_lek)

    with pytest.raises(RuntimeError, match=r"without @toegang.*lek\.zonder_toegang"):
        create_app(app_config)


def test_toegang_takes_rights_never_roles():
    """Roles come from the table only: a view cannot name one."""
    with pytest.raises(TypeError, match="never roles"):
        toegang(Rol.BEHEERDER)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        toegang()
