"""Receiving an uploaded activities template and checking it cell by cell.

`lees` reads the file and words every problem, asking the onderwijsaanpak's rules
(`onderwijsaanpak.regels`, and `services.melden_geweigerd` for a date in a period that is
reported already or in which the municipality did not take part) as the web form does;
`ontvang` and `controleer` keep the upload and stage its rows or refuse it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

from gemeenten.models import Gemeente
from kern import tijd, uploads
from kern.excel import Blad, ExcelFout, bladnamen, lees_blad, ontbrekend_blad, te_veel_regels
from kern.excel.cellen import datum, geheel_getal, onleesbaar, tekst
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
from kern.uploads import Upload
from onderwijsaanpak import regels, services
from onderwijsaanpak.activiteiten_import.basis import (
    BLAD,
    CEL_CBS_CODE,
    EERSTE_RIJ,
    KOPPEN,
    KOPRIJ,
    LETTERS,
    MAX_ACTIVITEITEN,
    META_CBS_CODE,
    META_GEMEENTE,
    SJABLOONSOORT,
    SOORT,
    VERSIE,
    Activiteitregel,
    handtekeningsleutel,
    kenmerk,
    sleutel,
)
from onderwijsaanpak.models import SOORT_LABELS, ActiviteitSoort, Niveau
from onderwijsaanpak.services import ActiviteitGegevens

K = TypeVar("K", ActiviteitSoort, Niveau)
MAX_KOLOMMEN = 26  # columns that are read (A-Z); content further right refuses the file
_LAATSTE_KOLOM = len(KOPPEN) - 1
_SOORTEN = {
    **{label.casefold(): soort for soort, label in SOORT_LABELS.items()},
    **{soort.value: soort for soort in ActiviteitSoort},
}
_NIVEAUS = {n.label.casefold(): n for n in Niveau}


@dataclass(frozen=True)
class Controle:
    """What an uploaded activities template says, and every problem found in it."""

    meldingen: Meldingen
    regels: list[Activiteitregel] = field(default_factory=list)

    @property
    def goed(self) -> bool:
        return not self.meldingen.heeft_fouten


def lees(inhoud: bytes, gemeente: Gemeente, vandaag: date) -> Controle:
    """Check an uploaded activities template for ``gemeente`` cell by cell; never raises.

    Refuses a file that is not this municipality's template (another municipality's, an old
    version, an edited one); then reports every bad cell at once.
    """
    meldingen = Meldingen()
    blad = _open(inhoud, gemeente, meldingen)
    if blad is None:
        return Controle(meldingen)
    rijen = dict(blad.rijen)
    if not _herken_blad(rijen, gemeente, meldingen):
        return Controle(meldingen)
    onleesbaar(blad, meldingen, gelezen=_wordt_gelezen, kop=_kolomkop)
    namen: dict[int, str] = {}  # row -> its school, named with every message on the row
    meldingen.noem_regels(BLAD, namen)
    gelezen: list[Activiteitregel] = []
    gezien: dict[tuple[object, ...], int] = {}
    for rij in sorted(r for r in rijen if r > KOPRIJ):
        waarden = rijen[rij][: _LAATSTE_KOLOM + 1]
        if all(w is None for w in waarden):
            continue
        if isinstance(waarden[2], str) and waarden[2].strip():
            namen[rij] = waarden[2].strip()
        gegevens = _lees_rij(rij, waarden, gemeente, vandaag, meldingen)
        if gegevens is None:
            continue
        if (eerder := gezien.get(kenmerk(gegevens))) is not None:
            meldingen.waarschuwing(
                BLAD,
                f"A{rij}",
                f"Deze activiteit staat ook op regel {eerder}; elke regel telt als een eigen "
                "activiteit. Verwijder er een als dat niet de bedoeling is.",
            )
        gezien.setdefault(kenmerk(gegevens), rij)
        gelezen.append(Activiteitregel(rij, gegevens))
    if not gelezen and not meldingen.heeft_fouten:
        meldingen.fout(
            BLAD,
            "",
            f"Het blad {BLAD} bevat geen activiteiten. Vul vanaf regel {EERSTE_RIJ} per "
            "activiteit een regel in.",
        )
    meld_extra_kolommen(rijen, meldingen, blad=BLAD, breedte=_LAATSTE_KOLOM + 1)
    return Controle(meldingen, gelezen)


def _open(inhoud: bytes, gemeente: Gemeente, meldingen: Meldingen) -> Blad | None:
    """The sheet, when the file is this municipality's template; None (with the message)
    otherwise."""
    max_rijen = KOPRIJ + MAX_ACTIVITEITEN
    try:
        metadata = lees_metadata(inhoud)
        if not _herken_sjabloon(metadata, gemeente, meldingen):
            return None
        if BLAD not in bladnamen(inhoud):
            raise ExcelFout(ontbrekend_blad(BLAD))
        return lees_blad(inhoud, blad=BLAD, max_rijen=max_rijen, max_kolommen=MAX_KOLOMMEN)
    except ExcelFout as fout:
        tekst_ = str(fout)
        if tekst_ == te_veel_regels(max_rijen):
            tekst_ = (
                f"Het blad {BLAD} heeft gegevens onder rij {max_rijen}: er passen "
                f"{MAX_ACTIVITEITEN} activiteiten in één bestand. Meld de rest in een tweede "
                "bestand."
            )
        meldingen.fout("", "", tekst_)
        return None


def _herken_sjabloon(metadata: dict[str, str], gemeente: Gemeente, meldingen: Meldingen) -> bool:
    """Whether the file's signed metadata says it is this municipality's activities template,
    in the current version."""
    if metadata.get(SOORT_SLEUTEL) != SJABLOONSOORT:
        meldingen.fout(
            "",
            "",
            "Dit bestand is niet gemaakt met het sjabloon voor activiteiten. Download het "
            "sjabloon op de pagina Activiteiten uploaden, vul het in en upload het opnieuw.",
        )
        return False
    if metadata.get(VERSIE_SLEUTEL) != VERSIE:
        meldingen.fout(
            "",
            "",
            f"Dit is een verouderd sjabloon (versie {metadata.get(VERSIE_SLEUTEL) or '?'}). "
            "Download het nieuwe sjabloon en neem uw gegevens daarin over.",
        )
        return False
    if not ondertekend(metadata, handtekeningsleutel()):
        # Nothing of what the file says is repeated: it cannot be trusted.
        meldingen.fout(
            "",
            "",
            "De verborgen gegevens van dit sjabloon zijn gewijzigd, dus het is niet zeker bij "
            "welke gemeente het hoort. Download het sjabloon opnieuw, neem uw gegevens daarin "
            "over en upload het.",
        )
        return False
    if (
        metadata.get(META_GEMEENTE) != str(gemeente.id)
        or metadata.get(META_CBS_CODE) != gemeente.cbs_code
    ):
        # Only what the file itself says: nothing about another municipality is looked up.
        meldingen.fout(
            "",
            "",
            "Dit sjabloon hoort bij een andere gemeente (CBS-code "
            f"{metadata.get(META_CBS_CODE) or '?'}). Download het sjabloon van "
            f"{gemeente.weergavenaam} en upload dat.",
        )
        return False
    return True


def _herken_blad(
    rijen: dict[int, tuple[Any, ...]], gemeente: Gemeente, meldingen: Meldingen
) -> bool:
    """Whether the locked CBS code and the table's heading are as the template has them."""
    goed = True
    if als_tekst(_waarde(rijen, CEL_CBS_CODE)) != gemeente.cbs_code:
        meldingen.fout(
            BLAD,
            CEL_CBS_CODE,
            f"Deze cel is gewijzigd; hier hoort {gemeente.cbs_code} te staan. Download het "
            "sjabloon opnieuw als u niet weet wat er is veranderd.",
        )
        goed = False
    # Every heading in its place: a moved column would put dates among the participants.
    koppen = controleer_koppen(
        rijen.get(KOPRIJ, ()),
        KOPPEN,
        meldingen,
        blad=BLAD,
        rij=KOPRIJ,
        advies="download het sjabloon opnieuw en zet de kolommen terug",
    )
    return koppen and goed


