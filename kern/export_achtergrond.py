"""An export made by a background job (`kern.taken`), for a file too large for one request.

Beside "Exporteren naar Excel" every exportable page (`kern.export`) offers "Op de achtergrond
maken": a form that posts the export's own address. The job belongs to the user who starts it
(one at a time, `SOORT` keyed by the user's id); in the worker it asks that address again as
that user (`_maak`: a request of its own, through the same view, `@toegang` and checks, so a
municipality user's job gets only what their own browser would), and keeps the workbook in the
job's row. The status page and the download name no job: each shows the user's own latest
export, so nobody can ask for another's.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response
from wtforms import HiddenField

from kern import taken
from kern.accounts.access import gebruiker, toegang
from kern.accounts.models import Gebruiker
from kern.accounts.rechten import Recht
from kern.bestanden import als_bijlage
from kern.db import db
from kern.export import TABEL, XLSX_MIMETYPE
from kern.formatting import getal
from kern.forms import Formulier
from kern.taken import Achtergrondtaak, TaakStatus, Voortgang

SOORT, STAP = "export", "maken"
VERVERS_NA = 3  # seconds between two loads of the status page while the job runs

bp = Blueprint("export_achtergrond", __name__, url_prefix="/exports/achtergrond")


class StartForm(Formulier):
    adres = HiddenField()


def init_app(app: Flask) -> None:
    taken.registreer(app, SOORT, STAP, _maak)
    app.register_blueprint(bp)


def exportadres(adres: str) -> str | None:
    """The workbook export of the page ``adres`` names (its path and query, with
    ``formaat=xlsx``); None when it names no page of this application that exports."""
    delen = urlsplit(adres)
    if delen.scheme or delen.netloc or not delen.path.startswith("/"):
        return None
    try:
        endpoint, _ = current_app.create_url_adapter(request).match(  # type: ignore[union-attr]
            delen.path, method="GET"
        )
    except HTTPException:
        return None
    if not getattr(current_app.view_functions.get(endpoint), "exporteerbaar", False):
        return None
    argumenten = [
        (k, v)
        for k, v in parse_qsl(delen.query, keep_blank_values=True)
        if k not in ("formaat", TABEL)
    ]
    return f"{delen.path}?{urlencode([*argumenten, ('formaat', 'xlsx')])}"


def _laatste() -> Achtergrondtaak | None:
    """The signed-in user's latest export job."""
    return db.session.execute(
        sa.select(Achtergrondtaak)
        .where(Achtergrondtaak.soort == SOORT, Achtergrondtaak.gebruiker_id == gebruiker().id)
        .order_by(Achtergrondtaak.id.desc())
        .limit(1)
    ).scalar_one_or_none()


@bp.route("", endpoint="stand")
@toegang(Recht.EIGEN_ACCOUNT)
def stand() -> str:
    taak = _laatste()
    return render_template(
        "taken/export.html",
        taak=taak,
        stand=None if taak is None else taken.bekijk(taak),
        ververs_na=VERVERS_NA,
    )


@bp.route("", methods=["POST"], endpoint="starten")
@toegang(Recht.EIGEN_ACCOUNT)
def starten() -> Response:
    form = StartForm()
    adres = exportadres(form.adres.data or "") if form.validate_on_submit() else None
    if adres is None:
        flash("Deze export kan niet op de achtergrond worden gemaakt; er is niets gestart.", "fout")
        return redirect(url_for(".stand"))
    wie = gebruiker()
    try:
        taken.start(
            SOORT,
            str(wie.id),
            STAP,
            door=wie.email,
            bezet="U maakt al een export op de achtergrond",
            gebruiker_id=wie.id,
            gegevens={"adres": adres},
        )
    except taken.Bezet as fout:
        flash(str(fout), "fout")
        return redirect(url_for(".stand"))
    db.session.commit()  # queued now; without a queue it runs here
    return redirect(url_for(".stand"))


@bp.route("/bestand", endpoint="bestand")
@toegang(Recht.EIGEN_ACCOUNT)
def bestand() -> Response:
    taak = _laatste()
    if taak is None or taak.status is not TaakStatus.KLAAR or taak.bestand is None:
        flash("Er is geen export om op te halen.", "info")
        return redirect(url_for(".stand"))
    return als_bijlage(taak.bestand, taak.bestandsnaam or "export.xlsx")


# --- The work, in the worker -------------------------------------------------------------------


def _maak(taak: Achtergrondtaak, voortgang: Voortgang) -> str:
    """Ask the export's address as the job's user, as their browser would, and keep the file."""
    wie = None if taak.gebruiker_id is None else db.session.get(Gebruiker, taak.gebruiker_id)
    if wie is None or not wie.actief:
        raise taken.Mislukt("het account bestaat niet meer of is geblokkeerd.")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.test_request_context(taak.gegevens["adres"]):
        g._login_user = wie  # what Flask-Login's `current_user` reads first
        antwoord = app.full_dispatch_request()
        try:
            if antwoord.status_code != 200 or antwoord.mimetype != XLSX_MIMETYPE:
                raise taken.Mislukt(
                    "deze export kan niet (meer) worden gemaakt: de pagina bestaat niet meer of "
                    "u mag hem niet zien."
                )
            antwoord.direct_passthrough = False
            inhoud = antwoord.get_data()
        finally:
            antwoord.close()
    naam = re.search(r'filename="([^"]+)"', antwoord.headers.get("Content-Disposition", ""))
    taak.bestand, taak.bestandsnaam = inhoud, naam.group(1) if naam else "export.xlsx"
    return f"De export is klaar: {taak.bestandsnaam} ({getal(len(inhoud))} bytes)."
