"""Receiving an uploaded return and checking it cell by cell against its decision.

`lees` reads the file and words every problem; `ontvang` and `controleer` keep the upload and
stage its rows or refuse it. An upload is checked against the return that was current when it
arrived (its basis): when another version is submitted after that, it is `verouderd` (stale)
and cannot be confirmed until it is checked again against the current version
(`controleer_opnieuw`), so that an older file never silently replaces a newer return.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

from kern import uploads
from kern.db import db
from kern.excel import Blad, ExcelFout, bladnamen, lees_blad, ontbrekend_blad, te_veel_regels
from kern.excel.cellen import bedrag, foutwaarde, ja_nee, schoon, tekst
from kern.excel.sjabloon import SOORT as SOORT_SLEUTEL
from kern.excel.sjabloon import VERSIE as VERSIE_SLEUTEL
from kern.excel.sjabloon import (
    als_tekst,
    controleer_koppen,
    lees_metadata,
    meld_extra_kolommen,
    ondertekend,
)
from kern.meldingen import Meldingen
from kern.uploads import Upload, UploadStatus
from subsidies import services
from subsidies.models import NUL, Beschikking
from subsidies.regels import (
    boven_toekenning,
    cumulatief_te_laag,
    doel_boven_toekenning,
    totaal_te_groot,
)
from subsidies.verantwoording_import.basis import (
    BASIS,
    BLAD,
    CEL_CBS_CODE,
    CEL_EINDVERANTWOORDING,
    CEL_JAAR,
    CEL_TOELICHTING,
    EERSTE_DOELRIJ,
    KOLOM_CODE,
    KOLOM_CUMULATIEF,
    KOLOM_IN_JAAR,
    KOPRIJ,
    META_BESCHIKKING,
    META_CBS_CODE,
    META_JAAR,
    SJABLOONSOORT,
    SOORT,
    VERSIE,
    Doelregel,
    handtekeningsleutel,
    huidige_basis,
    kolommen,
    sleutel,
)

LEGE_RIJEN = 20  # rows allowed below the purposes' rows (blank rows a clerk left, say)
MAX_KOLOMMEN = 26  # columns that are read (A-Z); content further right refuses the file
MAX_TOELICHTING = 4_000
_KOLOMMEN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LAATSTE_KOLOM = _KOLOMMEN.index(KOLOM_CUMULATIEF)


@dataclass(frozen=True)
class Controle:
    """What an uploaded return says, and every problem found in it."""

    meldingen: Meldingen
    eindverantwoording: bool | None = None
    toelichting: str | None = None
    regels: list[Doelregel] = field(default_factory=list)  # one per purpose, in sheet order

    @property
    def goed(self) -> bool:
        return not self.meldingen.heeft_fouten


def lees(inhoud: bytes, beschikking: Beschikking) -> Controle:
    """Check an uploaded return template for ``beschikking`` cell by cell; never raises.

    Refuses a file that is not this decision's template (another decision, another
    municipality, an old version); then reports every bad cell at once.
    """
    meldingen = Meldingen()
    gelezen = _open(inhoud, beschikking, meldingen)
    if gelezen is None:
        return Controle(meldingen)
    rijen = dict(gelezen.blad.rijen)
    if not _herken_sjabloon(gelezen.metadata, beschikking, meldingen):
        return Controle(meldingen)
    if not _herken_blad(rijen, beschikking, meldingen):
        return Controle(meldingen)
    jaar = beschikking.regeling_jaar.jaar
    _meld_wat_niet_leesbaar_is(gelezen.blad, jaar, meldingen)
    eind = ja_nee(
        _waarde(rijen, CEL_EINDVERANTWOORDING),
        meldingen,
        blad=BLAD,
        cel=CEL_EINDVERANTWOORDING,
        kolom=_kolomkop(CEL_EINDVERANTWOORDING, jaar),
        verplicht=True,
    )
    toelichting = tekst(
        _waarde(rijen, CEL_TOELICHTING),
        meldingen,
        blad=BLAD,
        cel=CEL_TOELICHTING,
        kolom=_kolomkop(CEL_TOELICHTING, jaar),
        max_lengte=MAX_TOELICHTING,
    )
    regels = _lees_doelen(rijen, beschikking, meldingen)
    meld_extra_kolommen(rijen, meldingen, blad=BLAD, breedte=_LAATSTE_KOLOM + 1)
    if regels is not None and not meldingen.heeft_fouten:
        _waarschuw_boven_toekenning(regels, beschikking, meldingen)
    return Controle(meldingen, eind, toelichting, regels or [])


@dataclass(frozen=True)
class _Gelezen:
    """The template's sheet as read, and the file's metadata."""

    blad: Blad
    metadata: dict[str, str]


def _open(inhoud: bytes, beschikking: Beschikking, meldingen: Meldingen) -> _Gelezen | None:
    """The sheet and the metadata; None (with the message) when the file cannot be read or
    is not a return template at all."""
    # The template's rows and no more: the scan refuses a sheet of a million rows within its
    # first megabyte, before anything else of the file is read.
    max_rijen = KOPRIJ + len(beschikking.regeling_jaar.regeling.doelen) + LEGE_RIJEN
    try:
        blad = None
        if BLAD in bladnamen(inhoud):
            blad = lees_blad(inhoud, blad=BLAD, max_rijen=max_rijen, max_kolommen=MAX_KOLOMMEN)
        metadata = lees_metadata(inhoud)
        if blad is None:
            if metadata.get(SOORT_SLEUTEL) == SJABLOONSOORT:
                raise ExcelFout(ontbrekend_blad(BLAD))
            _herken_sjabloon(metadata, beschikking, meldingen)  # not the template: says so
            return None
    except ExcelFout as fout:
        tekst_ = str(fout)
        if tekst_ == te_veel_regels(max_rijen):
            tekst_ = (
                f"Het blad {BLAD} heeft gegevens onder rij {max_rijen}, maar het sjabloon heeft "
                f"alleen de regels van de tabel (rij {EERSTE_DOELRIJ} tot en met "
                f"{max_rijen - LEGE_RIJEN}). Verwijder wat onder de tabel staat en upload het "
                "bestand opnieuw."
            )
        meldingen.fout("", "", tekst_)
        return None
    return _Gelezen(blad, metadata)


def _meld_wat_niet_leesbaar_is(blad: Blad, jaar: int, meldingen: Meldingen) -> None:
    """Merged cells over what is read, formulas without a value, error values."""
    for bereik in blad.samengevoegd:
        if _raakt_invoer(bereik):
            meldingen.fout(
                BLAD,
                bereik,
                "Samengevoegde cellen kunnen niet worden gelezen. Maak het "
                "samenvoegen ongedaan en vul elke cel apart in.",
            )
    for cel in sorted(blad.formules_zonder_waarde, key=coordinate_to_tuple):
        meldingen.fout(
            BLAD,
            cel,
            "De formule in deze cel heeft geen berekende waarde. Open het bestand in "
            "Excel of LibreOffice, sla het op en upload het opnieuw.",
            _kolomkop(cel, jaar),
        )
    for cel in sorted(blad.foutwaarden, key=coordinate_to_tuple):
        if _wordt_gelezen(cel):
            foutwaarde(blad.foutwaarden[cel], meldingen, BLAD, cel, _kolomkop(cel, jaar))


def _herken_sjabloon(
    metadata: dict[str, str], beschikking: Beschikking, meldingen: Meldingen
) -> bool:
    """Whether the file's signed metadata says it is this decision's return template, in the
    current version."""
    if metadata.get(SOORT_SLEUTEL) != SJABLOONSOORT:
        meldingen.fout(
            "",
            "",
            "Dit bestand is niet gemaakt met het verantwoordingssjabloon. Download het "
            "sjabloon bij de beschikking, vul het in en upload het opnieuw.",
        )
        return False
    if metadata.get(VERSIE_SLEUTEL) != VERSIE:
        meldingen.fout(
            "",
            "",
            f"Dit is een verouderd sjabloon (versie {metadata.get(VERSIE_SLEUTEL) or '?'}). "
            "Download het nieuwe sjabloon bij de beschikking en neem uw gegevens daarin over.",
        )
        return False
    if not ondertekend(metadata, handtekeningsleutel()):
        # Nothing of what the file says is repeated: it cannot be trusted.
        meldingen.fout(
            "",
            "",
            "De verborgen gegevens van dit sjabloon zijn gewijzigd, dus het is niet zeker bij "
            "welke beschikking het hoort. Download het sjabloon bij de beschikking opnieuw, "
            "neem uw gegevens daarin over en upload het.",
        )
        return False
    gemeente = beschikking.gemeente
    jaar = str(beschikking.regeling_jaar.jaar)
    if (
        metadata.get(META_BESCHIKKING) != str(beschikking.id)
        or metadata.get(META_CBS_CODE) != gemeente.cbs_code
        or metadata.get(META_JAAR) != jaar
    ):
        # Only what the file itself says: nothing about another decision is looked up.
        meldingen.fout(
            "",
            "",
            "Dit sjabloon hoort bij een andere beschikking (CBS-code "
            f"{metadata.get(META_CBS_CODE) or '?'}, jaar {metadata.get(META_JAAR) or '?'}). "
            "Download het sjabloon van deze beschikking en upload dat.",
        )
        return False
    return True


def _herken_blad(
    rijen: dict[int, tuple[Any, ...]], beschikking: Beschikking, meldingen: Meldingen
) -> bool:
    """Whether the locked identification and the table's heading are as the template has
    them."""
    goed = True
    cbs_code, jaar = beschikking.gemeente.cbs_code, str(beschikking.regeling_jaar.jaar)
    for adres, verwacht in ((CEL_CBS_CODE, cbs_code), (CEL_JAAR, jaar)):
        waarde = _waarde(rijen, adres)
        if als_tekst(waarde) != verwacht:
            meldingen.fout(
                BLAD,
                adres,
                f"Deze cel is gewijzigd; hier hoort {verwacht} te staan. Download "
                "het sjabloon opnieuw als u niet weet wat er is veranderd.",
            )
            goed = False
    koppen = [kolom.kop for kolom in kolommen(beschikking.regeling_jaar.jaar)]
    koprij = rijen.get(KOPRIJ, ())
    if not {als_tekst(w).strip().casefold() for w in koprij} & {k.casefold() for k in koppen}:
        meldingen.fout(
            BLAD,
            f"{KOLOM_CODE}{KOPRIJ}",
            "Hier hoort de kop van de tabel te staan (Code). Voeg "
            "geen regels in boven de tabel en verwijder er geen.",
        )
        return False
    # Every heading in its place: an inserted, deleted or moved column would shift the amounts.
    return controleer_koppen(koprij, koppen, meldingen, blad=BLAD, rij=KOPRIJ) and goed


def _lees_doelen(
    rijen: dict[int, tuple[Any, ...]], beschikking: Beschikking, meldingen: Meldingen
) -> list[Doelregel] | None:
    """The purposes' rows as typed; None when a row could not be read."""
    jaar = beschikking.regeling_jaar.jaar
    doelen = {d.code: d for d in beschikking.regeling_jaar.regeling.doelen}
    gezien: dict[str, int] = {}
    namen: dict[int, str] = {}  # row -> its purpose, named with every message on the row
    meldingen.noem_regels(BLAD, namen)
    regels: list[Doelregel] = []
    leesbaar = True
    for rij in sorted(r for r in rijen if r > KOPRIJ):
        waarden = rijen[rij][: _LAATSTE_KOLOM + 1]
        if all(w is None for w in waarden):
            continue
        code = _doelcode(rij, waarden[0], set(doelen), gezien, meldingen)
        if code is None:
            leesbaar = False
            continue
        gezien[code] = rij
        namen[rij] = doelen[code].naam
        regel = _bedragen(rij, code, waarden, jaar, meldingen)
        if regel is None:
            leesbaar = False
            continue
        regels.append(regel)
    for code, doel in doelen.items():
        if code not in gezien:
            meldingen.fout(
                BLAD,
                "",
                f'Het bestedingsdoel "{code}" ({doel.naam}) ontbreekt. Zet de regel '
                "terug of download het sjabloon opnieuw.",
            )
            leesbaar = False
    te_groot = leesbaar and totaal_te_groot(r.cumulatief for r in regels)
    if te_groot:
        meldingen.fout(BLAD, "", te_groot)
        leesbaar = False
    return regels if leesbaar else None


