"""Versterkingsgelden: the reinforcement grants to municipalities.

Words: a *regeling* (scheme) grants money per year; a *beschikking* (decision) grants an amount
to a recipient; *betalingen* (payments, *voorschotten*: advances) pay it out; the recipient
accounts for its *besteding* (spending) in a *verantwoording* (return); the *vaststelling*
(settlement) fixes the final amount, followed by a *nabetaling* (extra payment) or
*terugvordering* (clawback).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from gemeenten import programmas, secties
    from gemeenten.models import Programma
    from kern import demo, navigatie
    from subsidies import cli, models, services  # noqa: F401 (models: the tables)
    from subsidies.demo import laad_demo
    from subsidies.views import bp
    from subsidies.views.overzichten import gemeente_sectie

    app.register_blueprint(bp)
    app.cli.add_command(cli.cli)
    secties.registreer(app, 20, gemeente_sectie)
    # Membership follows from the decisions: a decided one makes a member, a draft does not.
    programmas.registreer(
        app, Programma.VERSTERKINGSGELDEN, services.ontvangers, "volgt uit de beschikkingen"
    )
    demo.registreer(app, 50, laad_demo)
    navigatie.registreer_menuitem(
        app,
        navigatie.Menuitem(
            "Versterkingsgelden", "subsidies.regelingen", volgorde=20, blueprint="subsidies"
        ),
    )
    navigatie.registreer_menuitem(
        app,
        navigatie.Menuitem(
            "Te beoordelen",
            "subsidies.te_beoordelen",
            volgorde=30,
            huidig_bij=frozenset({"subsidies.te_beoordelen"}),
        ),
    )
