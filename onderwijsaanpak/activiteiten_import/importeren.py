"""The import: the new activities of a checked upload reported through the services, in the
caller's one transaction."""

from __future__ import annotations

from datetime import date

from gemeenten.models import Gemeente
from kern import uploads
from kern.uploads import Upload
from onderwijsaanpak import services
from onderwijsaanpak.activiteiten_import.voorvertoning import voorvertoning
from onderwijsaanpak.models import Activiteit
from onderwijsaanpak.services import Conflict, OnderwijsFout


def importeer(
    gemeente: Gemeente,
    upload: Upload,
    *,
    door: str,
    versie: int | None,
    stand: str | None,
    vandaag: date,
) -> list[Activiteit]:
    """Report the upload's new activities (`voorvertoning`), each through
    `services.meld_activiteit` (its rules, its audit entry). Flushes; the caller commits, or
    rolls back on a refusal: then nothing is reported.

    ``versie`` is the upload's version and ``stand`` the municipality's activities as the
    preview showed them: when either changed since (the upload confirmed already, an activity
    reported meanwhile), nothing is imported and the user sees the preview again.
    """
    if (waarom := uploads.niet_te_importeren(upload)) is not None:
        raise OnderwijsFout(waarom)  # confirmed already (by this user, say) or refused
    services.controleer_versie(upload, versie, "deze upload")
    vv = voorvertoning(gemeente, upload)
    if stand != vv.stand:
        raise Conflict(
            f"Sinds de voorvertoning zijn er activiteiten van {gemeente.weergavenaam} gemeld, "
            "gewijzigd of verwijderd. Bekijk hieronder wat er nu nieuw is en bevestig opnieuw."
        )
    if not vv.nieuw:
        raise OnderwijsFout(
            "Alle activiteiten in dit bestand zijn al gemeld; er is niets in te lezen."
        )
    gemeld = []
    for regel in vv.nieuw:
        try:
            gemeld.append(
                services.meld_activiteit(
                    gemeente, regel.regel.gegevens, door=door, vandaag=vandaag, bron="excel"
                )
            )
        except OnderwijsFout as fout:
            raise OnderwijsFout(f"Regel {regel.regel.rij}: {fout} Er is niets ingelezen.") from fout
    uploads.markeer_geimporteerd(upload, door=door, resultaat=f"activiteiten:{len(gemeld)}")
    return gemeld
