"""The import: the staged rows submitted as a new version of the return, in one transaction."""

from __future__ import annotations

from kern import uploads
from kern.uploads import Upload
from subsidies import services
from subsidies.models import Beschikking, Verantwoording
from subsidies.verantwoording_import.basis import doelregels
from subsidies.verantwoording_import.controle import verouderd


def importeer(
    beschikking: Beschikking,
    upload: Upload,
    *,
    door: str,
    versie: int | None,
) -> tuple[Verantwoording, list[str]]:
    """Submit the staged rows as a new version of the return. Flushes; the caller commits.

    ``versie`` is the upload's version the user saw: when it changed in the meantime (checked
    again, or confirmed by someone else), or when another return was submitted after the
    upload was checked, nothing is imported.
    """
    services.controleer_upload(upload, versie)
    if verouderd(beschikking, upload):
        raise services.Conflict(
            "Er is intussen een andere versie van de verantwoording ingediend dan die waartegen "
            "dit bestand is gecontroleerd. Controleer het opnieuw tegen de huidige versie en "
            "bekijk wat er dan verandert, voordat u het inleest."
        )
    doelen = {d.code: d for d in beschikking.regeling_jaar.regeling.doelen}
    bestedingen: dict[int, services.Besteding] = {}
    for regel in doelregels(upload):
        doel = doelen.get(regel.doel)
        if doel is None:
            raise services.SubsidieFout(
                f'Het bestedingsdoel "{regel.doel}" hoort niet meer bij de regeling.'
            )
        bestedingen[doel.id] = services.Besteding(regel.in_jaar, regel.cumulatief)
    verantwoording, waarschuwingen = services.dien_in(
        beschikking,
        bestedingen=bestedingen,
        eindverantwoording=bool(upload.gegevens["eindverantwoording"]),
        toelichting=upload.gegevens["toelichting"],
        door=door,
        bron="excel",
    )
    uploads.markeer_geimporteerd(upload, door=door, resultaat=f"verantwoording:{verantwoording.id}")
    return verantwoording, waarschuwingen