def _doelcode(
    rij: int, waarde: Any, codes: set[str], gezien: dict[str, int], meldingen: Meldingen
) -> str | None:
    """The purpose a row is for; None (with the message) when its code is missing, unknown
    or on another row already."""
    cel = f"{KOLOM_CODE}{rij}"
    code = als_tekst(schoon(waarde, meldingen, BLAD, cel, "Code")).strip()
    if not code:
        tekst_ = (
            "Deze regel heeft geen code van een bestedingsdoel. "
            "Vul de code in of maak de regel helemaal leeg."
        )
    elif code not in codes:
        tekst_ = f'"{code}" is geen bestedingsdoel van deze regeling.'
    elif code in gezien:
        tekst_ = f'Het bestedingsdoel "{code}" staat ook op regel {gezien[code]}.'
    else:
        return code
    meldingen.fout(BLAD, cel, tekst_, kolom="Code")
    return None


def _bedragen(
    rij: int, code: str, waarden: tuple[Any, ...], jaar: int, meldingen: Meldingen
) -> Doelregel | None:
    """A purpose's spending in the year and cumulative; None (with the message) when either
    is no amount, or the cumulative is below the year's."""
    kolom_jaar, kolom_cumulatief = f"Besteed in {jaar}", f"Besteed cumulatief t/m {jaar}"
    in_jaar = bedrag(
        waarden[_KOLOMMEN.index(KOLOM_IN_JAAR)],
        meldingen,
        blad=BLAD,
        cel=f"{KOLOM_IN_JAAR}{rij}",
        kolom=kolom_jaar,
        verplicht=True,
    )
    cumulatief = bedrag(
        waarden[_KOLOMMEN.index(KOLOM_CUMULATIEF)],
        meldingen,
        blad=BLAD,
        cel=f"{KOLOM_CUMULATIEF}{rij}",
        kolom=kolom_cumulatief,
        verplicht=True,
    )
    if in_jaar is None or cumulatief is None:
        return None
    te_laag = cumulatief_te_laag(in_jaar, cumulatief, jaar)
    if te_laag:
        meldingen.fout(BLAD, f"{KOLOM_CUMULATIEF}{rij}", te_laag, kolom=kolom_cumulatief)
        return None
    return Doelregel(rij, code, in_jaar, cumulatief)


