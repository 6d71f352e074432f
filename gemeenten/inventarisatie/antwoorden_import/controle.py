"""Receiving an uploaded answers template and checking it cell by cell.

`lees` reads the file and words every problem, asking the inventory's rules
(`gemeenten.inventarisatie.services.controleer_regel`, the web form's check of a row) for each
row; `ontvang` and `controleer` keep the upload and stage its rows or refuse it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl.utils.cell import range_boundaries

from gemeenten.codes import cbs_code_in_cel
from gemeenten.inventarisatie.analyse import themasleutel
from gemeenten.inventarisatie.antwoorden_import.basis import (
    BLAD,
    EERSTE_RIJ,
    KOPPEN,
    KOPRIJ,
    LETTERS,
    MAX_REGELS,
    META_INVENTARISATIE,
    SJABLOONSOORT,
    SOORT,
    VERSIE,
    Antwoordregel,
    handtekeningsleutel,
    sleutel,
)
from gemeenten.inventarisatie.antwoorden_import.sjabloon import genodigden
from gemeenten.inventarisatie.models import Inventarisatie
from gemeenten.inventarisatie.services import AntwoordRegel, controleer_regel
from kern import uploads
from kern.excel import Blad, ExcelFout, bladnamen, lees_blad, ontbrekend_blad, te_veel_regels
from kern.excel.cellen import datum, geheel_getal, ja_nee, onleesbaar, tekst
from kern.excel.sjabloon import SOORT as SOORT_SLEUTEL
from kern.excel.sjabloon import VERSIE as VERSIE_SLEUTEL
from kern.excel.sjabloon import (
    controleer_koppen,
    lees_metadata,
    meld_extra_kolommen,
    ondertekend,
)
from kern.meldingen import Meldingen
from kern.uploads import Upload

MAX_KOLOMMEN = 26  # columns that are read (A-Z); content further right refuses the file
_LAATSTE_KOLOM = len(KOPPEN) - 1
# The row's field named by `controleer_regel`, and the column it is in.
_KOLOM_VAN_VELD = {"behoefte": 4, "prioriteit": 5, "toelichting": 6, "contactpersoon": 7}


@dataclass(frozen=True)
class Controle:
    """What an uploaded answers template says, and every problem found in it."""

    meldingen: Meldingen
    regels: list[Antwoordregel] = field(default_factory=list)

    @property
    def goed(self) -> bool:
        return not self.meldingen.heeft_fouten


def lees(inhoud: bytes, inventarisatie: Inventarisatie) -> Controle:
    """Check an uploaded answers template for ``inventarisatie`` cell by cell; never raises.

    Refuses a file that is not this inventory's template (another inventory's, an old version,
    an edited one); then reports every bad cell at once.
    """
    meldingen = Meldingen()
    blad = _open(inhoud, inventarisatie, meldingen)
    if blad is None:
        return Controle(meldingen)
    rijen = dict(blad.rijen)
    if not controleer_koppen(
        rijen.get(KOPRIJ, ()),
        KOPPEN,
        meldingen,
        blad=BLAD,
        rij=KOPRIJ,
        advies="download het sjabloon opnieuw en zet de kolommen terug",
    ):
        return Controle(meldingen)
    onleesbaar(blad, meldingen, gelezen=_wordt_gelezen, kop=_kolomkop)
    namen: dict[int, str] = {}  # row -> its municipality and theme, named with its messages
    meldingen.noem_regels(BLAD, namen)
    lezer = _Lezer(inventarisatie, meldingen, namen)
    for rij in sorted(r for r in rijen if r > KOPRIJ):
        waarden = rijen[rij][: _LAATSTE_KOLOM + 1]
        if all(w is None for w in waarden):
            continue
        lezer.rij(rij, waarden)
    if not lezer.gelezen and not meldingen.heeft_fouten:
        meldingen.fout(
            BLAD,
            "",
            f"Het blad {BLAD} bevat geen regels. Download het sjabloon: het heeft vanaf regel "
            f"{EERSTE_RIJ} een regel per uitgenodigde gemeente en thema.",
        )
    meld_extra_kolommen(rijen, meldingen, blad=BLAD, breedte=_LAATSTE_KOLOM + 1)
    return Controle(meldingen, lezer.gelezen)


class _Lezer:
    """Reads the rows one by one, remembering what the file says across rows: each
    municipality and theme once, one answer date per municipality."""

    def __init__(
        self, inventarisatie: Inventarisatie, meldingen: Meldingen, namen: dict[int, str]
    ) -> None:
        self.meldingen = meldingen
        self.namen = namen
        self.gemeenten = {g.cbs_code: g for g in genodigden(inventarisatie)}
        self.themas = {themasleutel(t.naam): t for t in inventarisatie.themas}
        self.gezien: dict[tuple[int, int], int] = {}  # (gemeente, thema) -> row
        self.datums: dict[int, tuple[date, int]] = {}  # gemeente -> (date, row)
        self.gelezen: list[Antwoordregel] = []

    def rij(self, rij: int, waarden: tuple[Any, ...]) -> None:
        """Check one row; add it to `gelezen` when every cell is right."""
        a, _, _, d, e, f, g, h, i = (f"{letter}{rij}" for letter in LETTERS)
        m = self.meldingen
        fouten_voor = m.aantal_fouten
        gemeente_id = self._gemeente(waarden[0], a)
        thema_id = self._thema(waarden[3], d)
        if gemeente_id is not None and thema_id is not None:
            if (eerder := self.gezien.get((gemeente_id, thema_id))) is not None:
                m.fout(
                    BLAD,
                    d,
                    f"Deze gemeente en dit thema staan ook op regel {eerder}; laat één van de "
                    "twee staan.",
                    KOPPEN[3],
                )
            self.gezien.setdefault((gemeente_id, thema_id), rij)
        regel = AntwoordRegel(
            thema_id=thema_id or 0,
            behoefte=ja_nee(waarden[4], m, BLAD, e, KOPPEN[4]),
            prioriteit=geheel_getal(waarden[5], m, BLAD, f, KOPPEN[5]),
            toelichting=tekst(waarden[6], m, BLAD, g, KOPPEN[6]),
            contactpersoon=tekst(waarden[7], m, BLAD, h, KOPPEN[7]),
        )
        for veld, melding in controleer_regel(regel).items():
            kolom = _KOLOM_VAN_VELD[veld]
            m.fout(BLAD, f"{LETTERS[kolom]}{rij}", melding, KOPPEN[kolom])
        dag = datum(waarden[8], m, BLAD, i, KOPPEN[8])
        if dag is not None and gemeente_id is not None:
            self._een_datum(gemeente_id, dag, rij, i)
        if m.aantal_fouten == fouten_voor and gemeente_id is not None and thema_id is not None:
            self.gelezen.append(Antwoordregel(rij, gemeente_id, regel, dag))

    def _gemeente(self, waarde: Any, cel: str) -> int | None:
        code = cbs_code_in_cel(waarde, self.meldingen, BLAD, cel, KOPPEN[0], verplicht=True)
        if code is None:
            return None
        gemeente = self.gemeenten.get(code)
        if gemeente is None:
            # Only what the file says: whether the code exists at all is not looked up.
            self.meldingen.fout(
                BLAD, cel, f"{code} is niet uitgenodigd voor deze inventarisatie.", KOPPEN[0]
            )
            return None
        self.namen[int(cel[1:])] = gemeente.weergavenaam
        return gemeente.id

    def _thema(self, waarde: Any, cel: str) -> int | None:
        naam = tekst(waarde, self.meldingen, BLAD, cel, KOPPEN[3], verplicht=True)
        if naam is None:
            return None
        thema = self.themas.get(themasleutel(naam))
        if thema is None:
            self.meldingen.fout(
                BLAD,
                cel,
                f'"{naam}" is geen thema van deze inventarisatie. Download het sjabloon opnieuw '
                "als de thema's zijn gewijzigd.",
                KOPPEN[3],
            )
            return None
        rij = int(cel[1:])
        if rij in self.namen:
            self.namen[rij] = f"{self.namen[rij]}, {thema.naam}"
        return thema.id

    def _een_datum(self, gemeente_id: int, dag: date, rij: int, cel: str) -> None:
        eerder = self.datums.setdefault(gemeente_id, (dag, rij))
        if eerder[0] != dag:
            self.meldingen.fout(
                BLAD,
                cel,
                f"Op regel {eerder[1]} staat voor deze gemeente {eerder[0]:%d-%m-%Y}; een "
                "gemeente heeft één datum van beantwoorden.",
                KOPPEN[8],
            )


def _open(inhoud: bytes, inventarisatie: Inventarisatie, meldingen: Meldingen) -> Blad | None:
    """The sheet, when the file is this inventory's template; None (with the message)
    otherwise."""
    max_rijen = KOPRIJ + MAX_REGELS
    try:
        metadata = lees_metadata(inhoud)
        if not _herken_sjabloon(metadata, inventarisatie, meldingen):
            return None
        if BLAD not in bladnamen(inhoud):
            raise ExcelFout(ontbrekend_blad(BLAD))
        return lees_blad(inhoud, blad=BLAD, max_rijen=max_rijen, max_kolommen=MAX_KOLOMMEN)
    except ExcelFout as fout:
        tekst_ = str(fout)
        if tekst_ == te_veel_regels(max_rijen):
            tekst_ = (
                f"Het blad {BLAD} heeft gegevens onder rij {max_rijen}: er passen "
                f"{MAX_REGELS} regels in één bestand."
            )
        meldingen.fout("", "", tekst_)
        return None


def _herken_sjabloon(
    metadata: dict[str, str], inventarisatie: Inventarisatie, meldingen: Meldingen
) -> bool:
    """Whether the file's signed metadata says it is this inventory's answers template, in the
    current version."""
    if metadata.get(SOORT_SLEUTEL) != SJABLOONSOORT:
        meldingen.fout(
            "",
            "",
            "Dit bestand is niet gemaakt met het sjabloon voor antwoorden. Download het "
            "sjabloon op deze pagina, vul het in en upload het opnieuw.",
        )
        return False
    if metadata.get(VERSIE_SLEUTEL) != VERSIE:
        meldingen.fout(
            "",
            "",
            f"Dit is een verouderd sjabloon (versie {metadata.get(VERSIE_SLEUTEL) or '?'}). "
            "Download het nieuwe sjabloon en neem de antwoorden daarin over.",
        )
        return False
    if not ondertekend(metadata, handtekeningsleutel()):
        # Nothing of what the file says is repeated: it cannot be trusted.
        meldingen.fout(
            "",
            "",
            "De verborgen gegevens van dit sjabloon zijn gewijzigd, dus het is niet zeker bij "
            "welke inventarisatie het hoort. Download het sjabloon opnieuw, neem de antwoorden "
            "daarin over en upload het.",
        )
        return False
    if metadata.get(META_INVENTARISATIE) != str(inventarisatie.id):
        meldingen.fout(
            "",
            "",
            "Dit sjabloon hoort bij een andere inventarisatie. Download het sjabloon van "
            f"{inventarisatie.naam} en upload dat.",
        )
        return False
    return True


def _wordt_gelezen(bereik: str) -> bool:
    """Whether a cell or range touches the table, which the upload reads."""
    grenzen = range_boundaries(bereik if ":" in bereik else f"{bereik}:{bereik}")
    links, _, _, onder = (g or 0 for g in grenzen)
    return onder > KOPRIJ and links <= _LAATSTE_KOLOM + 1


def _kolomkop(cel: str) -> str:
    """The heading of the cell's column as the messages name it ("Prioriteit (1-5)")."""
    kolom = "".join(t for t in cel if t.isalpha())
    rij = int("".join(t for t in cel if t.isdigit()) or 0)
    nummer = LETTERS.find(kolom) if len(kolom) == 1 else -1
    return KOPPEN[nummer] if rij > KOPRIJ and nummer >= 0 else ""


# --- The upload -------------------------------------------------------------------------------


def ontvang(
    inventarisatie: Inventarisatie, inhoud: bytes, *, bestandsnaam: str, door: str
) -> tuple[Upload, bool]:
    """Store and check an upload for ``inventarisatie``; returns it and whether it is new.

    The identical file uploaded before is recognised by its hash: the earlier upload is
    returned and nothing is stored again. Flushes; the caller commits.
    """
    return uploads.ontvang_en_controleer(
        inhoud,
        soort=SOORT,
        sleutel=sleutel(inventarisatie),
        bestandsnaam=bestandsnaam,
        door=door,
        controleer=lambda upload: controleer(inventarisatie, upload, inhoud),
    )


def controleer(inventarisatie: Inventarisatie, upload: Upload, inhoud: bytes) -> None:
    """Check the file cell by cell; stage its rows, or record why it is refused. Flushes; the
    caller commits."""
    uploads.bewaar_controle(upload, lees(inhoud, inventarisatie))
