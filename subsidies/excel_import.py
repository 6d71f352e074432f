"""A return uploaded as Excel: stored, checked, previewed against the current return, imported.

The steps, each its own request::

    ontvang()       store the original (committed first), check it cell by cell, and stage the
                    rows or record why the file is refused; note the return it is checked
                    against (its basis)
    voorvertoning() what the staged rows change against that return
    importeer()     submit the staged rows as a new version of the return, in the caller's
                    one transaction; the file is not read again

An upload is checked against the return that was current when it arrived. When another version
is submitted after that, the upload is *verouderd* (stale): it cannot be confirmed until it is
checked again against the current version (`controleer_opnieuw`), so that an older file never
silently replaces a newer return.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kern import uploads
from kern.db import db
from kern.uploads import Upload, UploadStatus
from subsidies import excel, services
from subsidies.models import NUL, Beschikking, Verantwoording

SOORT = "verantwoording"
BASIS = "basis"  # in the upload's gegevens: id of the return it was checked against, or None


def sleutel(beschikking: Beschikking) -> str:
    return str(beschikking.id)


def ontvang(
    beschikking: Beschikking, inhoud: bytes, *, bestandsnaam: str, door: str
) -> tuple[Upload, bool]:
    """Store and check an upload for ``beschikking``; returns it and whether it is new.

    The identical file uploaded before is recognised by its hash: the earlier upload is
    returned and nothing is stored again, nor checked again unless its check never finished
    (`uploads.onaf`). Flushes; the caller commits.
    """
    upload, nieuw = uploads.ontvang(
        inhoud, soort=SOORT, sleutel=sleutel(beschikking), bestandsnaam=bestandsnaam, door=door
    )
    if nieuw:
        controleer(beschikking, upload, inhoud)
    return upload, nieuw


def controleer(beschikking: Beschikking, upload: Upload, inhoud: bytes) -> None:
    """Check the file cell by cell; stage its rows, or record why it is refused. Flushes; the
    caller commits."""
    controle = excel.lees_verantwoording(inhoud, beschikking)
    if not controle.goed:
        uploads.weiger(upload, controle.meldingen)
        return
    uploads.stage(
        upload,
        controle.regels,
        gegevens={
            "eindverantwoording": controle.eindverantwoording,
            "toelichting": controle.toelichting,
            BASIS: _huidige_basis(beschikking),
        },
        meldingen=controle.meldingen,
    )


def hoort_bij(upload: Upload, beschikking: Beschikking) -> bool:
    return upload.soort == SOORT and upload.sleutel == sleutel(beschikking)


def _huidige_basis(beschikking: Beschikking) -> int | None:
    laatste = beschikking.laatste_verantwoording
    return laatste.id if laatste else None


def verouderd(upload: Upload, beschikking: Beschikking) -> bool:
    """Was another version of the return submitted since this checked upload was checked?

    An upload stored without its basis (before the basis was kept) counts as checked against
    no return: stale once there is one.
    """
    if upload.status is not UploadStatus.GECONTROLEERD:
        return False
    return upload.gegevens.get(BASIS) != _huidige_basis(beschikking)


def controleer_opnieuw(upload: Upload, beschikking: Beschikking, *, versie: int | None) -> None:
    """Check a stale upload again, against the current return. Flushes; the caller commits.

    The staged rows do not depend on the return, only what they change does: the upload
    takes the current return as its basis, and the preview shows the changes against it.
    """
    services.controleer_versie(upload, versie, "deze upload")
    if upload.status is not UploadStatus.GECONTROLEERD:
        raise services.SubsidieFout(
            "Deze upload is al ingelezen."
            if upload.status is UploadStatus.GEIMPORTEERD
            else "Deze upload kan niet worden ingelezen."
        )
    upload.gegevens = {**upload.gegevens, BASIS: _huidige_basis(beschikking)}
    db.session.flush()


# --- Preview ---------------------------------------------------------------------------------


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


def voorvertoning(upload: Upload, beschikking: Beschikking) -> Voorvertoning:
    """The staged rows against the latest return of ``beschikking`` (None: the first one).

    Only meaningful for an upload that is not `verouderd`: the page shows no preview (and no
    confirmation) for a stale one.
    """
    jaar = beschikking.regeling_jaar.jaar
    basis = beschikking.laatste_verantwoording
    doelen = {d.code: d for d in beschikking.regeling_jaar.regeling.doelen}
    regels: list[Regel] = []
    totaal_in_jaar = totaal_cumulatief = NUL
    for rij, gegevens in uploads.gestaged(upload):
        doel = doelen.get(gegevens["doel"])
        if doel is None:  # the scheme lost a purpose since the check: confirm will refuse
            continue
        nieuw = (Decimal(gegevens["in_jaar"]), Decimal(gegevens["cumulatief"]))
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
        regels.append(Regel(rij, doel.code, doel.naam, soort, cellen))
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


# --- Import ----------------------------------------------------------------------------------


def importeer(
    upload: Upload,
    beschikking: Beschikking,
    *,
    door: str,
    versie: int | None,
) -> tuple[Verantwoording, list[str]]:
    """Submit the staged rows as a new version of the return. Flushes; the caller commits.

    ``versie`` is the upload's version the user saw: when it changed in the meantime (checked
    again, or confirmed by someone else), or when another return was submitted after the
    upload was checked, nothing is imported.
    """
    services.controleer_versie(upload, versie, "deze upload")
    if upload.status is not UploadStatus.GECONTROLEERD:
        raise services.SubsidieFout(
            "Deze upload is al ingelezen."
            if upload.status is UploadStatus.GEIMPORTEERD
            else "Deze upload kan niet worden ingelezen."
        )
    if verouderd(upload, beschikking):
        raise services.Conflict(
            "Er is intussen een andere versie van de verantwoording ingediend dan die waartegen "
            "dit bestand is gecontroleerd. Controleer het opnieuw tegen de huidige versie en "
            "bekijk wat er dan verandert, voordat u het inleest."
        )
    doelen = {d.code: d for d in beschikking.regeling_jaar.regeling.doelen}
    bestedingen: dict[int, services.Besteding] = {}
    for _rij, gegevens in uploads.gestaged(upload):
        doel = doelen.get(gegevens["doel"])
        if doel is None:
            raise services.SubsidieFout(
                f'Het bestedingsdoel "{gegevens["doel"]}" hoort niet meer bij de regeling.'
            )
        bestedingen[doel.id] = services.Besteding(
            Decimal(gegevens["in_jaar"]), Decimal(gegevens["cumulatief"])
        )
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
