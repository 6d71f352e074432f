"""Receiving and checking an upload of the historical import, and staging its rows.

The workbook is read as a stream and every row is checked against the scheme and the database;
what the import has to do is staged, or the upload is refused with every message at once.
`vingerafdruk` is what the check saw of the database, `verouderd` whether that has changed
since.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from babel.lists import format_list
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.cell import coordinate_to_tuple

from gemeenten import namen as gemeentenamen
from gemeenten.codes import cbs_code_in_cel, lees_cbs_code
from gemeenten.models import Gemeente
from kern import uploads
from kern.db import db
from kern.excel import Blad, ExcelFout, cellen, lees_blad
from kern.excel.cellen import (
    centen_zonder_ruis,
    foutwaarde,
    schoon,
    zoals_getoond,
)
from kern.excel.sjabloon import controleer_koppen
from kern.formatting import LOCALE, geld
from kern.geld import MAXIMUM
from kern.meldingen import Meldingen
from kern.uploads import Upload, UploadStatus
from subsidies import services
from subsidies.historische_import.basis import (
    AANTAL,
    BESTEDING,
    BETALING,
    GEWIJZIGD,
    KOPPEN,
    MAX_RIJEN,
    NIEUW,
    ONGEWIJZIGD,
    OPEN,
    SOORT,
    SOORTEN,
    TOEKENNING,
    UITKOMSTEN,
    VASTSTELLING,
    VERPLICHT,
    A,
    B,
    C,
    D,
    E,
    F,
    G,
    H,
    I,
    J,
    K,
    Voortgang,
    Wijziging,
    beschikkingen_van,
    euro,
    kenmerk,
    sleutel,
)
from subsidies.models import (
    Beschikking,
    BeschikkingStatus,
    Bestedingsdoel,
    Betaling,
    Doelbedrag,
    Regeling,
    RegelingJaar,
    Verantwoording,
)
from subsidies.regels import (
    boven_toekenning,
    cumulatief_past,
    cumulatief_te_laag,
    kenmerk_bezet,
    plafond_overschreden,
    plafond_tekort,
    totaal_te_groot,
    vast_te_stellen,
)

MAX_KOLOMMEN = 20

MAX_CENTEN = int(MAXIMUM * 100)
MAX_FLOAT = float(MAXIMUM)
_VOORTGANG_PER = 1_000  # rows between two calls of a progress callback


def _centen(bedrag: Decimal) -> int:
    return int(bedrag * 100)


def _geld(centen: int) -> str:
    return geld(euro(centen))


def ontvang(
    regeling: Regeling,
    inhoud: bytes,
    *,
    bestandsnaam: str,
    door: str,
    voortgang: Voortgang | None = None,
) -> tuple[Upload, bool]:
    """Store the file (committed), check it and stage its rows; returns it and whether it is new.

    The identical file sent before for this scheme is the earlier upload: nothing is stored
    again, nor checked again unless its check never finished (`uploads.onaf`). Flushes; the
    caller commits.
    """
    upload, nieuw = uploads.ontvang(
        inhoud, soort=SOORT, sleutel=sleutel(regeling), bestandsnaam=bestandsnaam, door=door
    )
    if nieuw:
        controleer(regeling, upload, inhoud=inhoud, voortgang=voortgang)
    return upload, nieuw


def controleer(
    regeling: Regeling,
    upload: Upload,
    inhoud: bytes | None = None,
    *,
    voortgang: Voortgang | None = None,
) -> None:
    """Check the upload against the scheme and the database now; stage its rows or refuse it.

    Also to check an upload again after the database changed. Flushes; the caller commits.
    """
    if upload.status is UploadStatus.GEIMPORTEERD:
        raise services.SubsidieFout(
            "Deze upload is al ingelezen; hij wordt niet opnieuw gecontroleerd."
        )
    controle = Controle(regeling)
    meldingen = Meldingen()
    try:
        blad = lees_blad(
            upload.inhoud if inhoud is None else inhoud,
            max_rijen=MAX_RIJEN,
            max_kolommen=MAX_KOLOMMEN,
        )
        # `stage` reads `gegevens` and the messages after it consumed the rows, and the rows'
        # generator finishes with the checks of the file as a whole: both are complete then.
        uploads.stage(
            upload,
            (
                (rij, wijziging.als_json())
                for rij, wijziging in controle.regels(blad, meldingen, voortgang)
            ),
            gegevens=controle.gegevens,
            meldingen=meldingen,
        )
    except ExcelFout as fout:
        meldingen.fout("", "", str(fout))
    if meldingen.heeft_fouten:
        uploads.weiger(upload, meldingen)


@dataclass(frozen=True, slots=True)
class _Doel:
    id: int
    code: str
    naam: str


@dataclass(slots=True)
class _Gemeente:
    id: int
    cbs: str
    naam: str
    namen: frozenset[str]  # the spellings accepted as they are
    normaal: frozenset[str]  # every spelling people write, normalised (`gemeenten.namen`)
    actief: bool


@dataclass(slots=True)
class _Bestaand:
    """An existing decision of the scheme, as far as the check needs it (money in cents)."""

    status: BeschikkingStatus
    bedrag: int | None
    doelbedragen: dict[int, int]
    betaald: int  # on balance: payments made minus clawbacks
    gepland: int
    betaald_op: dict[date, list[int]]  # registered payments (not clawbacks) by date
    besteding: dict[int, _Besteed]  # the latest return, per doel id
    indienen_geweigerd: str | None
    vaststellen_geweigerd: str | None
    vastgesteld: int | None  # the settled amount, once settled
    eind_goedgekeurd: bool  # an approved final return is there
    kenmerk: str | None
    datum: date | None
    regio: str | None
    deelnemers: tuple[str, ...]  # CBS codes, sorted

    @property
    def besloten(self) -> bool:
        return self.status in services.BESLOTEN


class _GelezenRij(NamedTuple):
    """A row whose every cell was read and is right (money in cents). A named tuple: one is
    made for every row of the file, and it costs no more than a tuple."""

    soort: str
    gemeente: _Gemeente
    jaar: int
    doel: _Doel | None  # None for a payment, and for a grant of the decision's total
    bedrag: int | None  # None only for a grant whose amount is not yet set
    cumulatief: int  # 0 but for a spending row
    datum: date | None  # a payment's date; a grant's decision date, if given
    kenmerk: str | None = None  # a grant: the decision's own reference, if given
    regio: str | None = None
    deelnemers: tuple[_Gemeente, ...] | None = None  # None: not given


class _Besteed(NamedTuple):
    in_jaar: int
    cumulatief: int


class _OpRij(NamedTuple):
    """An amount (cents) and the row of the file that gives it."""

    centen: int
    rij: int


class _Totaal(NamedTuple):
    """A grant of the decision's total (cents; None: not yet set) and its row."""

    centen: int | None
    rij: int


class _BestedingOpRij(NamedTuple):
    in_jaar: int
    cumulatief: int
    rij: int


class _Groep:
    """The rows of one municipality and year, for the checks of the file as a whole."""

    __slots__ = (
        "bestaand",
        "besteding",
        "besteding_eerste",
        "besteding_gewijzigd",
        "besteding_gezien",
        "betaling_eerste",
        "betalingen_nieuw",
        "gemeente",
        "jaar",
        "toekenning",
        "toekenning_gewijzigd",
        "toekenning_gezien",
        "totaal",
        "vaststelling",
        "velden",
    )

    def __init__(self, gemeente: _Gemeente, jaar: int, bestaand: _Bestaand | None) -> None:
        self.gemeente = gemeente
        self.jaar = jaar
        self.bestaand = bestaand  # the decision in the database, if there is one
        self.toekenning: dict[int, _OpRij] = {}  # per doel id, the valid rows
        self.toekenning_gewijzigd: list[int] = []  # rows that change an amount
        self.toekenning_gezien: int | None = None  # the first toekenning row, valid or not
        self.totaal: _Totaal | None = None  # a grant of the decision's total, not per purpose
        self.velden: dict[str, tuple[object, int]] = {}  # the decision's own fields, first row
        self.vaststelling: _OpRij | None = None  # a new settlement: the settled amount
        self.betalingen_nieuw: list[_OpRij] = []
        self.betaling_eerste: int | None = None
        self.besteding: dict[int, _BestedingOpRij] = {}  # per doel id
        self.besteding_gezien: set[int] = set()  # purposes with a row, valid or not
        self.besteding_eerste: int | None = None
        self.besteding_gewijzigd = False


