"""Reporting rounds: officers open, change and close them and see who reported and who is late;
a municipality submits its report of the round's period, which the officer approves or sends
back with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gemeenten.models import Gemeente
from kern import export, tijd
from kern.accounts.access import heeft, toegang
from kern.accounts.rechten import Recht
from kern.db import db
from kern.export import Kolom, Soort, exporteerbaar
from kern.formatting import datum
from onderwijsaanpak import services
from onderwijsaanpak.forms import (
    GoedkeurForm,
    IndienForm,
    RondeForm,
    RondeWijzigForm,
    TerugstuurForm,
    VersieForm,
)
from onderwijsaanpak.models import Rapportage, Rapportageronde
from onderwijsaanpak.services import OnderwijsFout
from onderwijsaanpak.views import (
    bp,
    door,
    lid_of_404,
    mag_wijzigen,
    van_gemeente_of_404,
    weiger,
)

Pagina = str | tuple[str, int]

# The review forms share the report's page; prefixes keep their fields apart.
GOEDKEUREN = "goedkeuren"
TERUGSTUREN = "terugsturen"
SLUITEN = "sluiten"


def ronde_of_404(ronde_id: int) -> Rapportageronde:
    return db.get_or_404(Rapportageronde, ronde_id)


def _gegevens(form: RondeForm) -> services.RondeGegevens:
    return services.RondeGegevens(
        naam=form.naam.data or "",
        periode_van=form.periode_van.data,
        periode_tot=form.periode_tot.data,
        uiterlijk=form.uiterlijk.data,
    )


# --- The officer's side ---------------------------------------------------------------------


@bp.route("/rondes")
@toegang(Recht.PROGRAMMA_LEZEN)
@exporteerbaar
def rondes() -> str | Response:
    vandaag = tijd.vandaag()
    alle = services.standen_van_rondes(services.rondes(), vandaag)
    return export.toon(
        "onderwijsaanpak/rondes.html",
        rondes_export(alle, vandaag),
        rondes=alle,
        mag_wijzigen=mag_wijzigen(),
    )


Rondestand = tuple[Rapportageronde, list[services.Stand]]


def rondes_export(rondes: list[Rondestand], vandaag: date) -> export.Export:
    kolommen = [
        Kolom("Ronde", lambda r: r[0].naam, uitleg="De naam van de ronde"),
        Kolom("Periode van", lambda r: r[0].periode_van, Soort.DATUM, "Het begin van de periode"),
        Kolom("Periode tot en met", lambda r: r[0].periode_tot, Soort.DATUM, "Het einde"),
        Kolom("Uiterlijk", lambda r: r[0].uiterlijk, Soort.DATUM, "De uiterste datum"),
        Kolom(
            "Status", lambda r: "Open" if r[0].is_open else "Gesloten", uitleg="Open of gesloten"
        ),
        Kolom(
            "Gemeenten",
            lambda r: len(r[1]),
            Soort.GETAL,
            "De gemeenten die in de ronde rapporteren",
        ),
        Kolom(
            "Ingediend of goedgekeurd",
            lambda r: sum(s.ingediend for s in r[1]),
            Soort.GETAL,
            "Gemeenten met een rapportage die niet is teruggestuurd",
        ),
        Kolom(
            "Te laat",
            lambda r: sum(s.te_laat for s in r[1]),
            Soort.GETAL,
            "Gemeenten die na de uiterste datum nog moeten indienen",
        ),
    ]
    per_gemeente = [
        Kolom("Ronde", lambda s: s.ronde.naam, uitleg="De naam van de ronde"),
        *_standkolommen(),
    ]
    return export.Export(
        naam="onderwijsaanpak-rondes",
        titel="Rapportagerondes van de onderwijsaanpak",
        tabellen=[
            export.Tabel(
                "Per gemeente", per_gemeente, lambda: [s for _, standen in rondes for s in standen]
            ),
            export.Tabel("Rondes", kolommen, lambda: rondes),
        ],
        filters=[("Stand op", datum(vandaag))],
    )


def _standkolommen() -> list[Kolom]:
    """A municipality's report in a round: who reported, when, and who is late."""

    def laatste(veld: str) -> Callable[[services.Stand], object]:
        return lambda s: getattr(s.laatste, veld) if s.laatste else None

    return [
        Kolom("Gemeente", lambda s: s.gemeente.weergavenaam, uitleg="De gemeente"),
        Kolom("CBS-code", lambda s: s.gemeente.cbs_code, uitleg="De code van het CBS"),
        Kolom("Stand", lambda s: s.label, uitleg="Waar de rapportage staat"),
        Kolom(
            "Te laat",
            lambda s: "ja" if s.te_laat else "nee",
            uitleg="Ja: moet nog indienen en de uiterste datum is voorbij",
        ),
        Kolom("Laatst ingediend", laatste("ingediend_op"), Soort.MOMENT, "De laatste indiening"),
        Kolom(
            "Na de uiterste datum",
            lambda s: ("ja" if s.laatste.na_de_termijn else "nee") if s.laatste else None,
            uitleg="Of de laatste indiening na de uiterste datum kwam",
        ),
        Kolom("Versie", laatste("volgnummer"), Soort.GETAL, "De hoeveelste indiening"),
        Kolom(
            "Activiteiten",
            laatste("aantal_activiteiten"),
            Soort.GETAL,
            "Activiteiten in de periode bij indienen",
            totaal=True,
        ),
        Kolom(
            "Deelnemers",
            laatste("deelnemers"),
            Soort.GETAL,
            "Deelnemers in de periode bij indienen",
            totaal=True,
        ),
    ]


