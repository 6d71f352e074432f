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
    from gemeenten import programmas
    from gemeenten.models import Programma
    from kern import navigatie
    from onderwijsaanpak import models, services  # noqa: F401 (models: the tables)
    from onderwijsaanpak.views import bp

    app.register_blueprint(bp)
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
