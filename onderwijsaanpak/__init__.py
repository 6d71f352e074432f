"""The onderwijsaanpak: the education approach of measure 24.

Words: a *cohort* of municipalities takes part in a *fase* (phase): the *pilot* (from autumn
2015) or the *uitrol* (rollout, from January 2016); a municipality that stops has the phase
*beëindigd*. Activities are *trainingen* for *schoolbesturen* (school boards) and
*onderwijsprofessionals*, and citizenship and debate activities for *leerlingen* (pupils), in
secondary schools (VO) and MBO. The pilots' *lessen* (lessons) feed the rollout. In a
*rapportageronde* (reporting round) the cohort submits a *rapportage* (report) of a period's
activities, which an officer approves or sends back.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from gemeenten import programmas, secties
    from gemeenten.models import Programma
    from kern import demo, navigatie
    from onderwijsaanpak import landelijk, models, services  # noqa: F401 (models: the tables)
    from onderwijsaanpak.demo import laad_demo
    from onderwijsaanpak.views import bp
    from onderwijsaanpak.views.gemeentepagina import gemeente_sectie, te_rapporteren

    app.register_blueprint(bp)
    secties.registreer(app, 30, gemeente_sectie)
    secties.registreer_te_doen(app, te_rapporteren)
    demo.registreer(app, 60, laad_demo)
    demo.registreer_landelijk(app, 60, landelijk.genereer)
    # The cohort is the membership: a municipality in the pilot or the rollout takes part.
    programmas.registreer(
        app, Programma.ONDERWIJSAANPAK, services.cohortleden, "volgt uit het cohort"
    )
    navigatie.registreer_menuitem(
        app,
        navigatie.Menuitem(
            "Onderwijsaanpak", "onderwijsaanpak.index", volgorde=35, blueprint="onderwijsaanpak"
        ),
    )
    navigatie.registreer_tegel(
        app,
        navigatie.Tegel(
            "Onderwijsaanpak",
            "onderwijsaanpak.index",
            "Maatregel 24: het cohort met zijn pilot en uitrol, de activiteiten op scholen, de "
            "lessen uit de pilots en de rapportagerondes.",
            30,
        ),
    )