class Controle:
    """One check of one file: the reference data, loaded once, and the state of the rows."""

    def __init__(self, regeling: Regeling) -> None:
        self.regeling = regeling
        self.gegevens: dict[str, Any] = {}
        self.blad = ""
        self.meldingen = Meldingen()
        # A year and a municipality as a cell may hold them (the year as number or text, the
        # code with or without GM and leading zeros), for a lookup without conversion.
        self.jaren = {vorm: j.jaar for j in regeling.jaren for vorm in (j.jaar, str(j.jaar))}
        self.plafonds = {j.jaar: _centen(j.plafond) for j in regeling.jaren}
        self.doelen = {d.code: _Doel(d.id, d.code, d.naam) for d in regeling.doelen}
        self.gemeenten = _gemeenten_per_vorm()
        self.bestaand: dict[tuple[int, int], _Bestaand] = {
            (b.gemeente_id, b.regeling_jaar.jaar): _bestaand(b) for b in beschikkingen_van(regeling)
        }
        self.kenmerken = set(
            db.session.execute(
                sa.select(Beschikking.kenmerk).where(Beschikking.kenmerk.is_not(None))
            ).scalars()
        )
        self.kenmerken_in_bestand: dict[str, tuple[int, int]] = {}  # -> municipality, year
        # Before anything is read: the state of the database the check sees.
        self.vingerafdruk = vingerafdruk(regeling)
        self.groepen: dict[tuple[int, int], _Groep] = {}
        self.sleutels: dict[tuple[Any, ...], int] = {}
        self.aantallen = {soort: dict.fromkeys(UITKOMSTEN, 0) for soort in SOORTEN}
        self.gemeld: set[tuple[Any, ...]] = set()  # messages given once per decision
        self.extra_koppen: list[int] = []  # columns after the last one read, with a heading
        self.gelezen = AANTAL  # the columns read: KOPPEN, or VERPLICHT in a file without the rest

    # --- The rows -------------------------------------------------------------------------

    def regels(
        self, blad: Blad, meldingen: Meldingen, voortgang: Voortgang | None
    ) -> Iterator[tuple[int, Wijziging]]:
        """Check every row and yield the staged form of the valid ones, while there are no
        errors; then check the file as a whole and fill in `gegevens`."""
        self.blad = blad.naam
        self.meldingen = meldingen
        rijen = iter(blad.rijen)
        if not self._kopregel(next(rijen, None)):
            return
        self._samengevoegd(blad.samengevoegd)
        self._formules(blad.formules_zonder_waarde)
        self._foutwaarden(blad.foutwaarden)
        gelezen = self.gelezen
        extra_leeg = (None,) * (MAX_KOLOMMEN - gelezen)
        niet_gelezen = (None,) * (MAX_KOLOMMEN - AANTAL) if gelezen < AANTAL else ()
        extra_gemeld = set(self.extra_koppen)  # columns with a heading were named already
        aantal = 0
        for nummer, waarden in rijen:
            aantal += 1
            if voortgang is not None and aantal % _VOORTGANG_PER == 0:
                voortgang(_VOORTGANG_PER)
            if waarden[gelezen:] != extra_leeg:
                self._extra_kolommen(nummer, waarden, extra_gemeld)
                if niet_gelezen:  # a file without the decision's own columns: not read
                    waarden = (*waarden[:gelezen], *niet_gelezen, *extra_leeg[: AANTAL - gelezen])
            rij = self._gewone_rij(waarden) or self._rij_met_meldingen(nummer, waarden)
            if rij is not None:
                wijziging = self._verwerk(nummer, rij)
                if wijziging is not None and not meldingen.heeft_fouten:
                    yield nummer, wijziging
        if voortgang is not None:
            voortgang(aantal % _VOORTGANG_PER)
        if not any(sum(a.values()) for a in self.aantallen.values()) and not (
            meldingen.heeft_fouten
        ):
            meldingen.fout(self.blad, "A2", "Er staan geen regels onder de kopregel.", KOPPEN[0])
        self._geheel()
        self.gegevens.update(
            regeling_id=self.regeling.id,
            aantallen=self.aantallen,
            gevolgen=self._gevolgen(),
            stand=self.vingerafdruk,
        )

    def _kopregel(self, eerste: tuple[int, tuple[Any, ...]] | None) -> bool:
        fout = self.meldingen.fout
        if eerste is None:
            fout(self.blad, "", "Het werkblad is leeg; zet de kolomkoppen in rij 1.")
            return False
        nummer, waarden = eerste
        if nummer != 1:
            fout(
                self.blad,
                "A1",
                "Rij 1 is leeg; daar horen de kolomkoppen te staan: " + ", ".join(KOPPEN) + ".",
            )
            return False
        # The full layout when any of the decision's own columns is there, else the earlier one.
        eigen = {zoals_getoond(w).strip().casefold() for w in waarden[len(VERPLICHT) : AANTAL]}
        koppen = KOPPEN if eigen & {k.casefold() for k in KOPPEN[len(VERPLICHT) :]} else VERPLICHT
        self.gelezen = len(koppen)
        goed = controleer_koppen(
            waarden,
            koppen,
            self.meldingen,
            blad=self.blad,
            rij=1,
            advies="zet de kolommen in deze volgorde: " + ", ".join(koppen),
        )
        bekend = {kop.casefold() for kop in koppen}
        for kolom, waarde in enumerate(waarden[self.gelezen :], self.gelezen + 1):
            if not goed and zoals_getoond(waarde).casefold() in bekend:
                continue  # a column shifted by an inserted one: named already
            if waarde is not None and str(waarde).strip():
                self.extra_koppen.append(kolom)
                self.meldingen.waarschuwing(
                    self.blad,
                    f"{get_column_letter(kolom)}1",
                    f'De kolom "{zoals_getoond(waarde)}" wordt niet gelezen.',
                )
        return goed

    def _extra_kolommen(self, nummer: int, waarden: tuple[Any, ...], gemeld: set[int]) -> None:
        for kolom, waarde in enumerate(waarden[self.gelezen :], self.gelezen + 1):
            if waarde is not None and kolom not in gemeld:
                gemeld.add(kolom)
                letter = get_column_letter(kolom)
                self.meldingen.waarschuwing(
                    self.blad,
                    f"{letter}{nummer}",
                    f"Kolom {letter} heeft geen kop en wordt niet gelezen.",
                )

    def _samengevoegd(self, bereiken: Iterable[str]) -> None:
        for bereik in bereiken:
            links = range_boundaries(bereik)[0]
            if links is not None and links <= AANTAL:
                self.meldingen.fout(
                    self.blad,
                    bereik,
                    "Samengevoegde cellen worden niet gelezen; maak de samenvoeging ongedaan.",
                )

    def _formules(self, cellen: Iterable[str]) -> None:
        for cel in sorted(cellen):
            kolom = range_boundaries(cel)[0]
            if kolom is not None and kolom <= AANTAL:
                self.meldingen.fout(
                    self.blad,
                    cel,
                    "Deze formule heeft geen berekende waarde; open het bestand in Excel, sla het "
                    "op en upload het opnieuw.",
                    KOPPEN[kolom - 1],
                )

    def _foutwaarden(self, foutwaarden: Mapping[str, str]) -> None:
        for cel in sorted(foutwaarden, key=coordinate_to_tuple):
            kolom = range_boundaries(cel)[0]
            if kolom is not None and kolom <= AANTAL:
                foutwaarde(foutwaarden[cel], self.meldingen, self.blad, cel, KOPPEN[kolom - 1])

    def _gewone_rij(self, waarden: tuple[Any, ...]) -> _GelezenRij | None:
        """The row when every cell is plainly right as it is; None: read it cell by cell.

        Takes a subset of what `_rij_met_meldingen` takes, and reads it the same way, so that
        the common case costs a few dictionary lookups and no Decimal, regex or message.
        """
        (
            soort,
            code,
            naam,
            jaar_cel,
            doel_cel,
            bedrag_cel,
            cumulatief_cel,
            datum_cel,
            kenmerk_cel,
            regio_cel,
            deelnemers_cel,
        ) = waarden[:AANTAL]
        if soort not in SOORTEN_SNEL or code.__class__ is bool:
            return None
        if kenmerk_cel is not None or regio_cel is not None or deelnemers_cel is not None:
            return None
        gemeente = self.gemeenten.get(code)
        jaar = self.jaren.get(jaar_cel)
        if gemeente is None or jaar is None or naam not in gemeente.namen:
            return None
        bedrag = _centen_snel(bedrag_cel)
        if bedrag is None:
            return None
        if soort == BETALING:
            dag = datum_cel
            soort_dag = dag.__class__
            if soort_dag is datetime:
                dag = dag.date()
            elif soort_dag is not date:
                return None
            if doel_cel is not None or cumulatief_cel is not None or not bedrag:
                return None
            if not 2000 <= dag.year <= 2100:
                return None
            return _GelezenRij(soort, gemeente, jaar, None, bedrag, 0, dag)
        doel = self.doelen.get(doel_cel)
        if doel is None or datum_cel is not None:
            return None
        if soort == TOEKENNING:
            if cumulatief_cel is not None:
                return None
            return _GelezenRij(soort, gemeente, jaar, doel, bedrag, 0, None)
        if cumulatief_cel is None:
            return _GelezenRij(soort, gemeente, jaar, doel, bedrag, bedrag, None)
        cumulatief = _centen_snel(cumulatief_cel)
        if cumulatief is None or not cumulatief_past(bedrag, cumulatief):
            return None  # `_rij_met_meldingen` gives the message
        return _GelezenRij(soort, gemeente, jaar, doel, bedrag, cumulatief, None)

    def _rij_met_meldingen(self, nummer: int, waarden: tuple[Any, ...]) -> _GelezenRij | None:
        """Check every cell of a row, with a message for each problem; None: blank or wrong."""
        meldingen = self.meldingen
        fouten_voor = meldingen.aantal_fouten
        # Text without zero-width characters; a cell with another invisible one is blank
        # here, and its message (the first on the cell) says why.
        waarden = (
            *(
                schoon(waarde, meldingen, self.blad, f"{letter}{nummer}", kop)
                for waarde, letter, kop in zip(
                    waarden[:AANTAL], (A, B, C, D, E, F, G, H, I, J, K), KOPPEN, strict=True
                )
            ),
            *waarden[AANTAL:],
        )

        waarde = waarden[0]
        soort = waarde if waarde in SOORTEN_SNEL else None
        if soort is None:
            if _blanco(waarden):
                return None
            soort = self._soort(waarde, nummer)

        waarde = waarden[1]
        gemeente = None if type(waarde) is bool else self.gemeenten.get(waarde)
        if gemeente is None:
            gemeente = self._gemeente(waarde, nummer)
        if gemeente is not None and waarden[2] not in gemeente.namen:
            self._naam(waarden[2], gemeente, nummer)

        waarde = waarden[3]
        jaar = None if type(waarde) is bool else self.jaren.get(waarde)
        if jaar is None:
            jaar = self._jaar(waarde, nummer)

        doel = self._doel(waarden[4], soort, nummer)
        bedrag = _centen_snel(waarden[5])
        open_ = False
        if bedrag is None and soort == TOEKENNING and _open(waarden[5], doel is None):
            open_ = True
            if doel is not None:
                meldingen.fout(
                    self.blad,
                    f"{F}{nummer}",
                    f"Alleen het totaal van een beschikking kan {OPEN} zijn; laat het doel leeg.",
                    KOPPEN[5],
                )
        elif bedrag is None:
            bedrag = self._bedrag(waarden[5], f"{F}{nummer}", KOPPEN[5], verplicht=True)
        if soort == BETALING and bedrag == 0:
            meldingen.fout(self.blad, f"{F}{nummer}", "Een betaling is groter dan nul.", KOPPEN[5])
            bedrag = None
        cumulatief = self._cumulatief(waarden[6], soort, bedrag, jaar, nummer)
        datum = self._datum(waarden[7], soort, nummer)
        kenmerk = self._tekst(waarden[8], soort, nummer, I, 60)
        regio = self._tekst(waarden[9], soort, nummer, J, 120)
        deelnemers = self._deelnemers(waarden[10], soort, nummer)

        if soort is None or gemeente is None or jaar is None:
            return None
        if (
            (bedrag is None and not open_)
            or cumulatief is None
            or (meldingen.aantal_fouten != fouten_voor)
        ):
            # Still note the row, so that the checks of the file as a whole do not report
            # what only follows from this row's own errors; and report a duplicate.
            if (doel is not None or soort == TOEKENNING) if soort != BETALING else datum:
                self._gezien(nummer, soort, gemeente, jaar, doel)
                if soort == BETALING or doel is not None:
                    self._uniek(nummer, soort, gemeente, jaar, doel, datum)
            return None
        if (soort in (BETALING, VASTSTELLING) and datum is None) or (
            soort == BESTEDING and doel is None
        ):
            return None
        return _GelezenRij(
            soort, gemeente, jaar, doel, bedrag, cumulatief, datum, kenmerk, regio, deelnemers
        )

    def _uniek(
        self,
        nummer: int,
        soort: str,
        gemeente: _Gemeente,
        jaar: int,
        doel: _Doel | None,
        datum: date | None,
    ) -> None:
        sleutel = (soort, gemeente.id, jaar, _onderscheid(soort, doel, datum))
        eerder = self.sleutels.setdefault(sleutel, nummer)
        if eerder == nummer:
            return
        wat = "datum" if soort == BETALING else "doel"
        self.meldingen.fout(
            self.blad,
            f"{A}{nummer}",
            f"Rij {eerder} heeft al dezelfde soort, gemeente, jaar en {wat}.",
            KOPPEN[0],
        )

    def _gezien(
        self, nummer: int, soort: str, gemeente: _Gemeente, jaar: int, doel: _Doel | None
    ) -> _Groep:
        """The row's group, with the row noted as one of its kind (valid or not)."""
        groep = self.groepen.get((gemeente.id, jaar))
        if groep is None:
            groep = self.groepen[gemeente.id, jaar] = _Groep(
                gemeente, jaar, self.bestaand.get((gemeente.id, jaar))
            )
        if soort == TOEKENNING:
            if groep.toekenning_gezien is None:
                groep.toekenning_gezien = nummer
        elif soort == BESTEDING:
            if doel is not None:
                groep.besteding_gezien.add(doel.id)
            if groep.besteding_eerste is None:
                groep.besteding_eerste = nummer
        elif groep.betaling_eerste is None:
            groep.betaling_eerste = nummer
        return groep

    def _verwerk(self, nummer: int, rij: _GelezenRij) -> Wijziging | None:
        """A valid row: unique, noted in its group, compared with the database and counted;
        what the import has to do with it (None: nothing, or it cannot)."""
        # What `_uniek` and `_gezien` do, inline: this runs for every row. No other row may
        # share its kind, municipality, year, and purpose or date.
        eerder = self.sleutels.setdefault(
            (rij.soort, rij.gemeente.id, rij.jaar, _onderscheid(rij.soort, rij.doel, rij.datum)),
            nummer,
        )
        if eerder != nummer:
            self._uniek(nummer, rij.soort, rij.gemeente, rij.jaar, rij.doel, rij.datum)
            return None
        groep = self.groepen.get((rij.gemeente.id, rij.jaar)) or self._gezien(
            nummer, rij.soort, rij.gemeente, rij.jaar, rij.doel
        )
        wijziging: Wijziging | None
        if rij.soort == TOEKENNING:
            if groep.toekenning_gezien is None:
                groep.toekenning_gezien = nummer
            wijziging = self._toekenning(nummer, rij, groep)
        elif rij.soort == VASTSTELLING:
            wijziging = self._vaststelling(nummer, rij, groep)
        elif rij.soort == BESTEDING:
            groep.besteding_gezien.add(rij.doel.id)  # type: ignore[union-attr]
            if groep.besteding_eerste is None:
                groep.besteding_eerste = nummer
            wijziging = self._besteding(nummer, rij, groep)
        else:
            if groep.betaling_eerste is None:
                groep.betaling_eerste = nummer
            wijziging = self._betaling(nummer, rij, groep)
        if wijziging is None:
            return None
        self.aantallen[rij.soort][wijziging.uitkomst] += 1
        # Only what the import has to do is staged: a row equal to the database is counted.
        return None if wijziging.uitkomst == ONGEWIJZIGD else wijziging

    def _toekenning(self, nummer: int, rij: _GelezenRij, groep: _Groep) -> Wijziging | None:
        """A grant row against the decision: its amount for the purpose, or its total (or
        not yet set) when the row names no purpose; and the decision's own fields the row
        gives. None: the row contradicts another of the same decision."""
        bestaand = groep.bestaand
        if not self._eigen_velden(nummer, rij, groep):
            return None
        naam, jaar = rij.gemeente.naam, rij.jaar
        if rij.doel is None:
            if groep.toekenning:
                self._naast_totaal(nummer, min(t.rij for t in groep.toekenning.values()), rij)
                return None
            groep.totaal = _Totaal(rij.bedrag, nummer)
            oud = bestaand.bedrag if bestaand else None
            zelfde = bestaand is not None and oud == rij.bedrag
        else:
            if groep.totaal is not None:
                self.meldingen.fout(
                    self.blad,
                    f"{E}{nummer}",
                    f"Rij {groep.totaal.rij} geeft het totaal van de beschikking van {naam} voor "
                    f"{jaar}; een bedrag per doel kan daar niet naast.",
                    KOPPEN[4],
                )
                return None
            assert rij.bedrag is not None
            groep.toekenning[rij.doel.id] = _OpRij(rij.bedrag, nummer)
            oud = bestaand.doelbedragen.get(rij.doel.id) if bestaand else None
            zelfde = oud is not None and oud == rij.bedrag
        regio_anders = (
            bestaand is not None and rij.regio is not None and rij.regio != bestaand.regio
        )
        deelnemers = (
            None if rij.deelnemers is None else tuple(sorted(g.cbs for g in rij.deelnemers))
        )
        deelnemers_anders = (
            bestaand is not None and deelnemers is not None and deelnemers != bestaand.deelnemers
        )
        if bestaand is None or (rij.doel is not None and oud is None):
            uitkomst = NIEUW
        elif zelfde and not regio_anders and not deelnemers_anders:
            uitkomst = ONGEWIJZIGD
        else:
            uitkomst = GEWIJZIGD
        if uitkomst != ONGEWIJZIGD:
            groep.toekenning_gewijzigd.append(nummer)
            self._niet_besloten(nummer, rij, bestaand, "de toekenning kan niet worden gewijzigd")
        gewijzigd = uitkomst == GEWIJZIGD and bestaand is not None
        return _wijziging(
            rij,
            uitkomst,
            doel=None if rij.doel is None else rij.doel.code,
            datum=rij.datum,
            oud_bedrag=oud if gewijzigd else None,
            kenmerk=rij.kenmerk,
            regio=rij.regio,
            deelnemers=deelnemers,
            oud_regio=(bestaand.regio or "") if gewijzigd and regio_anders and bestaand else None,
            oud_deelnemers=bestaand.deelnemers
            if gewijzigd and deelnemers_anders and bestaand
            else None,
        )

    def _naast_totaal(self, nummer: int, eerste: int, rij: _GelezenRij) -> None:
        self.meldingen.fout(
            self.blad,
            f"{E}{nummer}",
            f"Rij {eerste} geeft een bedrag per doel voor de beschikking van {rij.gemeente.naam} "
            f"voor {rij.jaar}; het totaal hoort dan niet in een eigen regel.",
            KOPPEN[4],
        )

    def _eigen_velden(self, nummer: int, rij: _GelezenRij, groep: _Groep) -> bool:
        """The decision's own date, reference, region and participants on a grant row: the
        same on every row of the decision that gives them, and an existing decision's date
        and reference as they are. Whether the row agrees."""
        deelnemers = (
            None if rij.deelnemers is None else tuple(sorted(g.cbs for g in rij.deelnemers))
        )
        gegeven = (
            ("datum", rij.datum, H, "besluitdatum"),
            ("kenmerk", rij.kenmerk, I, "kenmerk"),
            ("regio", rij.regio, J, "regio"),
            ("deelnemers", deelnemers, K, "deelnemers"),
        )
        goed = True
        for veld, waarde, kolom, woord in gegeven:
            if waarde is None:
                continue
            eerder = groep.velden.setdefault(veld, (waarde, nummer))
            if eerder[0] != waarde:
                self.meldingen.fout(
                    self.blad,
                    f"{kolom}{nummer}",
                    f"Rij {eerder[1]} geeft de beschikking van {rij.gemeente.naam} voor {rij.jaar} "
                    f"een andere {woord}.",
                    KOPPEN[ord(kolom) - ord(A)],
                )
                goed = False
        bestaand = groep.bestaand
        if bestaand is None:
            return goed
        for waarde, oud, kolom, woord, getoond in (
            (rij.kenmerk, bestaand.kenmerk, I, "kenmerk", bestaand.kenmerk),
            (
                rij.datum,
                bestaand.datum,
                H,
                "besluitdatum",
                f"{bestaand.datum:%d-%m-%Y}" if bestaand.datum else "",
            ),
        ):
            if waarde is not None and waarde != oud:
                self._eenmaal(
                    (kolom, rij.gemeente.id, rij.jaar),
                    f"{kolom}{nummer}",
                    f"De beschikking van {rij.gemeente.naam} voor {rij.jaar} heeft "
                    f"{woord} {getoond or '(geen)'}; dat wordt niet gewijzigd.",
                    KOPPEN[ord(kolom) - ord(A)],
                )
                goed = False
        return goed

    def _besteding(self, nummer: int, rij: _GelezenRij, groep: _Groep) -> Wijziging:
        """A spending row against the latest return's line for its purpose."""
        assert rij.doel is not None
        assert rij.bedrag is not None
        bestaand = groep.bestaand
        vorige = bestaand.besteding.get(rij.doel.id) if bestaand else None
        if vorige is None:
            uitkomst = NIEUW
        elif vorige == (rij.bedrag, rij.cumulatief):
            uitkomst = ONGEWIJZIGD
        else:
            uitkomst = GEWIJZIGD
        groep.besteding[rij.doel.id] = _BestedingOpRij(rij.bedrag, rij.cumulatief, nummer)
        if uitkomst != ONGEWIJZIGD:
            groep.besteding_gewijzigd = True
            if bestaand is not None and bestaand.indienen_geweigerd:
                self._eenmaal(
                    (BESTEDING, rij.gemeente.id, rij.jaar),
                    f"{F}{nummer}",
                    f"{rij.gemeente.naam} {rij.jaar}: {bestaand.indienen_geweigerd}",
                )
        oud = vorige if uitkomst == GEWIJZIGD else None
        return _wijziging(
            rij,
            uitkomst,
            doel=rij.doel.code,
            cumulatief=rij.cumulatief,
            oud_bedrag=oud.in_jaar if oud else None,
            oud_cumulatief=oud.cumulatief if oud else None,
        )

    def _vaststelling(self, nummer: int, rij: _GelezenRij, groep: _Groep) -> Wijziging | None:
        """A settlement row against the decision's settlement: the same amount is unchanged,
        another is an error (a settlement is final); checked against grant and spending with
        the file as a whole (`_geheel`)."""
        assert rij.bedrag is not None
        bestaand = groep.bestaand
        if bestaand is not None and bestaand.vastgesteld is not None:
            if bestaand.vastgesteld == rij.bedrag:
                return _wijziging(rij, ONGEWIJZIGD, datum=rij.datum)
            self.meldingen.fout(
                self.blad,
                f"{F}{nummer}",
                f"De beschikking van {rij.gemeente.naam} voor {rij.jaar} is al vastgesteld op "
                f"{_geld(bestaand.vastgesteld)}; een vaststelling wordt niet gewijzigd.",
                KOPPEN[5],
            )
            return None
        groep.vaststelling = _OpRij(rij.bedrag, nummer)
        self._niet_besloten(nummer, rij, bestaand, "die kan niet worden vastgesteld")
        if bestaand is not None and bestaand.vaststellen_geweigerd:
            self._eenmaal(
                (VASTSTELLING, rij.gemeente.id, rij.jaar),
                f"{A}{nummer}",
                f"{rij.gemeente.naam} {rij.jaar}: {bestaand.vaststellen_geweigerd}",
                KOPPEN[0],
            )
        return _wijziging(rij, NIEUW, datum=rij.datum)

    def _betaling(self, nummer: int, rij: _GelezenRij, groep: _Groep) -> Wijziging | None:
        """A payment row against the payments registered on its date; None: it would change
        one, which is an error."""
        assert rij.datum is not None
        assert rij.bedrag is not None
        bestaand = groep.bestaand
        op_datum = bestaand.betaald_op.get(rij.datum, ()) if bestaand else ()
        uitkomst = ONGEWIJZIGD if rij.bedrag in op_datum else NIEUW
        if op_datum and uitkomst == NIEUW:
            self.meldingen.fout(
                self.blad,
                f"{F}{nummer}",
                f"Op {rij.datum:%d-%m-%Y} is al {_geld(op_datum[0])} aan {rij.gemeente.naam} "
                "betaald; een geregistreerde betaling wordt niet gewijzigd.",
                KOPPEN[5],
            )
            return None
        if uitkomst == NIEUW:
            groep.betalingen_nieuw.append(_OpRij(rij.bedrag, nummer))
            self._niet_besloten(nummer, rij, bestaand, "er wordt geen betaling op geregistreerd")
        return _wijziging(rij, uitkomst, datum=rij.datum)

    def _niet_besloten(
        self, nummer: int, rij: _GelezenRij, bestaand: _Bestaand | None, gevolg: str
    ) -> None:
        """A row that would change a decision that is a draft, withdrawn or settled: an
        error, once per decision and kind of row."""
        if bestaand is not None and not bestaand.besloten:
            self._eenmaal(
                (rij.soort, rij.gemeente.id, rij.jaar),
                f"{F}{nummer}",
                f"De beschikking van {rij.gemeente.naam} voor {rij.jaar} is "
                f"{bestaand.status.toestand}; {gevolg}.",
            )

    def _eenmaal(self, sleutel: tuple[Any, ...], cel: str, tekst: str, kolom: str = "") -> None:
        if sleutel not in self.gemeld:
            self.gemeld.add(sleutel)
            self.meldingen.fout(self.blad, cel, tekst, kolom or KOPPEN[5])

    # Reading a cell with its message, for values `_gewone_rij` does not take as they are.

    def _soort(self, waarde: Any, nummer: int) -> str | None:
        if isinstance(waarde, str) and (soort := waarde.strip().lower()) in SOORTEN:
            return soort
        cel = f"{A}{nummer}"
        if waarde is None or (isinstance(waarde, str) and not waarde.strip()):
            tekst = "Vul de soort in: toekenning, betaling, besteding of vaststelling."
        else:
            tekst = (
                f'"{zoals_getoond(waarde)}" is geen soort; kies toekenning, betaling, besteding '
                "of vaststelling."
            )
        self.meldingen.fout(self.blad, cel, tekst, KOPPEN[0])
        return None

    def _gemeente(self, waarde: Any, nummer: int) -> _Gemeente | None:
        code = cbs_code_in_cel(
            waarde, self.meldingen, self.blad, f"{B}{nummer}", KOPPEN[1], verplicht=True
        )
        if code is None:
            return None
        gemeente = self.gemeenten.get(code)
        if gemeente is None:
            self.meldingen.fout(
                self.blad, f"{B}{nummer}", f"Er is geen gemeente met code {code}.", KOPPEN[1]
            )
        return gemeente

    def _naam(self, waarde: Any, gemeente: _Gemeente, nummer: int) -> None:
        cel = f"{C}{nummer}"
        if waarde is None or (isinstance(waarde, str) and not waarde.strip()):
            self.meldingen.fout(self.blad, cel, "Vul de naam van de gemeente in.", KOPPEN[2])
        elif gemeentenamen.normaal(str(waarde)) not in gemeente.normaal:
            self.meldingen.fout(
                self.blad,
                cel,
                gemeentenamen.niet_de_naam(zoals_getoond(waarde), gemeente.cbs, gemeente.naam),
                KOPPEN[2],
            )

    def _jaar(self, waarde: Any, nummer: int) -> int | None:
        cel = f"{D}{nummer}"
        if waarde is None or (isinstance(waarde, str) and not waarde.strip()):
            self.meldingen.fout(self.blad, cel, "Vul het jaar in.", KOPPEN[3])
            return None
        jaar = cellen.geheel_getal(waarde, self.meldingen, self.blad, cel, KOPPEN[3])
        if jaar is None:
            return None
        if jaar not in self.plafonds:
            bekend = sorted(self.plafonds)
            if not bekend:
                jaren = "de regeling heeft nog geen jaren"
            elif len(bekend) == 1:
                jaren = f"het enige jaar is {bekend[0]}"
            else:
                jaren = f"de jaren zijn {', '.join(map(str, bekend[:-1]))} en {bekend[-1]}"
            self.meldingen.fout(
                self.blad, cel, f"{self.regeling.naam} heeft geen jaar {jaar}; {jaren}.", KOPPEN[3]
            )
            return None
        return jaar

    def _doel(self, waarde: Any, soort: str | None, nummer: int) -> _Doel | None:
        if soort is None:
            return None
        cel = f"{E}{nummer}"
        blanco = waarde is None or (isinstance(waarde, str) and not waarde.strip())
        if soort in (BETALING, VASTSTELLING):
            if not blanco:
                self.meldingen.fout(
                    self.blad,
                    cel,
                    f"Een {soort} heeft geen bestedingsdoel; laat deze cel leeg.",
                    KOPPEN[4],
                )
            return None
        doel = self.doelen.get(waarde) if isinstance(waarde, str) else None
        if doel is not None:
            return doel
        if blanco:
            if soort == BESTEDING:  # a grant without one is the decision's total
                self.meldingen.fout(self.blad, cel, "Vul het bestedingsdoel in.", KOPPEN[4])
            return None
        doel = self.doelen.get(str(waarde).strip().lower())
        if doel is None:
            codes = ", ".join(d.code for d in self.regeling.doelen)
            self.meldingen.fout(
                self.blad,
                cel,
                f'"{zoals_getoond(waarde)}" is geen bestedingsdoel van {self.regeling.naam}; '
                f"kies uit: {codes}.",
                KOPPEN[4],
            )
        return doel

    def _bedrag(self, waarde: Any, cel: str, kolom: str, *, verplicht: bool) -> int | None:
        bedrag = cellen.bedrag(waarde, self.meldingen, self.blad, cel, kolom, verplicht=verplicht)
        return None if bedrag is None else _centen(bedrag)

    def _van_toekenning(self, waarde: Any, soort: str | None, cel: str, kop: str, wat: str) -> bool:
        """Whether a cell of the decision's own columns is to be read: filled in, on a grant
        row. Filled in on another kind of row, it is an error."""
        if waarde is None or (isinstance(waarde, str) and not waarde.strip()):
            return False
        if soort != TOEKENNING and soort is not None:
            self.meldingen.fout(
                self.blad, cel, f"Alleen een toekenning heeft {wat}; laat deze cel leeg.", kop
            )
        return soort == TOEKENNING

    def _tekst(
        self, waarde: Any, soort: str | None, nummer: int, kolom: str, lengte: int
    ) -> str | None:
        """A grant's reference or region name; None: not given."""
        cel, kop = f"{kolom}{nummer}", KOPPEN[ord(kolom) - ord(A)]
        if not self._van_toekenning(waarde, soort, cel, kop, f"een {kop.lower()}"):
            return None
        tekst = " ".join(zoals_getoond(waarde).split())
        if len(tekst) > lengte:
            self.meldingen.fout(
                self.blad, cel, f"Een {kop.lower()} is hooguit {lengte} tekens lang.", kop
            )
            return None
        return tekst

    def _deelnemers(
        self, waarde: Any, soort: str | None, nummer: int
    ) -> tuple[_Gemeente, ...] | None:
        """A region's participants: CBS codes in one cell, separated by commas, semicolons or
        spaces, each checked; None: not given, or a code is wrong (its message is there)."""
        cel, kop = f"{K}{nummer}", KOPPEN[10]
        if not self._van_toekenning(waarde, soort, cel, kop, "deelnemers"):
            return None
        delen = [waarde] if not isinstance(waarde, str) else _SCHEIDING.split(waarde.strip())
        gevonden: list[_Gemeente] = []
        fout: list[str] = []
        for deel in delen:
            code = lees_cbs_code(deel)
            gemeente = None if code is None else self.gemeenten.get(code)
            if code is None:
                tekst = f'"{zoals_getoond(deel)}" is geen gemeentecode (zoals GM0363).'
            elif gemeente is None:
                tekst = f"Er is geen gemeente met code {code}."
            if gemeente is None:
                fout.append(tekst)
            elif gemeente not in gevonden:
                gevonden.append(gemeente)
        if fout:  # one message a cell: every wrong code in it
            self.meldingen.fout(self.blad, cel, " ".join(fout), kop)
            return None
        return tuple(gevonden)

    def _cumulatief(
        self, waarde: Any, soort: str | None, bedrag: int | None, jaar: int | None, nummer: int
    ) -> int | None:
        """The cumulative spending; for any other row 0 (the cell must be blank)."""
        cel = f"{G}{nummer}"
        if soort != BESTEDING:
            if waarde is not None and not (isinstance(waarde, str) and not waarde.strip()):
                if soort is not None:
                    self.meldingen.fout(
                        self.blad,
                        cel,
                        "Alleen een besteding heeft een cumulatief bedrag; laat deze cel leeg.",
                        KOPPEN[6],
                    )
                return None
            return 0
        cumulatief = _centen_snel(waarde)
        if cumulatief is None:
            cumulatief = self._bedrag(waarde, cel, KOPPEN[6], verplicht=False)
            if cumulatief is None:
                if waarde is not None and not (isinstance(waarde, str) and not waarde.strip()):
                    return None  # not an amount: the message is there
                return bedrag  # blank: the spending in the year is all there was
        te_laag = (
            None if bedrag is None else cumulatief_te_laag(euro(bedrag), euro(cumulatief), jaar)
        )
        if te_laag:
            self.meldingen.fout(self.blad, cel, te_laag, KOPPEN[6])
            return None
        return cumulatief

    def _datum(self, waarde: Any, soort: str | None, nummer: int) -> date | None:
        cel = f"{H}{nummer}"
        if soort == TOEKENNING:  # the decision's own date, if given
            if waarde is None or (isinstance(waarde, str) and not waarde.strip()):
                return None
            return cellen.datum(waarde, self.meldingen, self.blad, cel, KOPPEN[7])
        if soort not in (BETALING, VASTSTELLING):
            if soort is not None and not (
                waarde is None or (isinstance(waarde, str) and not waarde.strip())
            ):
                self.meldingen.fout(
                    self.blad,
                    cel,
                    "Alleen een betaling, een toekenning en een vaststelling hebben een datum; "
                    "laat deze cel leeg.",
                    KOPPEN[7],
                )
            return None
        soort_waarde = type(waarde)
        if soort_waarde is datetime:
            dag: date = waarde.date()
        elif soort_waarde is date:
            dag = waarde
        else:
            return cellen.datum(waarde, self.meldingen, self.blad, cel, KOPPEN[7], verplicht=True)
        if not 2000 <= dag.year <= 2100:
            return cellen.datum(waarde, self.meldingen, self.blad, cel, KOPPEN[7], verplicht=True)
        return dag

    # --- The file as a whole --------------------------------------------------------------

    def _geheel(self) -> None:
        """The checks that need every row: decisions, purposes, ceilings, payments."""
        nieuwe_totalen: dict[tuple[int, int], int] = {}
        doelen = list(self.doelen.values())
        for (gemeente_id, jaar), groep in self.groepen.items():  # in the order of the file
            naam = groep.gemeente.naam
            bestaand = groep.bestaand
            if bestaand is None:
                self._zonder_beschikking(groep)
            if groep.besteding_eerste is not None and len(groep.besteding_gezien) < len(doelen):
                ontbrekend = [
                    f"{doel.naam} ({doel.code})"
                    for doel in doelen
                    if doel.id not in groep.besteding_gezien
                ]
                wat = (
                    f"ontbreekt het bestedingsdoel {ontbrekend[0]}"
                    if len(ontbrekend) == 1
                    else f"ontbreken de bestedingsdoelen {format_list(ontbrekend, locale=LOCALE)}"
                )
                self.meldingen.fout(
                    self.blad,
                    f"{E}{groep.besteding_eerste}",
                    f"Bij de besteding van {naam} in {jaar} {wat}.",
                    KOPPEN[4],
                )
            totaal = bestaand.bedrag if bestaand else None
            if groep.toekenning_gewijzigd:
                if groep.totaal is not None:
                    totaal = groep.totaal.centen
                else:
                    verdeling = dict(bestaand.doelbedragen) if bestaand else {}
                    verdeling.update({d: t.centen for d, t in groep.toekenning.items()})
                    totaal = sum(verdeling.values())
                nieuwe_totalen[gemeente_id, jaar] = totaal or 0
                if bestaand is not None and bestaand.betaald > (totaal or 0):
                    wordt = (
                        f"niet lager worden ({_geld(totaal)})"
                        if totaal is not None
                        else f"niet {OPEN} worden"
                    )
                    self.meldingen.fout(
                        self.blad,
                        f"{F}{groep.toekenning_gewijzigd[0]}",
                        f"Aan {naam} is voor {jaar} al {_geld(bestaand.betaald)} betaald; het "
                        f"toegekende bedrag kan {wordt}.",
                        KOPPEN[5],
                    )
            if groep.betalingen_nieuw and (bestaand is not None or groep.toekenning):
                self._betalingen(groep, bestaand, totaal)
            te_groot = groep.besteding and totaal_te_groot(
                euro(b.cumulatief) for b in groep.besteding.values()
            )
            if te_groot:
                eerste = min(b.rij for b in groep.besteding.values())
                self.meldingen.fout(self.blad, f"{G}{eerste}", f"{naam} {jaar}: {te_groot}")
            besteed = sum(b.cumulatief for b in groep.besteding.values())
            boven = groep.besteding and boven_toekenning(
                euro(besteed), None if totaal is None else euro(totaal), f"van {naam} in {jaar}"
            )
            if boven:
                eerste = min(b.rij for b in groep.besteding.values())
                self.meldingen.waarschuwing(self.blad, f"{G}{eerste}", boven, KOPPEN[6])
            if groep.vaststelling is not None:
                self._vast_te_stellen(groep, totaal)
        self._plafonds(nieuwe_totalen)

    def _vast_te_stellen(self, groep: _Groep, totaal: int | None) -> None:
        """A new settlement follows from the grant and the spending (the file's, else the
        latest return's), as `services.stel_vast` settles it."""
        assert groep.vaststelling is not None
        naam, jaar = groep.gemeente.naam, groep.jaar
        vastgesteld, rij = groep.vaststelling
        if totaal is None:
            self.meldingen.fout(
                self.blad,
                f"{F}{rij}",
                f"Het bedrag van de beschikking van {naam} voor {jaar} is nog niet vastgesteld; "
                "een toekenning zonder bedrag kan niet worden vastgesteld.",
                KOPPEN[5],
            )
            return
        bestaand = groep.bestaand
        besteding = {d: b.cumulatief for d, b in (bestaand.besteding if bestaand else {}).items()}
        besteding.update({d: b.cumulatief for d, b in groep.besteding.items()})
        if not besteding and not groep.besteding_gezien:
            self.meldingen.fout(
                self.blad,
                f"{A}{rij}",
                f"Bij de vaststelling van {naam} voor {jaar} hoort de besteding; neem de "
                "bestedingsregels van dat jaar op.",
                KOPPEN[0],
            )
            return
        besteed = sum(besteding.values())
        volgt = vast_te_stellen(totaal, besteed)
        if groep.besteding_gezien - set(groep.besteding) or volgt == vastgesteld:
            return  # a spending row is wrong (its message is there), or all is well
        self.meldingen.fout(
            self.blad,
            f"{F}{rij}",
            f"Het vastgestelde bedrag van {naam} voor {jaar} is het laagste van het toegekende "
            f"bedrag ({_geld(totaal)}) en de besteding ({_geld(besteed)}): {_geld(volgt)}, "
            f"niet {_geld(vastgesteld)}.",
            KOPPEN[5],
        )

    def _zonder_beschikking(self, groep: _Groep) -> None:
        naam, jaar = groep.gemeente.naam, groep.jaar
        if groep.toekenning_gezien is None:
            eerste_vaststelling = groep.vaststelling.rij if groep.vaststelling else None
            for eerste in (groep.betaling_eerste, groep.besteding_eerste, eerste_vaststelling):
                if eerste is not None:
                    self.meldingen.fout(
                        self.blad,
                        f"{B}{eerste}",
                        f"Er is geen beschikking voor {naam} in {jaar}; neem de toekenning op "
                        "in dit bestand of maak eerst de beschikking.",
                        KOPPEN[1],
                    )
            return
        if not groep.gemeente.actief:
            self.meldingen.fout(
                self.blad,
                f"{B}{groep.toekenning_gezien}",
                f"{naam} bestaat niet meer; voor een opgeheven gemeente kan geen nieuwe "
                "beschikking worden gemaakt.",
                KOPPEN[1],
            )
        eigen = groep.velden.get("kenmerk")
        if eigen is not None:
            nummer, rij = str(eigen[0]), eigen[1]
            eerder = self.kenmerken_in_bestand.setdefault(nummer, (groep.gemeente.id, jaar))
            if nummer in self.kenmerken or eerder != (groep.gemeente.id, jaar):
                self.meldingen.fout(self.blad, f"{I}{rij}", kenmerk_bezet(nummer), KOPPEN[8])
            return
        nummer = kenmerk(self.regeling, jaar, groep.gemeente.cbs)
        if nummer in self.kenmerken or nummer in self.kenmerken_in_bestand:
            self.meldingen.fout(
                self.blad,
                f"{B}{groep.toekenning_gezien}",
                f"Het kenmerk {nummer} voor de nieuwe beschikking van {naam} is al gebruikt.",
                KOPPEN[1],
            )

    def _betalingen(self, groep: _Groep, bestaand: _Bestaand | None, totaal: int | None) -> None:
        naam, jaar = groep.gemeente.naam, groep.jaar
        eerste, laatste = groep.betalingen_nieuw[0].rij, groep.betalingen_nieuw[-1].rij
        if totaal is None:
            self.meldingen.fout(
                self.blad,
                f"{F}{eerste}",
                f"Het bedrag van de beschikking van {naam} voor {jaar} is nog niet vastgesteld; "
                "neem de toekenning op in dit bestand.",
                KOPPEN[5],
            )
            return
        samen = sum(b.centen for b in groep.betalingen_nieuw)
        if bestaand is not None:
            samen += bestaand.betaald + bestaand.gepland
        if samen > totaal:
            self.meldingen.fout(
                self.blad,
                f"{F}{laatste}",
                f"De betalingen aan {naam} voor {jaar} komen samen op {_geld(samen)}; dat is "
                f"{_geld(samen - totaal)} meer dan het toegekende bedrag van {_geld(totaal)}.",
                KOPPEN[5],
            )

    def _plafonds(self, nieuwe_totalen: dict[tuple[int, int], int]) -> None:
        per_jaar: dict[int, int] = defaultdict(int)
        for (gemeente_id, jaar), bestaand in self.bestaand.items():
            if (gemeente_id, jaar) not in nieuwe_totalen and bestaand.status.telt_mee:
                per_jaar[jaar] += bestaand.bedrag or 0
        laatste_rij: dict[int, int] = {}
        for (gemeente_id, jaar), totaal in nieuwe_totalen.items():
            per_jaar[jaar] += totaal
            rij = self.groepen[gemeente_id, jaar].toekenning_gewijzigd[-1]
            laatste_rij[jaar] = max(laatste_rij.get(jaar, 0), rij)
        for jaar, rij in sorted(laatste_rij.items()):
            tekort = plafond_tekort(self.plafonds[jaar], per_jaar[jaar], 0)
            if tekort is not None:
                overschreden = plafond_overschreden(euro(self.plafonds[jaar]), jaar, euro(tekort))
                self.meldingen.fout(
                    self.blad,
                    f"{F}{rij}",
                    f"De toekenningen voor {jaar} komen samen op {_geld(per_jaar[jaar])}. "
                    f"{overschreden}",
                    KOPPEN[5],
                )

    def _gevolgen(self) -> dict[str, int]:
        """What confirming would do, for the preview."""
        gevolgen = dict.fromkeys(
            (
                "beschikkingen_nieuw",
                "beschikkingen_gewijzigd",
                "betalingen",
                "verantwoordingen",
                "vaststellingen",
            ),
            0,
        )
        for gemeente_jaar, groep in self.groepen.items():
            if groep.toekenning_gewijzigd:
                soort = (
                    "beschikkingen_gewijzigd"
                    if gemeente_jaar in self.bestaand
                    else ("beschikkingen_nieuw")
                )
                gevolgen[soort] += 1
            gevolgen["betalingen"] += len(groep.betalingen_nieuw)
            gevolgen["verantwoordingen"] += int(groep.besteding_gewijzigd)
            gevolgen["vaststellingen"] += int(groep.vaststelling is not None)
        return gevolgen


