"""The progress overview: reach per municipality and per phase, who has gone quiet, reach over
time; exported through `kern.export` as two sheets (per municipality, per phase)."""

from __future__ import annotations

from flask import request
from werkzeug.wrappers import Response

from kern import export, tijd
from kern.accounts.access import toegang
from kern.accounts.rechten import Recht
from kern.export import Kolom, Soort, exporteerbaar
from kern.formatting import datum
from onderwijsaanpak import grafiek
from onderwijsaanpak import voortgang as berekening
from onderwijsaanpak.views import bp
from onderwijsaanpak.voortgang import Bereik, Fasetotaal, Regel, Voortgang

ALLE_FASEN = "Alle fasen"


def gekozen_maanden() -> tuple[int, str | None]:
    """The ``maanden`` filter, and the message when it cannot be used (then the default)."""
    waarde = request.args.get("maanden", "").strip()
    if not waarde:
        return berekening.STANDAARD_MAANDEN, None
    if waarde.isascii() and waarde.isdigit() and 1 <= int(waarde) <= berekening.MAX_MAANDEN:
        return int(waarde), None
    return berekening.STANDAARD_MAANDEN, (
        f"Kies een aantal maanden van 1 tot en met {berekening.MAX_MAANDEN}; "
        f"de voortgang toont nu {berekening.STANDAARD_MAANDEN} maanden."
    )


@bp.route("/voortgang")
@toegang(Recht.PROGRAMMA_LEZEN)
@exporteerbaar
def voortgang() -> str | Response:
    maanden, fout = gekozen_maanden()
    vg = berekening.voortgang(tijd.vandaag(), maanden)
    svg = (
        grafiek.bereik_in_de_tijd(
            vg.verloop,
            vg.fasen_in_verloop,
            titel="Bereik in de tijd per fase",
            uitleg=(
                "Per fase een lijn van het aantal deelnemers dat tot en met elk kwartaal is "
                "bereikt, opgeteld over alle activiteiten. De cijfers staan ook in de tabel "
                "onder de grafiek."
            ),
            id_="bereik",
        )
        if vg.verloop
        else None
    )
    return export.toon(
        "onderwijsaanpak/voortgang.html",
        voortgang_export(vg),
        vg=vg,
        maanden_fout=fout,
        grafiek=svg,
        ALLE_FASEN=ALLE_FASEN,
    )


def _bereikkolommen(bereik_van: object) -> list[Kolom]:
    def kolom(kop: str, veld: str, uitleg: str) -> Kolom:
        return Kolom(
            kop,
            lambda r: getattr(bereik_van(r), veld),  # type: ignore[operator]
            Soort.GETAL,
            uitleg,
            totaal=True,
        )

    return [
        kolom(
            "Trainingen", "trainingen", "Trainingen voor schoolbesturen en onderwijsprofessionals"
        ),
        kolom(
            "Professionals getraind",
            "professionals",
            "Deelnemers aan trainingen voor onderwijsprofessionals",
        ),
        kolom(
            "Schoolbesturen bereikt",
            "schoolbesturen",
            "Verschillende schoolbesturen met een training, per gemeente geteld",
        ),
        kolom(
            "Leerlingen bereikt",
            "leerlingen",
            "Deelnemers aan burgerschaps- en debatactiviteiten",
        ),
        kolom(
            "Scholen betrokken",
            "scholen",
            "Verschillende scholen met een training voor professionals of een activiteit voor "
            "leerlingen, per gemeente geteld",
        ),
    ]


def _fase_label(totaal: Fasetotaal) -> str:
    return totaal.fase.label if totaal.fase is not None else ALLE_FASEN


def voortgang_export(vg: Voortgang) -> export.Export:
    def van_regel(r: Regel) -> Bereik:
        return r.bereik

    def van_totaal(t: Fasetotaal) -> Bereik:
        return t.bereik

    per_gemeente = [
        Kolom("Gemeente", lambda r: r.gemeente.weergavenaam, uitleg="De gemeente in het cohort"),
        Kolom("CBS-code", lambda r: r.gemeente.cbs_code, uitleg="De code van het CBS"),
        Kolom("Fase", lambda r: r.lid.fase.label, uitleg="De huidige fase van de gemeente"),
        *_bereikkolommen(van_regel),
        Kolom(
            "Laatste activiteit",
            lambda r: r.laatste_activiteit,
            Soort.DATUM,
            "De datum van de laatste gemelde activiteit; leeg: geen",
        ),
        Kolom(
            "Geen recente activiteit",
            lambda r: r.stil,
            uitleg=f"Neemt deel en had geen activiteit sinds {datum(vg.peildatum)}",
        ),
    ]
    per_fase = [
        Kolom("Fase", _fase_label, uitleg=f"Een fase, of '{ALLE_FASEN}': het totaal"),
        Kolom("Gemeenten", lambda t: t.gemeenten, Soort.GETAL, "Gemeenten in de fase"),
        *(
            Kolom(k.kop, k.waarde, k.soort, k.uitleg)  # no sum: the last row is the total
            for k in _bereikkolommen(van_totaal)
        ),
        Kolom(
            "Laatste activiteit",
            lambda t: t.laatste_activiteit,
            Soort.DATUM,
            "De laatste activiteit in de fase",
        ),
        Kolom(
            "Zonder recente activiteit",
            lambda t: t.stil,
            Soort.GETAL,
            f"Deelnemende gemeenten zonder activiteit sinds {datum(vg.peildatum)}",
        ),
    ]
    return export.Export(
        naam="onderwijsaanpak-voortgang",
        titel="Voortgang van de onderwijsaanpak",
        tabellen=[
            export.Tabel("Per gemeente", per_gemeente, lambda: vg.regels),
            export.Tabel("Per fase", per_fase, lambda: [*vg.per_fase, vg.totaal]),
        ],
        filters=[
            ("Geen recente activiteit", f"{vg.maanden} maanden: sinds {datum(vg.peildatum)}"),
            ("Stand op", datum(vg.vandaag)),
        ],
    )
