"""``flask demo landelijk``: the municipalities of a CBS list (or its first N) in the register.

A municipality already there (the demo's, say) is used as it is; the others are added as the
list has them. The other domains' generators use these municipalities, in the list's order.
"""

from __future__ import annotations

import click
from sqlalchemy import select

from gemeenten import cbs
from gemeenten.models import Gemeente
from gemeenten.namen import roepnaam
from kern.db import db
from kern.demo import Landelijk, Verslag


def genereer(opdracht: Landelijk, verslag: Verslag) -> None:
    try:
        regels = cbs.lees(opdracht.lijst.read_bytes())
    except cbs.CbsFout as fout:
        raise click.ClickException(
            f"{opdracht.lijst.name} is geen bruikbare CBS-lijst:\n" + "\n".join(fout.teksten)
        ) from None
    if opdracht.gemeenten is not None:
        if opdracht.gemeenten > len(regels):
            raise click.ClickException(
                f"{opdracht.lijst.name} heeft {len(regels)} gemeenten, geen {opdracht.gemeenten}."
            )
        regels = regels[: opdracht.gemeenten]
    bestaand = {
        g.cbs_code: g
        for g in db.session.execute(
            select(Gemeente).where(Gemeente.cbs_code.in_([r.cbs_code for r in regels]))
        ).scalars()
    }
    nieuw = [
        Gemeente(cbs_code=r.cbs_code, naam=r.naam, provincie=r.provincie, roepnaam=roepnaam(r.naam))
        for r in regels
        if r.cbs_code not in bestaand
    ]
    db.session.add_all(nieuw)
    db.session.flush()
    bestaand |= {g.cbs_code: g for g in nieuw}
    opdracht.gemeente_ids = [bestaand[r.cbs_code].id for r in regels]
    verslag(
        f"Gemeenten uit {opdracht.lijst.name}: {len(nieuw)} toegevoegd, "
        f"{len(regels) - len(nieuw)} waren er al."
    )