def ronde_export(ronde: Rapportageronde, standen: list[services.Stand]) -> export.Export:
    """Who reported in the round and who is late, a row per municipality."""
    kolommen = _standkolommen()
    return export.Export(
        naam="onderwijsaanpak-ronde",
        titel=f"Rapportageronde {ronde.naam}",
        tabellen=[export.Tabel("Rapportages", kolommen, lambda: standen)],
        filters=[
            ("Ronde", ronde.naam),
            ("Periode", f"{datum(ronde.periode_van)} tot en met {datum(ronde.periode_tot)}"),
            ("Uiterlijk", datum(ronde.uiterlijk)),
        ],
    )


@bp.route("/rondes/nieuw", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def ronde_nieuw() -> Pagina | Response:
    form = RondeForm()
    if not form.is_submitted():
        return render_template("onderwijsaanpak/ronde_form.html", form=form, ronde=None)
    status = 400
    if form.validate():
        try:
            ronde = services.open_ronde(_gegevens(form), door=door())
        except OnderwijsFout as fout:
            status = weiger(fout, form)
        else:
            db.session.commit()
            flash(f"De ronde {ronde.naam} is geopend.", "succes")
            return redirect(url_for("onderwijsaanpak.ronde", ronde_id=ronde.id))
    return render_template("onderwijsaanpak/ronde_form.html", form=form, ronde=None), status


def _rondepagina(
    ronde: Rapportageronde, sluit_form: VersieForm | None = None, status: int = 200
) -> tuple[str, int]:
    standen = services.stand_van_ronde(ronde, tijd.vandaag())
    return render_template(
        "onderwijsaanpak/ronde.html",
        ronde=ronde,
        standen=standen,
        sluit_form=sluit_form or VersieForm(formdata=None, prefix=SLUITEN, versie=ronde.versie),
        mag_wijzigen=mag_wijzigen(),
    ), status


@bp.route("/rondes/<int:ronde_id>")
@toegang(Recht.PROGRAMMA_LEZEN)
@exporteerbaar
def ronde(ronde_id: int) -> Pagina | Response:
    ronde = ronde_of_404(ronde_id)
    if export.gevraagd_formaat():
        standen = services.stand_van_ronde(ronde, tijd.vandaag())
        return export.toon("onderwijsaanpak/ronde.html", ronde_export(ronde, standen))
    return _rondepagina(ronde)


@bp.route("/rondes/<int:ronde_id>/wijzigen", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def ronde_wijzigen(ronde_id: int) -> Pagina | Response:
    ronde = ronde_of_404(ronde_id)
    if request.method != "POST":
        form = RondeWijzigForm(formdata=None, obj=ronde)
        return render_template("onderwijsaanpak/ronde_form.html", form=form, ronde=ronde)
    form = RondeWijzigForm()
    status = 400
    if form.validate():
        try:
            services.wijzig_ronde(ronde, _gegevens(form), versie=form.versie.data)
        except OnderwijsFout as fout:
            status = weiger(fout, form, ronde)
        else:
            db.session.commit()
            flash(f"De ronde {ronde.naam} is gewijzigd.", "succes")
            return redirect(url_for("onderwijsaanpak.ronde", ronde_id=ronde.id))
    return render_template("onderwijsaanpak/ronde_form.html", form=form, ronde=ronde), status


@bp.route("/rondes/<int:ronde_id>/sluiten", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def ronde_sluiten(ronde_id: int) -> Pagina | Response:
    ronde = ronde_of_404(ronde_id)
    form = VersieForm(prefix=SLUITEN)
    status = 400
    if form.validate():
        try:
            services.sluit_ronde(ronde, door=door(), versie=form.versie.data)
        except OnderwijsFout as fout:
            status = weiger(fout, form, ronde)
        else:
            db.session.commit()
            flash(f"De ronde {ronde.naam} is gesloten.", "succes")
            return redirect(url_for("onderwijsaanpak.ronde", ronde_id=ronde.id))
    return _rondepagina(ronde, form, status)


# --- A municipality's report ----------------------------------------------------------------


def _rapportagepagina(
    gemeente: Gemeente,
    ronde: Rapportageronde,
    *,
    indien_form: IndienForm | None = None,
    goedkeur_form: GoedkeurForm | None = None,
    terugstuur_form: TerugstuurForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    vandaag = tijd.vandaag()
    rapportages = services.rapportages_van(ronde, gemeente)
    laatste = rapportages[-1] if rapportages else None
    # Forms not being answered are drawn fresh from the current version (never from the body).
    versie = laatste.versie if laatste else None
    return render_template(
        "onderwijsaanpak/rapportage.html",
        gemeente=gemeente,
        lid=services.cohortlid_van(gemeente),
        ronde=ronde,
        stand=services.Stand(ronde, gemeente, laatste, vandaag),
        rapportages=rapportages,
        activiteiten=services.activiteiten_van(gemeente, ronde),
        indienen_geweigerd=services.indienen_geweigerd(ronde, gemeente, vandaag),
        indien_form=indien_form or IndienForm(formdata=None),
        beoordelen=heeft(Recht.PROGRAMMA_WIJZIGEN)
        and laatste is not None
        and laatste.status.value == "ingediend",
        goedkeur_form=goedkeur_form
        or GoedkeurForm(formdata=None, prefix=GOEDKEUREN, versie=versie),
        terugstuur_form=terugstuur_form
        or TerugstuurForm(formdata=None, prefix=TERUGSTUREN, versie=versie),
    ), status


def _naar(gemeente: Gemeente, ronde: Rapportageronde) -> Response:
    return redirect(
        url_for("onderwijsaanpak.rapportage", cbs_code=gemeente.cbs_code, ronde_id=ronde.id)
    )


@bp.route("/gemeenten/<cbs_code>/rondes/<int:ronde_id>")
@toegang(Recht.PROGRAMMA_LEZEN, Recht.EIGEN_GEMEENTE)
def rapportage(cbs_code: str, ronde_id: int) -> Pagina:
    gemeente, _ = lid_of_404(cbs_code)
    return _rapportagepagina(gemeente, ronde_of_404(ronde_id))


@bp.route("/gemeenten/<cbs_code>/rondes/<int:ronde_id>/indienen", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def indienen(cbs_code: str, ronde_id: int) -> Pagina | Response:
    gemeente, _ = lid_of_404(cbs_code)
    ronde = ronde_of_404(ronde_id)
    form = IndienForm()
    status = 400
    if form.validate():
        try:
            ingediend = services.dien_in(
                ronde,
                gemeente,
                toelichting=form.toelichting.data,
                door=door(),
                vandaag=tijd.vandaag(),
            )
        except OnderwijsFout as fout:
            status = weiger(fout, form)
        else:
            db.session.commit()
            flash(
                f"De rapportage over {ronde.naam} is ingediend, met "
                f"{ingediend.aantal_activiteiten} activiteit(en); zij wacht op beoordeling "
                "door het ministerie.",
                "succes",
            )
            return _naar(gemeente, ronde)
    return _rapportagepagina(gemeente, ronde, indien_form=form, status=status)


def _rapportage_of_404(gemeente: Gemeente, rapportage_id: int) -> Rapportage:
    rapportage = db.session.get(Rapportage, rapportage_id)
    van_gemeente_of_404(rapportage, gemeente)
    assert rapportage is not None
    return rapportage


def _beoordeel(
    cbs_code: str,
    rapportage_id: int,
    form: GoedkeurForm | TerugstuurForm,
    beoordeling: Callable[[Rapportage], None],
    gelukt: str,
) -> Pagina | Response:
    """Approve or send back the report named in the URL; ``gelukt`` names the municipality
    as ``{gemeente}``."""
    gemeente, _ = lid_of_404(cbs_code)
    rapportage = _rapportage_of_404(gemeente, rapportage_id)
    ronde = rapportage.ronde
    status = 400
    if form.validate():
        try:
            beoordeling(rapportage)
        except OnderwijsFout as fout:
            status = weiger(fout, form, rapportage)
        else:
            db.session.commit()
            flash(gelukt.format(gemeente=gemeente.weergavenaam), "succes")
            return _naar(gemeente, ronde)
    return _rapportagepagina(
        gemeente,
        ronde,
        goedkeur_form=form if isinstance(form, GoedkeurForm) else None,
        terugstuur_form=form if isinstance(form, TerugstuurForm) else None,
        status=status,
    )


@bp.route("/gemeenten/<cbs_code>/rapportages/<int:rapportage_id>/goedkeuren", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def goedkeuren(cbs_code: str, rapportage_id: int) -> Pagina | Response:
    form = GoedkeurForm(prefix=GOEDKEUREN)
    return _beoordeel(
        cbs_code,
        rapportage_id,
        form,
        lambda r: services.keur_goed(
            r, door=door(), versie=form.versie.data, reactie=form.reactie.data
        ),
        "De rapportage van {gemeente} is goedgekeurd.",
    )


@bp.route("/gemeenten/<cbs_code>/rapportages/<int:rapportage_id>/terugsturen", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def terugsturen(cbs_code: str, rapportage_id: int) -> Pagina | Response:
    form = TerugstuurForm(prefix=TERUGSTUREN)
    return _beoordeel(
        cbs_code,
        rapportage_id,
        form,
        lambda r: services.stuur_terug(
            r, reden=form.reden.data or "", door=door(), versie=form.versie.data
        ),
        "De rapportage is teruggestuurd naar {gemeente}.",
    )
