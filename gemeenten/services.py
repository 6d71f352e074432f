"""Queries and changes on the register. Services flush; the caller commits."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import abort, url_for
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from gemeenten import cbs, namen, programmas
from gemeenten.codes import lees_cbs_code
from gemeenten.models import (
    CbsImport,
    Deelname,
    Gemeente,
    GemeenteMutatie,
    MutatieSoort,
    Programma,
)
from kern.accounts.access import gebruiker
from kern.accounts.models import Rol
from kern.db import db
from kern.meldingen import Meldingen


def zichtbaar_of_404(gemeente: Gemeente) -> None:
    """A municipality user sees their own municipality and those it took over in a merger;
    anything else does not exist for them."""
    ik = gebruiker()
    if ik.rol is Rol.GEMEENTE and all(g.id != ik.gemeente_id for g in gemeente.keten()):
        abort(404)


def op_code(cbs_code: str) -> Gemeente | None:
    """The municipality with this code, written any way `lees_cbs_code` reads it."""
    code = lees_cbs_code(cbs_code)
    if code is None:
        return None
    return db.session.execute(
        select(Gemeente).where(Gemeente.cbs_code == code)
    ).scalar_one_or_none()


def gemeente_of_404(cbs_code: str) -> Gemeente:
    """The municipality named in a URL, when it exists and the user may see it; else 404."""
    gemeente = op_code(cbs_code)
    if gemeente is None:
        abort(404)
    zichtbaar_of_404(gemeente)
    return gemeente


@dataclass(frozen=True)
class Filter:
    zoekterm: str = ""
    provincie: str = ""
    programma: Programma | None = None
    ook_beeindigd: bool = False


def zoek(filter: Filter) -> Select[Gemeente]:
    """The municipalities that match, ordered by name, as a query to paginate."""
    query = (
        select(Gemeente)
        .options(selectinload(Gemeente.deelnames))
        # 's-Gravenhage sorts as "Den Haag", the name people look for.
        .order_by(func.coalesce(Gemeente.roepnaam, Gemeente.naam), Gemeente.cbs_code)
    )
    term = filter.zoekterm.strip().lower()
    if term:
        patroon = f"%{term.replace('%', '').replace('_', '')}%"
        query = query.where(
            or_(
                func.lower(Gemeente.naam).like(patroon),
                func.lower(Gemeente.roepnaam).like(patroon),
                func.lower(Gemeente.cbs_code).like(patroon),
            )
        )
    if filter.provincie:
        query = query.where(Gemeente.provincie == filter.provincie)
    if filter.programma is not None:
        query = query.where(Gemeente.id.in_(programmas.leden(filter.programma)))
    if not filter.ook_beeindigd:
        query = query.where(Gemeente.actief)
    return query


class Bron:
    """The register as the kernel's accounts see it (see `kern.accounts.gemeentebron`)."""

    def keuzes(self) -> list[tuple[int, str]]:
        actief = db.session.execute(
            select(Gemeente).where(Gemeente.actief).order_by(Gemeente.naam)
        ).scalars()
        return [(g.id, g.label) for g in actief]

    def id_voor_code(self, cbs_code: str) -> int | None:
        gevonden = op_code(cbs_code)
        return gevonden.id if gevonden else None

    def url(self, gemeente_id: int) -> str:
        gemeente = db.get_or_404(Gemeente, gemeente_id)
        return url_for("gemeenten.detail", cbs_code=gemeente.cbs_code)

    def labels(self, ids: Iterable[int]) -> dict[int, str]:
        gezocht = set(ids)
        if not gezocht:
            return {}
        gevonden = db.session.execute(select(Gemeente).where(Gemeente.id.in_(gezocht))).scalars()
        return {g.id: g.label for g in gevonden}


# --- Importing CBS's yearly list -----------------------------------------------------------