SOORTEN_SNEL = frozenset((TOEKENNING, BETALING, BESTEDING))  # the fast path's kinds
_SCHEIDING = re.compile(r"[,;\s]+")


def _wijziging(
    rij: _GelezenRij,
    uitkomst: str,
    doel: str | None = None,
    *,
    cumulatief: int | None = None,
    datum: date | None = None,
    oud_bedrag: int | None = None,
    oud_cumulatief: int | None = None,
    kenmerk: str | None = None,
    regio: str | None = None,
    deelnemers: tuple[str, ...] | None = None,
    oud_regio: str | None = None,
    oud_deelnemers: tuple[str, ...] | None = None,
) -> Wijziging:
    """What the import does with ``rij`` (made for every row: positional, as fast as a
    tuple)."""
    return Wijziging(
        rij.soort,
        rij.gemeente.cbs,
        rij.jaar,
        rij.bedrag,
        uitkomst,
        doel,
        cumulatief,
        datum,
        oud_bedrag,
        oud_cumulatief,
        kenmerk,
        regio,
        deelnemers,
        oud_regio,
        oud_deelnemers,
    )


def _open(waarde: Any, zonder_doel: bool) -> bool:
    """A grant's amount cell that says the amount is not yet set: the word, or a blank cell
    beside no purpose (a purpose's amount is always filled in)."""
    if isinstance(waarde, str) and waarde.strip().casefold() == OPEN:
        return True
    return zonder_doel and (waarde is None or (isinstance(waarde, str) and not waarde.strip()))


