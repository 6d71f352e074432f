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
    from gemeenten import cli, services, views
    from gemeenten.demo import laad_demo
    from kern import demo
    from kern.accounts import gemeentebron

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.cli)
    gemeentebron.installeer(app, services.Bron())
    demo.registreer(app, 10, laad_demo)