@dataclass
class ImportVerslag:
    peildatum: date
    toegevoegd: list[str] = field(default_factory=list)
    hernoemd: list[str] = field(default_factory=list)
    provincie: list[str] = field(default_factory=list)
    beeindigd: list[str] = field(default_factory=list)
    zonder_opvolger: list[str] = field(default_factory=list)
    # Successors given for codes that ended in an earlier list.
    opvolger: list[str] = field(default_factory=list)

    @property
    def gewijzigd(self) -> bool:
        return bool(
            self.toegevoegd or self.hernoemd or self.provincie or self.beeindigd or self.opvolger
        )

    def regels(self) -> list[str]:
        if not self.gewijzigd:
            return [f"Lijst van {self.peildatum:%d-%m-%Y}: niets gewijzigd."]
        uit = [f"Lijst van {self.peildatum:%d-%m-%Y} ingelezen."]
        for kop, items in (
            ("Toegevoegd", self.toegevoegd),
            ("Hernoemd", self.hernoemd),
            ("Andere provincie", self.provincie),
            ("Beëindigd", self.beeindigd),
        ):
            uit.append(f"{kop}: {len(items)}")
            uit.extend(f"  {item}" for item in items)
        if self.opvolger:
            uit.append(f"Opvolger vastgelegd: {len(self.opvolger)}")
            uit.extend(f"  {item}" for item in self.opvolger)
        if self.zonder_opvolger:
            uit.append(
                "Beëindigd zonder opvolger (geef die op met --opvolger OUD=NIEUW of "
                "'flask gemeenten opvolger'): " + ", ".join(self.zonder_opvolger)
            )
        return uit


def lees_opvolgers(paren: Iterable[str]) -> dict[str, str]:
    """``GM0738=GM1959``: a code that ends and the code it goes up in, as an administrator
    writes them (on the command line, or a line each on the upload page)."""
    uit: dict[str, str] = {}
    for paar in paren:
        oud, teken, nieuw = paar.partition("=")
        if not teken or not oud.strip() or not nieuw.strip():
            raise cbs.CbsFout(f"{paar!r}: schrijf OUD=NIEUW, bijvoorbeeld GM0738=GM1959.")
        uit[oud.strip()] = nieuw.strip()
    return uit


def importeer_cbs_lijst(
    inhoud: bytes,
    *,
    bestandsnaam: str,
    door: str,
    peildatum: date | None = None,
    opvolgers: Mapping[str, str] | None = None,
) -> ImportVerslag:
    """Bring the register in line with CBS's list of ``peildatum``.

    New codes are added, changed names and provinces updated, and codes missing from the list
    end on the day before ``peildatum``; ``opvolgers`` maps an ended code to its successor.
    Nothing is written unless the whole list and every successor checks out, and importing the
    same list again changes nothing.
    """
    peildatum = peildatum or cbs.peildatum_uit_naam(bestandsnaam)
    if peildatum is None:
        raise cbs.CbsFout(
            "Geef de peildatum op: die staat niet in de bestandsnaam (zoals gemeenten-2025-01-01)."
        )
    regels = cbs.lees(inhoud)
    opvolgers = {_code(oud): _code(nieuw) for oud, nieuw in (opvolgers or {}).items()}
    laatste = db.session.execute(select(func.max(CbsImport.peildatum))).scalar_one_or_none()
    if laatste is not None and peildatum < laatste:
        raise cbs.CbsFout(
            f"De lijst van {laatste:%d-%m-%Y} is al ingelezen; een oudere lijst "
            f"({peildatum:%d-%m-%Y}) kan het register niet terugzetten."
        )

    bestaand = {
        gemeente.cbs_code: gemeente for gemeente in db.session.execute(select(Gemeente)).scalars()
    }
    in_lijst = {regel.cbs_code for regel in regels}
    eindigend = {
        code: gemeente
        for code, gemeente in bestaand.items()
        if gemeente.geldig_tot is None and code not in in_lijst
    }
    _controleer_tegen_register(regels, opvolgers, bestaand, eindigend)

    # The first list sets no start dates, even when demo data is already in the register.
    geldig_van = None if laatste is None else peildatum
    bijwerking = _Bijwerking(peildatum, door, bestaand, nieuw_geldig_van=geldig_van)
    bijwerking.neem_over(regels)
    bijwerking.beeindig(eindigend, opvolgers)
    bijwerking.zet_opvolgers(opvolgers, eindigend)
    bijwerking.leg_vast(
        CbsImport(
            peildatum=peildatum,
            bestandsnaam=bestandsnaam[:255],
            sha256=hashlib.sha256(inhoud).hexdigest(),
            uitgevoerd_door=door,
        )
    )
    return bijwerking.verslag