def _onderscheid(soort: str, doel: _Doel | None, datum: date | None) -> object:
    """What sets two rows of a kind for one decision apart: the purpose, or a payment's date
    (a grant of the decision's total has neither)."""
    if doel is not None:
        return doel.id
    return datum if soort == BETALING else None


def _blanco(waarden: tuple[Any, ...]) -> bool:
    return all(w is None or (isinstance(w, str) and not w.strip()) for w in waarden[:AANTAL])


def _centen_snel(waarde: Any) -> int | None:
    """A number cell as cents when it plainly is an amount; None: let the converter decide.

    Takes exactly what `kern.excel.cellen.bedrag` takes as the same amount (a float within
    its noise margin of a whole cent), without making a Decimal.
    """
    soort = type(waarde)
    if soort is float:
        if not 0 <= waarde <= MAX_FLOAT:
            return None
        return centen_zonder_ruis(waarde)
    if soort is int and 0 <= waarde <= MAX_CENTEN // 100:
        return int(waarde * 100)
    return None


def _bestaand(beschikking: Beschikking) -> _Bestaand:
    betaald_op: dict[date, list[int]] = defaultdict(list)
    for betaling in beschikking.betalingen:
        if betaling.betaald_op is not None and not betaling.is_terugvordering:
            betaald_op[betaling.betaald_op].append(_centen(betaling.bedrag))
    laatste = beschikking.laatste_verantwoording
    return _Bestaand(
        status=beschikking.status,
        bedrag=None if beschikking.bedrag is None else _centen(beschikking.bedrag),
        doelbedragen={d.doel_id: _centen(d.bedrag) for d in beschikking.doelbedragen},
        betaald=_centen(beschikking.betaald),
        gepland=_centen(beschikking.gepland),
        betaald_op=dict(betaald_op),
        besteding={
            r.doel_id: _Besteed(_centen(r.besteed_in_jaar), _centen(r.besteed_cumulatief))
            for r in (laatste.regels if laatste else [])
        },
        indienen_geweigerd=services.indienen_geweigerd(beschikking),
        vaststellen_geweigerd=services.vaststellen_geweigerd(beschikking),
        vastgesteld=None
        if beschikking.vaststelling is None
        else _centen(beschikking.vaststelling.vastgesteld_bedrag),
        eind_goedgekeurd=services.goedgekeurde_eindverantwoording(beschikking) is not None,
        kenmerk=beschikking.kenmerk,
        datum=beschikking.datum,
        regio=beschikking.regio_naam,
        deelnemers=tuple(sorted(g.cbs_code for g in beschikking.deelnemers)),
    )