def _waarschuw_boven_toekenning(
    regels: list[Doelregel], beschikking: Beschikking, meldingen: Meldingen
) -> None:
    """Spending above what was granted does not block the upload: the officer decides."""
    jaar = beschikking.regeling_jaar.jaar
    per_doel = {d.doel.code: d.bedrag for d in beschikking.doelbedragen}
    kolom = f"Besteed cumulatief t/m {jaar}"
    for regel in regels:
        boven = doel_boven_toekenning(regel.cumulatief, per_doel.get(regel.doel))
        if boven:
            meldingen.waarschuwing(BLAD, f"{KOLOM_CUMULATIEF}{regel.rij}", boven, kolom=kolom)
    totaal = sum((r.cumulatief for r in regels), NUL)
    boven = boven_toekenning(totaal, beschikking.bedrag)
    if boven:
        meldingen.waarschuwing(BLAD, "", f"{boven} De beleidsmedewerker beoordeelt dit.")


def _waarde(rijen: dict[int, tuple[Any, ...]], adres: str) -> Any:
    rij, kolom = coordinate_to_tuple(adres)
    return rijen[rij][kolom - 1] if rij in rijen else None


def _wordt_gelezen(cel: str) -> bool:
    """Whether the upload reads this cell: an input cell, or the table below its heading."""
    rij, kolom = coordinate_to_tuple(cel)
    invoer = (CEL_EINDVERANTWOORDING, CEL_TOELICHTING)
    return (rij > KOPRIJ and kolom <= _LAATSTE_KOLOM + 1) or cel in invoer


