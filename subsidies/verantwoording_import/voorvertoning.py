"""The preview of a checked upload: what its staged rows change against the current return."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kern.uploads import Upload
from subsidies.models import NUL, Beschikking, Verantwoording
from subsidies.verantwoording_import.basis import doelregels


@dataclass(frozen=True)
class Cel:
    kolom: str
    oud: object
    nieuw: object


@dataclass(frozen=True)
class Regel:
    rij: int
    code: str
    naam: str
    soort: str  # nieuw, gewijzigd or ongewijzigd
    cellen: list[Cel]  # the changed cells; all of them for a new row


@dataclass
class Voorvertoning:
    basis: Verantwoording | None  # the return the file is compared with
    regels: list[Regel]
    kop: list[Cel] = field(default_factory=list)  # changes to the return as a whole
    totaal_in_jaar: Decimal = NUL  # the file's spending over every purpose
    totaal_cumulatief: Decimal = NUL
    toegekend: Decimal | None = None  # the decision's amount; None: not yet set

    @property
    def niet_besteed(self) -> Decimal | None:
        """Granted minus the cumulative spending: negative when more was spent."""
        return None if self.toegekend is None else self.toegekend - self.totaal_cumulatief

    def aantal(self, soort: str) -> int:
        return sum(r.soort == soort for r in self.regels)

    @property
    def gewijzigd(self) -> list[Regel]:
        return [r for r in self.regels if r.soort != "ongewijzigd"]

    @property
    def verandert_iets(self) -> bool:
        return bool(self.kop) or any(r.soort != "ongewijzigd" for r in self.regels)


def voorvertoning(beschikking: Beschikking, upload: Upload) -> Voorvertoning:
    """The staged rows against the latest return of ``beschikking`` (None: the first one).

    Only meaningful for an upload that is not `verouderd`: the page shows no preview (and no
    confirmation) for a stale one.
    """
    jaar = beschikking.regeling_jaar.jaar
    basis = beschikking.laatste_verantwoording
    doelen = {d.code: d for d in beschikking.regeling_jaar.regeling.doelen}
    regels: list[Regel] = []
    totaal_in_jaar = totaal_cumulatief = NUL
    for regel in doelregels(upload):
        doel = doelen.get(regel.doel)
        if doel is None:  # the scheme lost a purpose since the check: confirm will refuse
            continue
        nieuw = (regel.in_jaar, regel.cumulatief)
        totaal_in_jaar += nieuw[0]
        totaal_cumulatief += nieuw[1]
        oud_regel = basis.regel_voor(doel.id) if basis else None
        kolommen = (f"Besteed in {jaar}", f"Besteed cumulatief t/m {jaar}")
        if oud_regel is None:
            cellen = [Cel(k, None, n) for k, n in zip(kolommen, nieuw, strict=True)]
            soort = "nieuw"
        else:
            oud = (oud_regel.besteed_in_jaar, oud_regel.besteed_cumulatief)
            cellen = [Cel(k, o, n) for k, o, n in zip(kolommen, oud, nieuw, strict=True) if o != n]
            soort = "gewijzigd" if cellen else "ongewijzigd"
        regels.append(Regel(regel.rij, doel.code, doel.naam, soort, cellen))
    kop: list[Cel] = []
    eind, toelichting = upload.gegevens["eindverantwoording"], upload.gegevens["toelichting"]
    if basis is None or basis.eindverantwoording != eind:
        kop.append(Cel("Eindverantwoording", basis.eindverantwoording if basis else None, eind))
    if (basis.toelichting_afwijking if basis else None) != toelichting:
        kop.append(
            Cel(
                "Toelichting afwijking", basis.toelichting_afwijking if basis else None, toelichting
            )
        )
    return Voorvertoning(
        basis, regels, kop, totaal_in_jaar, totaal_cumulatief, toegekend=beschikking.bedrag
    )