def _gemeenten_per_vorm() -> dict[object, _Gemeente]:
    """Every municipality of the register under each form its code may take in a cell:
    GM0363, gm0363, 0363, "363" and 363."""
    per_vorm: dict[object, _Gemeente] = {}
    for gemeente in db.session.execute(sa.select(Gemeente)).scalars():
        namen = {
            gemeente.naam,
            gemeente.weergavenaam,
            *filter(None, (gemeente.roepnaam, gemeentenamen.roepnaam(gemeente.naam))),
        }
        info = _Gemeente(
            id=gemeente.id,
            cbs=gemeente.cbs_code,
            naam=gemeente.naam,
            namen=frozenset(namen),
            normaal=gemeentenamen.spellingen(gemeente)
            | {gemeentenamen.normaal(gemeente.weergavenaam)},
            actief=gemeente.actief,
        )
        code = gemeente.cbs_code
        nummer = int(code[2:])
        for vorm in (code, code.lower(), code[2:], str(nummer), nummer):
            per_vorm[vorm] = info
    return per_vorm


def vingerafdruk(regeling: Regeling) -> str:
    """A fingerprint of everything of the scheme a check depends on.

    Versions, ids and amounts of its years, purposes, decisions, amounts per purpose, payments
    and returns, and the municipality register: equal fingerprints, equal outcome.
    """
    jaar = sa.select(RegelingJaar.id).where(RegelingJaar.regeling_id == regeling.id)
    beschikking = sa.select(Beschikking.id).where(Beschikking.regeling_jaar_id.in_(jaar))
    vragen = [
        sa.select(RegelingJaar.id, RegelingJaar.versie, RegelingJaar.plafond).where(
            RegelingJaar.id.in_(jaar)
        ),
        sa.select(Bestedingsdoel.id, Bestedingsdoel.code).where(
            Bestedingsdoel.regeling_id == regeling.id
        ),
        sa.select(Beschikking.id, Beschikking.versie, Beschikking.kenmerk).where(
            Beschikking.id.in_(beschikking)
        ),
        sa.select(Doelbedrag.id, Doelbedrag.doel_id, Doelbedrag.bedrag).where(
            Doelbedrag.beschikking_id.in_(beschikking)
        ),
        sa.select(Betaling.id, Betaling.versie).where(Betaling.beschikking_id.in_(beschikking)),
        sa.select(Verantwoording.id, Verantwoording.versie).where(
            Verantwoording.beschikking_id.in_(beschikking)
        ),
        sa.select(Gemeente.id, Gemeente.cbs_code, Gemeente.naam, Gemeente.geldig_tot),
    ]
    vingerafdruk = hashlib.sha256()
    for vraag in vragen:
        rijen = sorted(tuple(rij) for rij in db.session.execute(vraag))
        vingerafdruk.update(repr(rijen).encode())
    return vingerafdruk.hexdigest()


def verouderd(regeling: Regeling, upload: Upload) -> bool:
    """Has anything the check depended on changed since? Only for a checked upload."""
    gezien = upload.gegevens.get("stand")  # the key the fingerprint was always kept under
    return upload.status is UploadStatus.GECONTROLEERD and gezien != vingerafdruk(regeling)