def _kolomkop(cel: str, jaar: int) -> str:
    """The heading of the cell's column as the messages name it ("Besteed in 2015")."""
    if cel == CEL_EINDVERANTWOORDING:
        return "Eindverantwoording"
    if cel == CEL_TOELICHTING:
        return "Toelichting afwijking"
    rij, kolom = coordinate_to_tuple(cel)
    koppen = kolommen(jaar)
    return koppen[kolom - 1].kop if rij > KOPRIJ and kolom <= len(koppen) else ""


def _raakt_invoer(bereik: str) -> bool:
    """Whether a merged range covers one of the cells that are read."""
    k1, r1, k2, r2 = range_boundaries(bereik)
    if r2 > KOPRIJ:
        return True  # the table of purposes
    invoer = (CEL_EINDVERANTWOORDING, CEL_TOELICHTING, CEL_CBS_CODE, CEL_JAAR)
    return any(k1 <= k <= k2 and r1 <= r <= r2 for r, k in (coordinate_to_tuple(c) for c in invoer))


# --- The upload -------------------------------------------------------------------------------


def ontvang(
    beschikking: Beschikking, inhoud: bytes, *, bestandsnaam: str, door: str
) -> tuple[Upload, bool]:
    """Store and check an upload for ``beschikking``; returns it and whether it is new.

    The identical file uploaded before is recognised by its hash: the earlier upload is
    returned and nothing is stored again, nor checked again unless its check never finished
    (`uploads.onaf`). Flushes; the caller commits.
    """
    return uploads.ontvang_en_controleer(
        inhoud,
        soort=SOORT,
        sleutel=sleutel(beschikking),
        bestandsnaam=bestandsnaam,
        door=door,
        controleer=lambda upload: controleer(beschikking, upload, inhoud),
    )