def _controleer_tegen_register(
    regels: Iterable[cbs.CbsRegel],
    opvolgers: Mapping[str, str],
    bestaand: Mapping[str, Gemeente],
    eindigend: Mapping[str, Gemeente],
) -> None:
    """`CbsFout` with every problem of the list and the successors against the register: an
    ended code that is back, a successor mapping that does not fit."""
    meldingen = Meldingen(maximum=cbs.MAX_MELDINGEN)
    for regel in regels:
        gemeente = bestaand.get(regel.cbs_code)
        if gemeente is not None and gemeente.geldig_tot is not None:
            meldingen.fout(
                "",
                "",
                f"Regel {regel.regel}: {regel.cbs_code} {regel.naam} is op "
                f"{gemeente.geldig_tot:%d-%m-%Y} beëindigd maar staat weer in de lijst.",
            )
    in_lijst = {regel.cbs_code for regel in regels}
    for oud, nieuw in opvolgers.items():
        voorganger = bestaand.get(oud)
        if voorganger is None:
            meldingen.fout("", "", f"Opvolger: {oud} staat niet in het register.")
        elif oud not in eindigend and voorganger.geldig_tot is None:
            meldingen.fout("", "", f"Opvolger: {oud} staat nog in de lijst en eindigt dus niet.")
        if nieuw not in in_lijst:
            meldingen.fout("", "", f"Opvolger: {nieuw} staat niet in deze lijst.")
        if oud == nieuw:
            meldingen.fout("", "", f"Opvolger: {oud} kan niet zijn eigen opvolger zijn.")
    if meldingen.heeft_fouten:
        raise cbs.CbsFout(meldingen)


@dataclass
class _Bijwerking:
    """The register brought in line with one checked list; every change kept as a mutation and
    told in the report."""

    peildatum: date
    door: str
    bestaand: dict[str, Gemeente]  # by code; a code the list adds joins it
    nieuw_geldig_van: date | None  # the start date of an added code (none from the first list)
    verslag: ImportVerslag = field(init=False)
    mutaties: list[GemeenteMutatie] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.verslag = ImportVerslag(self.peildatum)

    def _muteer(
        self, gemeente: Gemeente, soort: MutatieSoort, oud: str | None, nieuw: str | None
    ) -> None:
        self.mutaties.append(
            GemeenteMutatie(
                gemeente=gemeente, soort=soort, oud=oud, nieuw=nieuw, uitgevoerd_door=self.door
            )
        )

    def neem_over(self, regels: Iterable[cbs.CbsRegel]) -> None:
        """Add the list's new codes; follow a changed name or province."""
        for regel in regels:
            gemeente = self.bestaand.get(regel.cbs_code)
            if gemeente is None:
                self._voeg_toe(regel)
                continue
            if gemeente.naam != regel.naam:
                self._muteer(gemeente, MutatieSoort.HERNOEMD, gemeente.naam, regel.naam)
                self.verslag.hernoemd.append(f"{regel.cbs_code} {gemeente.naam} → {regel.naam}")
                gemeente.naam = regel.naam
            if gemeente.provincie != regel.provincie:
                self._muteer(gemeente, MutatieSoort.PROVINCIE, gemeente.provincie, regel.provincie)
                self.verslag.provincie.append(
                    f"{regel.cbs_code} {regel.naam}: {gemeente.provincie} → {regel.provincie}"
                )
                gemeente.provincie = regel.provincie

    def _voeg_toe(self, regel: cbs.CbsRegel) -> None:
        gemeente = Gemeente(
            cbs_code=regel.cbs_code,
            naam=regel.naam,
            provincie=regel.provincie,
            roepnaam=namen.roepnaam(regel.naam),
            geldig_van=self.nieuw_geldig_van,
        )
        db.session.add(gemeente)
        self.bestaand[regel.cbs_code] = gemeente
        self._muteer(gemeente, MutatieSoort.TOEGEVOEGD, None, regel.naam)
        self.verslag.toegevoegd.append(f"{regel.cbs_code} {regel.naam}")

    def beeindig(self, eindigend: Mapping[str, Gemeente], opvolgers: Mapping[str, str]) -> None:
        """End the codes missing from the list on the day before the list's date."""
        for code, gemeente in sorted(eindigend.items()):
            gemeente.geldig_tot = self.peildatum - timedelta(days=1)
            self._muteer(gemeente, MutatieSoort.BEEINDIGD, None, f"{gemeente.geldig_tot:%Y-%m-%d}")
            tekst = f"{code} {gemeente.naam}"
            if code in opvolgers:
                opvolger = self.bestaand[opvolgers[code]]
                tekst += f" → opgegaan in {opvolger.cbs_code} {opvolger.naam}"
            else:
                self.verslag.zonder_opvolger.append(code)
            self.verslag.beeindigd.append(tekst)

    def zet_opvolgers(
        self, opvolgers: Mapping[str, str], eindigend: Mapping[str, Gemeente]
    ) -> None:
        """Point each ended code at its successor; one that ended in an earlier list is told
        apart in the report."""
        for oud, nieuw in opvolgers.items():
            voorganger, opvolger = self.bestaand[oud], self.bestaand[nieuw]
            if voorganger.opvolger is opvolger:
                continue
            self._muteer(voorganger, MutatieSoort.OPVOLGER, _code_van(voorganger.opvolger), nieuw)
            voorganger.opvolger = opvolger
            if oud not in eindigend:
                self.verslag.opvolger.append(f"{oud} {voorganger.naam} → {nieuw} {opvolger.naam}")

    def leg_vast(self, log: CbsImport) -> None:
        """Keep the import with its mutations; an import that changed nothing leaves no trace."""
        if not self.mutaties:
            return
        db.session.add(log)
        for mutatie in self.mutaties:
            mutatie.cbs_import = log
        db.session.add_all(self.mutaties)
        db.session.flush()


