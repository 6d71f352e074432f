"""The preview of a checked upload: which of its activities are new and which were reported
already (the same activity, `basis.kenmerk`), against the municipality's activities now."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from gemeenten.models import Gemeente
from kern.db import db
from kern.uploads import Upload
from onderwijsaanpak import services
from onderwijsaanpak.activiteiten_import.basis import Activiteitregel, activiteitregels, kenmerk
from onderwijsaanpak.models import Activiteit


@dataclass(frozen=True)
class Regel:
    regel: Activiteitregel
    nieuw: bool  # False: this activity was reported already and is not read in again


@dataclass(frozen=True)
class Voorvertoning:
    regels: list[Regel]
    stand: str  # the municipality's activities as compared with (`stand`)

    @property
    def nieuw(self) -> list[Regel]:
        return [r for r in self.regels if r.nieuw]

    @property
    def al_gemeld(self) -> int:
        return sum(not r.nieuw for r in self.regels)

    @property
    def deelnemers(self) -> int:
        """The participants of the new activities."""
        return sum(r.regel.gegevens.deelnemers for r in self.nieuw)


def stand(gemeente: Gemeente) -> str:
    """A fingerprint of the municipality's activities: it changes when one is reported,
    changed or removed. The confirmation carries the one its preview showed."""
    aantal, hoogste, versies = db.session.execute(
        select(
            func.count(Activiteit.id),
            func.coalesce(func.max(Activiteit.id), 0),
            func.coalesce(func.sum(Activiteit.versie), 0),
        ).where(Activiteit.gemeente_id == gemeente.id)
    ).one()
    return f"{aantal}-{hoogste}-{versies}"


def voorvertoning(gemeente: Gemeente, upload: Upload) -> Voorvertoning:
    """Each staged row, new or reported already. An activity reported once is matched once:
    a file with it twice adds the second."""
    bestaand = Counter(kenmerk(a) for a in services.activiteiten_van(gemeente))
    regels: list[Regel] = []
    for regel in activiteitregels(upload):
        sleutel = kenmerk(regel.gegevens)
        al = bestaand[sleutel] > 0
        if al:
            bestaand[sleutel] -= 1
        regels.append(Regel(regel, nieuw=not al))
    return Voorvertoning(regels, stand(gemeente))
