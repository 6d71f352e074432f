"""What confirming an upload works through: its staged rows gathered per decision, read once
and shared by both ways of importing them (`importeren`: through the services row by row, or
`bulk`: checked in memory and written set-based)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from kern import uploads
from kern.formatting import getal
from kern.uploads import Upload
from subsidies import services
from subsidies.historische_import.basis import (
    BETALING,
    TOEKENNING,
    VASTSTELLING,
    Wijziging,
    euro,
    euro_of_open,
)
from subsidies.models import Beschikking, Regeling


@dataclass
class Resultaat:
    """What an import did (or, in `upload.gegevens["gevolgen"]`, what it would do)."""

    beschikkingen_nieuw: int = 0
    beschikkingen_gewijzigd: int = 0
    betalingen: int = 0
    verantwoordingen: int = 0
    vaststellingen: int = 0

    def __str__(self) -> str:
        """``1 nieuwe beschikking, 0 gewijzigde beschikkingen, 2 betalingen en ...`` (the
        settlements only when there are any)."""
        delen = [
            _aantal(self.beschikkingen_nieuw, "nieuwe beschikking", "nieuwe beschikkingen"),
            _aantal(
                self.beschikkingen_gewijzigd, "gewijzigde beschikking", "gewijzigde beschikkingen"
            ),
            _aantal(self.betalingen, "betaling", "betalingen"),
            _aantal(
                self.verantwoordingen,
                "nieuwe versie van een verantwoording",
                "nieuwe versies van verantwoordingen",
            ),
        ]
        if self.vaststellingen:
            delen.append(_aantal(self.vaststellingen, "vaststelling", "vaststellingen"))
        return ", ".join(delen[:-1]) + " en " + delen[-1]


def _aantal(aantal: int, enkelvoud: str, meervoud: str) -> str:
    return f"{getal(aantal)} {enkelvoud if aantal == 1 else meervoud}"


GemeenteJaar = tuple[str, int]  # a CBS code and a year: one decision of the scheme


@dataclass
class Toekenning:
    """A decision's staged grant rows: its amounts per purpose, or its total (None: not yet
    set), and its own fields where the file gives them."""

    doelbedragen: dict[int, Decimal] = field(default_factory=dict)
    met_totaal: bool = False
    totaal: Decimal | None = None
    datum: date | None = None
    kenmerk: str | None = None
    regio: str | None = None
    deelnemers: tuple[str, ...] | None = None
    regels: int = 0

    @property
    def bedrag(self) -> Decimal | None:
        """A new decision's amount: the file's total, or the sum of its purposes."""
        return self.totaal if self.met_totaal else sum(self.doelbedragen.values(), Decimal(0))

    def wijziging(
        self, bedrag: Decimal | None, doelbedragen: Mapping[int, Decimal]
    ) -> tuple[Decimal | None, dict[int, Decimal]]:
        """The amount and split of a decision that has ``bedrag`` and ``doelbedragen``, amended
        by these rows: the file's amounts, the other purposes as they were; a new total
        replaces the split (the same total keeps it)."""
        verdeling = dict(doelbedragen)
        if not self.met_totaal:
            verdeling |= self.doelbedragen
            return sum(verdeling.values(), Decimal(0)), verdeling
        return self.totaal, verdeling if self.totaal == bedrag else {}

    def neem_op(self, wijziging: Wijziging, doel_id: int | None) -> None:
        if doel_id is None:
            self.met_totaal, self.totaal = True, euro_of_open(wijziging.bedrag)
        else:
            self.doelbedragen[doel_id] = euro(wijziging.bedrag or 0)
        self.datum = wijziging.datum or self.datum
        self.kenmerk = wijziging.kenmerk or self.kenmerk
        self.regio = wijziging.regio or self.regio
        self.deelnemers = wijziging.deelnemers or self.deelnemers
        self.regels += 1


@dataclass
class Werk:
    """The staged rows gathered per decision, in the order the import applies them."""

    toekenningen: dict[GemeenteJaar, Toekenning] = field(
        default_factory=lambda: defaultdict(Toekenning)
    )  # per decision
    betalingen: list[Wijziging] = field(default_factory=list)
    bestedingen: dict[GemeenteJaar, dict[int, services.Besteding]] = field(
        default_factory=lambda: defaultdict(dict)
    )  # per decision, the whole return to submit, per doel id
    bestedingsregels: dict[GemeenteJaar, int] = field(
        default_factory=lambda: defaultdict(int)
    )  # per decision, the staged spending rows (for the progress bar)
    vaststellingen: list[Wijziging] = field(default_factory=list)


def verzamel(regeling: Regeling, upload: Upload, bestaand: dict[GemeenteJaar, Beschikking]) -> Werk:
    """The staged rows (only what is new or changes something), per decision."""
    doelen = {d.code: d for d in regeling.doelen}
    werk = Werk()
    for _rij, gegevens in uploads.gestaged(upload):
        wijziging = Wijziging.van_json(gegevens)
        groep = (wijziging.cbs, wijziging.jaar)
        if wijziging.soort == TOEKENNING:
            doel_id = None if wijziging.doel is None else doelen[wijziging.doel].id
            werk.toekenningen[groep].neem_op(wijziging, doel_id)
        elif wijziging.soort == BETALING:
            werk.betalingen.append(wijziging)
        elif wijziging.soort == VASTSTELLING:
            werk.vaststellingen.append(wijziging)
        else:
            if groep not in werk.bestedingen and (vorige := bestaand.get(groep)) is not None:
                # The purposes the file left as they were are as the latest return has them
                # (the check compared the file with it, and nothing changed since).
                laatste = vorige.laatste_verantwoording
                for regel in laatste.regels if laatste else []:
                    werk.bestedingen[groep][regel.doel_id] = services.Besteding(
                        regel.besteed_in_jaar, regel.besteed_cumulatief
                    )
            werk.bestedingen[groep][doelen[wijziging.doel or ""].id] = services.Besteding(
                euro(wijziging.bedrag or 0), euro(wijziging.cumulatief or 0)
            )
            werk.bestedingsregels[groep] += 1
    return werk
