"""The behoefte-inventarisatie: the needs inventory among municipalities.

Words: an *inventarisatie* (inventory, such as the quickscan of 2015 among 49 municipalities,
Kamerstuk 29 754, nr. 323) asks its *deelnemers* (the invited municipalities) about *thema's*
(themes) that officers define and group in *delen* (parts: problematiek, capaciteit en beleid,
kennisopbouw, lokale behoeften). A municipality's *antwoord* (answer) on a theme says whether it
has a *behoefte* (need), its *prioriteit* (priority, 1 to 5), a *toelichting* (description) and
a *contactpersoon* (contact person). The *respons* (response rate) is which invited
municipalities answered, and when. An officer can open an inventory for *correcties*: the
municipalities then see and correct their own answers.

It is about municipalities, not grants: it imports neither `subsidies` nor `onderwijsaanpak`;
where it needs programme membership it asks `gemeenten.programmas`.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from gemeenten import secties
    from gemeenten.inventarisatie import landelijk, models  # noqa: F401 (models: the tables)
    from gemeenten.inventarisatie.demo import laad_demo
    from gemeenten.inventarisatie.demo_acties import laad_acties
    from gemeenten.inventarisatie.views import bp
    from gemeenten.inventarisatie.views.gemeentepagina import gemeente_sectie, te_beantwoorden
    from kern import demo, navigatie

    app.register_blueprint(bp)
    secties.registreer(app, 40, gemeente_sectie)
    secties.registreer_te_doen(app, te_beantwoorden)
    demo.registreer(app, 70, laad_demo)
    demo.registreer(app, 75, laad_acties)  # on the inventory just loaded
    demo.registreer_landelijk(app, 70, landelijk.genereer)
    navigatie.registreer_menuitem(
        app,
        navigatie.Menuitem(
            "Behoefte-inventarisatie",
            "inventarisatie.index",
            volgorde=40,
            blueprint="inventarisatie",
        ),
    )
    navigatie.registreer_tegel(
        app,
        navigatie.Tegel(
            "Behoefte-inventarisatie",
            "inventarisatie.index",
            "Wat gemeenten nodig hebben om radicalisering en spanningen aan te pakken: de "
            "inventarisaties, hun delen en thema’s, de antwoorden per gemeente en de respons.",
            40,
        ),
    )
