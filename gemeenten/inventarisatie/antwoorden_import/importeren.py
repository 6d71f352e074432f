"""The import: a checked upload's answers stored per municipality through the services
(`services.sla_antwoorden_op`, the web form's save, its rules and audit entries), all in the
caller's one transaction."""

from __future__ import annotations

from collections import defaultdict

from gemeenten.inventarisatie import services
from gemeenten.inventarisatie.antwoorden_import.basis import Antwoordregel
from gemeenten.inventarisatie.antwoorden_import.voorvertoning import voorvertoning
from gemeenten.inventarisatie.models import Deelnemer, Inventarisatie
from gemeenten.inventarisatie.services import Conflict, InventarisatieFout
from kern import uploads
from kern.uploads import Upload


def importeer(
    inventarisatie: Inventarisatie,
    upload: Upload,
    *,
    door: str,
    versie: int | None,
    stand: str | None,
) -> int:
    """Store the upload's answers; returns how many answers changed. Flushes; the caller
    commits, or rolls back on a refusal: then nothing is stored.

    ``versie`` is the upload's version and ``stand`` the inventory's answers as the preview
    showed them: when either changed since, nothing is imported and the user sees the preview
    again.
    """
    if (waarom := uploads.niet_te_importeren(upload)) is not None:
        raise InventarisatieFout(waarom)  # confirmed already (by this user, say) or refused
    services.controleer_versie(upload, versie, "deze upload")
    vv = voorvertoning(inventarisatie, upload)
    if stand != vv.stand:
        raise Conflict(
            f"Sinds de voorvertoning zijn er antwoorden van {inventarisatie.naam} gewijzigd. "
            "Bekijk hieronder wat het bestand nu verandert en bevestig opnieuw."
        )
    per_gemeente: dict[int, list[Antwoordregel]] = defaultdict(list)
    for regel in vv.regels:
        per_gemeente[regel.regel.gemeente_id].append(regel.regel)
    deelnemers: dict[int, Deelnemer] = {d.gemeente_id: d for d in inventarisatie.deelnemers}
    gewijzigd = 0
    for gemeente_id, regels in per_gemeente.items():
        deelnemer = deelnemers.get(gemeente_id)
        if deelnemer is None:
            raise Conflict(
                "Een gemeente in dit bestand is intussen niet meer uitgenodigd. Er is niets "
                "ingelezen; upload het bestand opnieuw."
            )
        dag = next((r.beantwoord_op for r in regels if r.beantwoord_op), None)
        try:
            gewijzigd += services.sla_antwoorden_op(
                deelnemer,
                [r.regel for r in regels],
                beantwoord_op=dag,
                door=door,
                versie=deelnemer.versie,
                bron="excel",
            )
        except InventarisatieFout as fout:
            naam = deelnemer.gemeente.weergavenaam
            raise InventarisatieFout(f"{naam}: {fout} Er is niets ingelezen.") from fout
    uploads.markeer_geimporteerd(upload, door=door, resultaat=f"antwoorden:{gewijzigd}")
    return gewijzigd
