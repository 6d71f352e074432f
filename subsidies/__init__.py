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
    from kern import demo
    from subsidies import cli, landelijk, models, services  # noqa: F401 (models: the tables)
    from subsidies.demo import laad_demo
    from subsidies.historische_import import achtergrond
    from subsidies.views import bp
    from subsidies.views.overzichten import gemeente_sectie

    app.register_blueprint(bp)
    app.cli.add_command(cli.cli)
    achtergrond.registreer(app)  # the historical import's jobs
    secties.registreer(app, 20, gemeente_sectie)
    # Membership follows from the decisions: a decided one makes a member, a draft does not.
    programmas.registreer(
        app, Programma.VERSTERKINGSGELDEN, services.ontvangers, "volgt uit de beschikkingen"
    )
    demo.registreer(app, 50, laad_demo)
    demo.registreer_landelijk(app, 50, landelijk.genereer)
    _registreer_menu(app)
    _registreer_startpagina(app)


def _registreer_menu(app: Flask) -> None:
    from kern.navigatie import Menuitem, registreer_menuitem

    registreer_menuitem(
        app,
        Menuitem("Versterkingsgelden", "subsidies.regelingen", volgorde=20, blueprint="subsidies"),
    )
    betalingen = {
        "subsidies.betalingen_werklijst",
        "subsidies.betalingen_registreren",
        "subsidies.betaling_registreren",
        "subsidies.betaling_annuleren",
    }
    registreer_menuitem(
        app,
        Menuitem(
            "Betalingen",
            "subsidies.betalingen_werklijst",
            volgorde=25,
            huidig_bij=frozenset(betalingen),
        ),
    )
    registreer_menuitem(
        app,
        Menuitem(
            "Te beoordelen",
            "subsidies.te_beoordelen",
            volgorde=30,
            huidig_bij=frozenset({"subsidies.te_beoordelen"}),
        ),
    )


def _registreer_startpagina(app: Flask) -> None:
    from kern.accounts.rechten import Recht
    from kern.navigatie import Startblok, Tegel, registreer_startblok, registreer_tegel
    from subsidies.views.betalingen import startblok

    registreer_tegel(
        app,
        Tegel(
            "Betalingen",
            "subsidies.betalingen_werklijst",
            "Wat te betalen en terug te vorderen is, en wat deze maand is geregistreerd.",
            20,
        ),
    )
    registreer_tegel(
        app,
        Tegel(
            "Bestedingsoverzicht",
            "subsidies.bestedingen_overzicht",
            "Per ontvanger en jaar toegekend, betaald, besteed en vastgesteld, als Excel-werkmap.",
            25,
        ),
    )
    # Finance's start page opens with its work: the payments due, overdue first.
    registreer_startblok(
        app,
        Startblok("subsidies.betalingen_werklijst", startblok, 10, Recht.BETALINGEN_REGISTREREN),
    )