def _lees_rij(
    rij: int, waarden: tuple[Any, ...], gemeente: Gemeente, vandaag: date, meldingen: Meldingen
) -> ActiviteitGegevens | None:
    """One activity's cells, each checked by the rule the web form asks; None (with every
    message) when one of them is wrong."""
    a, b, c, d, e, f, g, h = (f"{letter}{rij}" for letter in LETTERS)
    fouten_voor = meldingen.aantal_fouten
    soort = _keuze(waarden[0], _SOORTEN, meldingen, a, _soort_fout)
    dag = datum(waarden[1], meldingen, BLAD, b, KOPPEN[1], verplicht=True)
    if dag is not None:
        fout = regels.activiteitdatum_fout(dag, vandaag) or services.melden_geweigerd(gemeente, dag)
        if fout:
            meldingen.fout(BLAD, b, fout, KOPPEN[1])
    voor_school = meldingen.aantal_fouten
    school = tekst(waarden[2], meldingen, BLAD, c, KOPPEN[2], max_lengte=regels.SCHOOL_MAX)
    if school is None and meldingen.aantal_fouten == voor_school:  # empty, or white space
        meldingen.fout(BLAD, c, regels.SCHOOL_ONTBREEKT, KOPPEN[2])
    brin = regels.lees_brin(tekst(waarden[3], meldingen, BLAD, d, KOPPEN[3]))
    if fout := regels.brin_fout(brin):
        meldingen.fout(BLAD, d, fout, KOPPEN[3])
    niveau = _keuze(waarden[4], _NIVEAUS, meldingen, e, _niveau_fout)
    deelnemers = geheel_getal(waarden[5], meldingen, BLAD, f, KOPPEN[5], verplicht=True)
    if deelnemers is not None and (fout := regels.deelnemers_fout(deelnemers)):
        meldingen.fout(BLAD, f, fout, KOPPEN[5])
    aanbieder = tekst(waarden[6], meldingen, BLAD, g, KOPPEN[6], max_lengte=regels.AANBIEDER_MAX)
    opmerkingen = tekst(
        waarden[7], meldingen, BLAD, h, KOPPEN[7], max_lengte=regels.OPMERKINGEN_MAX
    )
    if (
        meldingen.aantal_fouten > fouten_voor
        or soort is None
        or dag is None
        or school is None
        or niveau is None
        or deelnemers is None
    ):
        return None
    return ActiviteitGegevens(
        soort=soort,
        datum=dag,
        school=school,
        niveau=niveau,
        deelnemers=deelnemers,
        brin=brin,
        aanbieder=aanbieder,
        opmerkingen=opmerkingen,
    )