def controleer(beschikking: Beschikking, upload: Upload, inhoud: bytes) -> None:
    """Check the file cell by cell; stage its rows, or record why it is refused. Flushes; the
    caller commits."""
    controle = lees(inhoud, beschikking)
    uploads.bewaar_controle(
        upload,
        controle,
        gegevens={
            "eindverantwoording": controle.eindverantwoording,
            "toelichting": controle.toelichting,
            BASIS: huidige_basis(beschikking),
        },
    )


def verouderd(beschikking: Beschikking, upload: Upload) -> bool:
    """Was another version of the return submitted since this checked upload was checked?

    An upload stored without its basis (before the basis was kept) counts as checked against
    no return: stale once there is one.
    """
    if upload.status is not UploadStatus.GECONTROLEERD:
        return False
    return upload.gegevens.get(BASIS) != huidige_basis(beschikking)


def controleer_opnieuw(beschikking: Beschikking, upload: Upload, *, versie: int | None) -> None:
    """Check a stale upload again, against the current return. Flushes; the caller commits.

    The staged rows do not depend on the return, only what they change does: the upload
    takes the current return as its basis, and the preview shows the changes against it.
    """
    services.controleer_upload(upload, versie)
    upload.gegevens = {**upload.gegevens, BASIS: huidige_basis(beschikking)}
    db.session.flush()
