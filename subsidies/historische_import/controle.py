"""Receiving and checking an upload of the historical import, and staging its rows.

The workbook is read as a stream and every row is checked against the scheme and the database;
what the import has to do is staged, or the upload is refused with every message at once.
`stand` is what the check saw of the database, `verouderd` whether that has changed since.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from babel.lists import format_list
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.cell import coordinate_to_tuple

from gemeenten.codes import cbs_code_in_cel
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
    SOORT,
    SOORTEN,
    TOEKENNING,
    UITKOMSTEN,
    A,
    B,
    C,
    D,
    E,
    F,
    G,
    H,
    Voortgang,
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
    plafond_overschreden,
    plafond_tekort,
    totaal_te_groot,
)

MAX_KOLOMMEN = 20

MAX_CENTEN = int(MAXIMUM * 100)
MAX_FLOAT = float(MAXIMUM)
_VOORTGANG_PER = 1_000  # rows between two calls of a progress callback


def _centen(bedrag: Decimal) -> int:
    return int(bedrag * 100)


def _geld(centen: int) -> str:
    return geld(euro(centen))


def _normaal(tekst: str) -> str:
    return " ".join(tekst.split()).casefold()


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
            controle.regels(blad, meldingen, voortgang),
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


# A checked row: soort, municipality, year, purpose, amount and cumulative (cents), date.
_Rij = tuple[str, "_Gemeente", int, "_Doel | None", int, int, "date | None"]


@dataclass(slots=True)
class _Gemeente:
    id: int
    cbs: str
    naam: str
    namen: frozenset[str]  # the spellings accepted as they are
    normaal: frozenset[str]  # the same without case and extra spaces
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
    besteding: dict[int, tuple[int, int]]  # the latest return: doel id -> (in year, cumulative)
    indienen_geweigerd: str | None

    @property
    def besloten(self) -> bool:
        return self.status in services.BESLOTEN


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
    )

    def __init__(self, gemeente: _Gemeente, jaar: int, bestaand: _Bestaand | None) -> None:
        self.gemeente = gemeente
        self.jaar = jaar
        self.bestaand = bestaand  # the decision in the database, if there is one
        self.toekenning: dict[int, tuple[int, int]] = {}  # doel -> (cents, row), valid rows
        self.toekenning_gewijzigd: list[int] = []  # rows that change an amount
        self.toekenning_gezien: int | None = None  # the first toekenning row, valid or not
        self.betalingen_nieuw: list[tuple[int, int]] = []  # (cents, row)
        self.betaling_eerste: int | None = None
        self.besteding: dict[int, tuple[int, int, int]] = {}  # doel -> (cents, cents, row)
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
        self.jaren: dict[object, int] = {}
        self.plafonds: dict[int, int] = {}
        for regeling_jaar in regeling.jaren:
            for vorm in (regeling_jaar.jaar, str(regeling_jaar.jaar)):
                self.jaren[vorm] = regeling_jaar.jaar
            self.plafonds[regeling_jaar.jaar] = _centen(regeling_jaar.plafond)
        self.doelen = {d.code: _Doel(d.id, d.code, d.naam) for d in regeling.doelen}
        self.gemeenten: dict[object, _Gemeente] = {}
        for g in db.session.execute(sa.select(Gemeente)).scalars():
            namen = {g.naam, g.weergavenaam, *([g.roepnaam] if g.roepnaam else [])}
            info = _Gemeente(
                id=g.id,
                cbs=g.cbs_code,
                naam=g.naam,
                namen=frozenset(namen),
                normaal=frozenset(_normaal(n) for n in namen),
                actief=g.actief,
            )
            nummer = int(g.cbs_code[2:])
            for vorm in (g.cbs_code, g.cbs_code.lower(), g.cbs_code[2:], str(nummer), nummer):
                self.gemeenten[vorm] = info
        self.bestaand: dict[tuple[int, int], _Bestaand] = {
            (b.gemeente_id, b.regeling_jaar.jaar): _bestaand(b) for b in beschikkingen_van(regeling)
        }
        self.kenmerken = set(
            db.session.execute(
                sa.select(Beschikking.kenmerk).where(Beschikking.kenmerk.like("historisch-%"))
            ).scalars()
        )
        self.stand = stand(regeling)  # before anything is read: the state the check sees
        self.groepen: dict[tuple[int, int], _Groep] = {}
        self.sleutels: dict[tuple[Any, ...], int] = {}
        self.aantallen = {soort: dict.fromkeys(UITKOMSTEN, 0) for soort in SOORTEN}
        self.gemeld: set[tuple[Any, ...]] = set()  # messages given once per decision
        self.extra_koppen: list[int] = []  # columns after the last one read, with a heading

    # --- The rows -------------------------------------------------------------------------

    def regels(
        self, blad: Blad, meldingen: Meldingen, voortgang: Voortgang | None
    ) -> Iterator[tuple[int, dict[str, Any]]]:
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
        extra_leeg = (None,) * (MAX_KOLOMMEN - AANTAL)
        extra_gemeld = set(self.extra_koppen)  # columns with a heading were named already
        aantal = 0
        for nummer, waarden in rijen:
            aantal += 1
            if voortgang is not None and aantal % _VOORTGANG_PER == 0:
                voortgang(_VOORTGANG_PER)
            if waarden[AANTAL:] != extra_leeg:
                self._extra_kolommen(nummer, waarden, extra_gemeld)
            rij = self._snel(waarden) or self._traag(nummer, waarden)
            if rij is not None:
                regel = self._verwerk(nummer, rij)
                # Only what the import has to do is staged: a row equal to the database is
                # counted, and left out.
                if (
                    regel is not None
                    and regel["uitkomst"] != ONGEWIJZIGD
                    and not meldingen.heeft_fouten
                ):
                    yield nummer, regel
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
            stand=self.stand,
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
        goed = controleer_koppen(
            waarden,
            KOPPEN,
            self.meldingen,
            blad=self.blad,
            rij=1,
            advies="zet de kolommen in deze volgorde: " + ", ".join(KOPPEN),
        )
        bekend = {kop.casefold() for kop in KOPPEN}
        for kolom, waarde in enumerate(waarden[AANTAL:], AANTAL + 1):
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
        for kolom, waarde in enumerate(waarden[AANTAL:], AANTAL + 1):
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

    def _snel(self, w: tuple[Any, ...]) -> _Rij | None:
        """The row when every cell is plainly right as it is; None: check it carefully.

        Takes a subset of what `_traag` takes, and reads it the same way, so that the common
        case costs a few dictionary lookups and no Decimal, regex or message.
        """
        soort = w[0]
        if soort not in SOORTEN_SNEL or w[1].__class__ is bool:
            return None
        gemeente = self.gemeenten.get(w[1])
        jaar = self.jaren.get(w[3])
        if gemeente is None or jaar is None or w[2] not in gemeente.namen:
            return None
        bedrag = _centen_snel(w[5])
        if bedrag is None:
            return None
        if soort == BETALING:
            dag = w[7]
            soort_dag = dag.__class__
            if soort_dag is datetime:
                dag = dag.date()
            elif soort_dag is not date:
                return None
            if w[4] is not None or w[6] is not None or not bedrag or not 2000 <= dag.year <= 2100:
                return None
            return soort, gemeente, jaar, None, bedrag, 0, dag
        doel = self.doelen.get(w[4])
        if doel is None or w[7] is not None:
            return None
        if soort == TOEKENNING:
            return (soort, gemeente, jaar, doel, bedrag, 0, None) if w[6] is None else None
        if w[6] is None:
            return soort, gemeente, jaar, doel, bedrag, bedrag, None
        cumulatief = _centen_snel(w[6])
        if cumulatief is None or not cumulatief_past(bedrag, cumulatief):
            return None  # `_traag` gives the message
        return soort, gemeente, jaar, doel, bedrag, cumulatief, None

    def _traag(self, nummer: int, waarden: tuple[Any, ...]) -> _Rij | None:
        """Check every cell of a row, with a message for each problem; None: blank or wrong."""
        meldingen = self.meldingen
        fouten_voor = meldingen.aantal_fouten
        # Text without zero-width characters; a cell with another invisible one is blank
        # here, and its message (the first on the cell) says why.
        waarden = (
            *(
                schoon(waarde, meldingen, self.blad, f"{letter}{nummer}", kop)
                for waarde, letter, kop in zip(
                    waarden[:AANTAL], (A, B, C, D, E, F, G, H), KOPPEN, strict=True
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
        if bedrag is None:
            bedrag = self._bedrag(waarden[5], f"{F}{nummer}", KOPPEN[5], verplicht=True)
        if soort == BETALING and bedrag == 0:
            meldingen.fout(self.blad, f"{F}{nummer}", "Een betaling is groter dan nul.", KOPPEN[5])
            bedrag = None
        cumulatief = self._cumulatief(waarden[6], soort, bedrag, jaar, nummer)
        datum = self._datum(waarden[7], soort, nummer)

        if soort is None or gemeente is None or jaar is None:
            return None
        if bedrag is None or cumulatief is None or meldingen.aantal_fouten != fouten_voor:
            # Still note the row, so that the checks of the file as a whole do not report
            # what only follows from this row's own errors; and report a duplicate.
            if (doel is not None or soort == TOEKENNING) if soort != BETALING else datum:
                self._gezien(nummer, soort, gemeente, jaar, doel)
                if soort == BETALING or doel is not None:
                    self._uniek(nummer, soort, gemeente, jaar, doel, datum)
            return None
        if (soort == BETALING and datum is None) or (soort != BETALING and doel is None):
            return None
        return soort, gemeente, jaar, doel, bedrag, cumulatief, datum

    def _uniek(
        self,
        nummer: int,
        soort: str,
        gemeente: _Gemeente,
        jaar: int,
        doel: _Doel | None,
        datum: date | None,
    ) -> None:
        sleutel = (soort, gemeente.id, jaar, datum if doel is None else doel.id)
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

    def _verwerk(self, nummer: int, rij: _Rij) -> dict[str, Any] | None:
        """A valid row: unique, noted in its group, and compared with the database."""
        soort, gemeente, jaar, doel, bedrag, cumulatief, datum = rij
        # What `_uniek` and `_gezien` do, inline: this runs for every row.
        eerder = self.sleutels.setdefault(
            (soort, gemeente.id, jaar, datum if doel is None else doel.id), nummer
        )
        if eerder != nummer:
            self._uniek(nummer, soort, gemeente, jaar, doel, datum)
            return None
        groep = self.groepen.get((gemeente.id, jaar)) or self._gezien(
            nummer, soort, gemeente, jaar, doel
        )
        if soort == TOEKENNING:
            if groep.toekenning_gezien is None:
                groep.toekenning_gezien = nummer
        elif soort == BESTEDING:
            groep.besteding_gezien.add(doel.id)  # type: ignore[union-attr]
            if groep.besteding_eerste is None:
                groep.besteding_eerste = nummer
        elif groep.betaling_eerste is None:
            groep.betaling_eerste = nummer
        bestaand = groep.bestaand
        regel: dict[str, Any] = {
            "soort": soort,
            "cbs": gemeente.cbs,
            "jaar": jaar,
            "bedrag": bedrag,
        }
        if soort == TOEKENNING:
            assert doel is not None
            oud = bestaand.doelbedragen.get(doel.id) if bestaand else None
            uitkomst = NIEUW if oud is None else ONGEWIJZIGD if oud == bedrag else GEWIJZIGD
            groep.toekenning[doel.id] = (bedrag, nummer)
            if uitkomst != ONGEWIJZIGD:
                groep.toekenning_gewijzigd.append(nummer)
                if bestaand is not None and not bestaand.besloten:
                    self._eenmaal(
                        (TOEKENNING, gemeente.id, jaar),
                        f"{F}{nummer}",
                        f"De beschikking van {gemeente.naam} voor {jaar} is "
                        f"{bestaand.status.toestand}; de toekenning kan niet worden gewijzigd.",
                    )
            regel["doel"] = doel.code
            if uitkomst == GEWIJZIGD:
                regel["oud"] = {"bedrag": oud}
        elif soort == BESTEDING:
            assert doel is not None
            vorige = bestaand.besteding.get(doel.id) if bestaand else None
            uitkomst = (
                NIEUW
                if vorige is None
                else ONGEWIJZIGD
                if vorige == (bedrag, cumulatief)
                else GEWIJZIGD
            )
            groep.besteding[doel.id] = (bedrag, cumulatief, nummer)
            if uitkomst != ONGEWIJZIGD:
                groep.besteding_gewijzigd = True
                if bestaand is not None and bestaand.indienen_geweigerd:
                    self._eenmaal(
                        (BESTEDING, gemeente.id, jaar),
                        f"{F}{nummer}",
                        f"{gemeente.naam} {jaar}: {bestaand.indienen_geweigerd}",
                    )
            regel["doel"] = doel.code
            regel["cumulatief"] = cumulatief
            if vorige is not None and uitkomst == GEWIJZIGD:
                regel["oud"] = {"bedrag": vorige[0], "cumulatief": vorige[1]}
        else:
            assert datum is not None
            op_datum = bestaand.betaald_op.get(datum, ()) if bestaand else ()
            uitkomst = ONGEWIJZIGD if bedrag in op_datum else NIEUW
            if op_datum and uitkomst == NIEUW:
                self.meldingen.fout(
                    self.blad,
                    f"{F}{nummer}",
                    f"Op {datum:%d-%m-%Y} is al {_geld(op_datum[0])} aan {gemeente.naam} "
                    "betaald; een geregistreerde betaling wordt niet gewijzigd.",
                    KOPPEN[5],
                )
                return None
            if uitkomst == NIEUW:
                groep.betalingen_nieuw.append((bedrag, nummer))
                if bestaand is not None and not bestaand.besloten:
                    self._eenmaal(
                        (BETALING, gemeente.id, jaar),
                        f"{F}{nummer}",
                        f"De beschikking van {gemeente.naam} voor {jaar} is "
                        f"{bestaand.status.toestand}; er wordt geen betaling op geregistreerd.",
                    )
            regel["datum"] = datum.isoformat()
        self.aantallen[soort][uitkomst] += 1
        regel["uitkomst"] = uitkomst
        return regel

    def _eenmaal(self, sleutel: tuple[Any, ...], cel: str, tekst: str, kolom: str = "") -> None:
        if sleutel not in self.gemeld:
            self.gemeld.add(sleutel)
            self.meldingen.fout(self.blad, cel, tekst, kolom or KOPPEN[5])

    # The slow paths, for values the fast ones above do not take as they are.

    def _soort(self, waarde: Any, nummer: int) -> str | None:
        if isinstance(waarde, str) and (soort := waarde.strip().lower()) in SOORTEN:
            return soort
        cel = f"{A}{nummer}"
        if waarde is None or (isinstance(waarde, str) and not waarde.strip()):
            tekst = "Vul de soort in: toekenning, betaling of besteding."
        else:
            tekst = (
                f'"{zoals_getoond(waarde)}" is geen soort; kies toekenning, betaling of besteding.'
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
        elif _normaal(str(waarde)) not in gemeente.normaal:
            self.meldingen.fout(
                self.blad,
                cel,
                f'"{zoals_getoond(waarde)}" is niet de naam van {gemeente.cbs}; dat is '
                f"{gemeente.naam}.",
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
        if soort == BETALING:
            if not blanco:
                self.meldingen.fout(
                    self.blad,
                    cel,
                    "Een betaling heeft geen bestedingsdoel; laat deze cel leeg.",
                    KOPPEN[4],
                )
            return None
        doel = self.doelen.get(waarde) if isinstance(waarde, str) else None
        if doel is not None:
            return doel
        if blanco:
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
        if soort != BETALING:
            if soort is not None and not (
                waarde is None or (isinstance(waarde, str) and not waarde.strip())
            ):
                self.meldingen.fout(
                    self.blad,
                    cel,
                    "Alleen een betaling heeft een datum; laat deze cel leeg.",
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
                verdeling = dict(bestaand.doelbedragen) if bestaand else {}
                verdeling.update({d: c for d, (c, _) in groep.toekenning.items()})
                totaal = nieuwe_totalen[gemeente_id, jaar] = sum(verdeling.values())
                if bestaand is not None and bestaand.betaald > totaal:
                    self.meldingen.fout(
                        self.blad,
                        f"{F}{groep.toekenning_gewijzigd[0]}",
                        f"Aan {naam} is voor {jaar} al {_geld(bestaand.betaald)} betaald; het "
                        f"toegekende bedrag kan niet lager worden ({_geld(totaal)}).",
                        KOPPEN[5],
                    )
            if groep.betalingen_nieuw and (bestaand is not None or groep.toekenning):
                self._betalingen(groep, bestaand, totaal)
            te_groot = groep.besteding and totaal_te_groot(
                euro(c) for _, c, _ in groep.besteding.values()
            )
            if te_groot:
                eerste = min(r for _, _, r in groep.besteding.values())
                self.meldingen.fout(self.blad, f"{G}{eerste}", f"{naam} {jaar}: {te_groot}")
            besteed = sum(c for _, c, _ in groep.besteding.values())
            boven = groep.besteding and boven_toekenning(
                euro(besteed), None if totaal is None else euro(totaal), f"van {naam} in {jaar}"
            )
            if boven:
                eerste = min(r for _, _, r in groep.besteding.values())
                self.meldingen.waarschuwing(self.blad, f"{G}{eerste}", boven, KOPPEN[6])
        self._plafonds(nieuwe_totalen)

    def _zonder_beschikking(self, groep: _Groep) -> None:
        naam, jaar = groep.gemeente.naam, groep.jaar
        if groep.toekenning_gezien is None:
            for eerste in (groep.betaling_eerste, groep.besteding_eerste):
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
        nummer = kenmerk(self.regeling, jaar, groep.gemeente.cbs)
        if nummer in self.kenmerken:
            self.meldingen.fout(
                self.blad,
                f"{B}{groep.toekenning_gezien}",
                f"Het kenmerk {nummer} voor de nieuwe beschikking van {naam} is al gebruikt.",
                KOPPEN[1],
            )

    def _betalingen(self, groep: _Groep, bestaand: _Bestaand | None, totaal: int | None) -> None:
        naam, jaar = groep.gemeente.naam, groep.jaar
        eerste, laatste = groep.betalingen_nieuw[0][1], groep.betalingen_nieuw[-1][1]
        if totaal is None:
            self.meldingen.fout(
                self.blad,
                f"{F}{eerste}",
                f"Het bedrag van de beschikking van {naam} voor {jaar} is nog niet vastgesteld; "
                "neem de toekenning op in dit bestand.",
                KOPPEN[5],
            )
            return
        samen = sum(c for c, _ in groep.betalingen_nieuw)
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
            ("beschikkingen_nieuw", "beschikkingen_gewijzigd", "betalingen", "verantwoordingen"),
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
        return gevolgen


SOORTEN_SNEL = frozenset(SOORTEN)


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
            r.doel_id: (_centen(r.besteed_in_jaar), _centen(r.besteed_cumulatief))
            for r in (laatste.regels if laatste else [])
        },
        indienen_geweigerd=services.indienen_geweigerd(beschikking),
    )


def stand(regeling: Regeling) -> str:
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
    return upload.status is UploadStatus.GECONTROLEERD and upload.gegevens.get("stand") != stand(
        regeling
    )