def _keuze(
    waarde: Any, keuzes: dict[str, K], meldingen: Meldingen, cel: str, fout: Callable[[str], str]
) -> K | None:
    """One of ``keuzes``, typed as its label or code in any case; else ``fout``'s message."""
    kolom = _kolomkop(cel)
    gekozen = tekst(waarde, meldingen, BLAD, cel, kolom, verplicht=True)
    if gekozen is None:
        return None
    gevonden = keuzes.get(" ".join(gekozen.split()).casefold())
    if gevonden is None:
        meldingen.fout(BLAD, cel, fout(gekozen), kolom)
    return gevonden


def _soort_fout(waarde: str) -> str:
    soorten = ", ".join(SOORT_LABELS.values())
    return f'"{waarde}" is geen soort activiteit. Kies uit de lijst: {soorten}.'


def _niveau_fout(waarde: str) -> str:
    return f'"{waarde}" is geen niveau. Vul VO of MBO in.'


def _waarde(rijen: dict[int, tuple[Any, ...]], adres: str) -> Any:
    rij, kolom = coordinate_to_tuple(adres)
    return rijen[rij][kolom - 1] if rij in rijen else None


def _wordt_gelezen(bereik: str) -> bool:
    """Whether a cell or range touches what the upload reads: the CBS code, or the table."""
    grenzen = range_boundaries(bereik if ":" in bereik else f"{bereik}:{bereik}")
    links, boven, rechts, onder = (g or 0 for g in grenzen)
    cbs_rij, cbs_kolom = coordinate_to_tuple(CEL_CBS_CODE)
    in_tabel = onder > KOPRIJ and links <= _LAATSTE_KOLOM + 1
    return in_tabel or (boven <= cbs_rij <= onder and links <= cbs_kolom <= rechts)


def _kolomkop(cel: str) -> str:
    """The heading of the cell's column as the messages name it ("Datum")."""
    rij, kolom = coordinate_to_tuple(cel)
    return KOPPEN[kolom - 1] if rij > KOPRIJ and kolom <= len(KOPPEN) else ""


# --- The upload -------------------------------------------------------------------------------


def ontvang(
    gemeente: Gemeente, inhoud: bytes, *, bestandsnaam: str, door: str
) -> tuple[Upload, bool]:
    """Store and check an upload for ``gemeente``; returns it and whether it is new.

    The identical file uploaded before is recognised by its hash: the earlier upload is
    returned and nothing is stored again. Flushes; the caller commits.
    """
    return uploads.ontvang_en_controleer(
        inhoud,
        soort=SOORT,
        sleutel=sleutel(gemeente),
        bestandsnaam=bestandsnaam,
        door=door,
        controleer=lambda upload: controleer(gemeente, upload, inhoud),
    )


def controleer(gemeente: Gemeente, upload: Upload, inhoud: bytes) -> None:
    """Check the file cell by cell on today's date; stage its rows, or record why it is
    refused. Flushes; the caller commits."""
    uploads.bewaar_controle(upload, lees(inhoud, gemeente, tijd.vandaag()))