def _code(code: str) -> str:
    """A code as `lees_cbs_code` reads it; what it cannot read, as it was typed (the message
    then says that no such municipality is there)."""
    return lees_cbs_code(code) or code.strip().upper()


def _code_van(gemeente: Gemeente | None) -> str | None:
    return gemeente.cbs_code if gemeente else None


def zet_opvolger(voorganger: Gemeente, opvolger: Gemeente, door: str) -> None:
    """Record, after the fact, which municipality a merged one went into."""
    if voorganger.geldig_tot is None:
        raise cbs.CbsFout(
            f"{voorganger.cbs_code} bestaat nog; alleen een beëindigde gemeente heeft een opvolger."
        )
    if opvolger.id == voorganger.id or opvolger.rechtsopvolger().id == voorganger.id:
        raise cbs.CbsFout(f"{opvolger.cbs_code} kan geen opvolger van {voorganger.cbs_code} zijn.")
    db.session.add(
        GemeenteMutatie(
            gemeente=voorganger,
            uitgevoerd_door=door,
            soort=MutatieSoort.OPVOLGER,
            oud=_code_van(voorganger.opvolger),
            nieuw=opvolger.cbs_code,
        )
    )
    voorganger.opvolger = opvolger
    db.session.flush()


# --- Programme membership ----------------------------------------------------------------


class DeelnameFout(ValueError):
    """A membership change that cannot be made; the message is for the user."""


def voeg_deelname_toe(
    gemeente: Gemeente, programma: Programma, door: str, toelichting: str | None = None
) -> Deelname:
    herkomst = programmas.herkomst(programma)
    if not herkomst.met_de_hand:
        raise DeelnameFout(
            f"Deelname aan {programma.label} {herkomst.uitleg}; die wordt niet met de hand "
            "bijgehouden."
        )
    if any(d.programma is programma for d in gemeente.deelnames):
        raise DeelnameFout(f"{gemeente.weergavenaam} neemt al deel aan {programma.label}.")
    if not gemeente.actief:
        raise DeelnameFout(f"{gemeente.weergavenaam} bestaat niet meer.")
    deelname = Deelname(programma=programma, toelichting=toelichting or None)
    gemeente.deelnames.append(deelname)
    db.session.add(
        GemeenteMutatie(
            gemeente=gemeente,
            soort=MutatieSoort.DEELNAME,
            oud=None,
            nieuw=programma.label,
            uitgevoerd_door=door,
        )
    )
    db.session.flush()
    return deelname


def beeindig_deelname(deelname: Deelname, door: str) -> None:
    db.session.add(
        GemeenteMutatie(
            gemeente=deelname.gemeente,
            soort=MutatieSoort.DEELNAME,
            oud=deelname.programma.label,
            nieuw=None,
            uitgevoerd_door=door,
        )
    )
    deelname.gemeente.deelnames.remove(deelname)
    db.session.flush()
