"""The municipality register.

Words: a *gemeente* (municipality) has a CBS code (``GM0363``), a name and a province, and is
valid from ``geldig_van`` to ``geldig_tot``. CBS publishes the *gemeentelijke indeling* (the
list of municipalities) every 1 January; a *herindeling* (merger) ends codes, and the ended
municipality's *opvolger* (successor) takes over its grants and history. A *deelname* records
that a municipality takes part in one of the programmes: the *versterkingsgelden*, the
*onderwijsaanpak* or the *behoefte-inventarisatie*.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from gemeenten import cli, landelijk, services, views
    from gemeenten.demo import laad_demo
    from kern import demo, navigatie
    from kern.accounts import gemeentebron
    from kern.accounts.rechten import Recht

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.cli)
    gemeentebron.installeer(app, services.Bron())
    demo.registreer(app, 10, laad_demo)
    demo.registreer_landelijk(app, 10, landelijk.genereer)
    # A municipality user's start page is their municipality's page (see `kern.views.home`).
    navigatie.registreer_menuitem(
        app,
        navigatie.Menuitem(
            "Mijn gemeente",
            "kern.home",
            volgorde=0,
            huidig_bij=frozenset({"gemeenten.detail"}),
            alleen_met=Recht.EIGEN_GEMEENTE,
        ),
    )
    navigatie.registreer_menuitem(
        app, navigatie.Menuitem("Gemeenten", "gemeenten.index", volgorde=10, blueprint="gemeenten")
    )
    navigatie.registreer_tegel(
        app,
        navigatie.Tegel(
            "Gemeenten",
            "gemeenten.index",
            "Het gemeenteregister: CBS-codes, namen, provincies en herindelingen.",
            10,
        ),
    )
