"""The set-based import gives what the services give row by row (issue 13, item 11).

The same two files are imported into two databases of the same kind (SQLite, or PostgreSQL
under TEST_DATABASE_URL): row by row through the services in the suite's database, set-based
in a second one. Then every table is compared, the audit trail entry by entry, by what the
rows say (a row's id, and a reference to another row, by that row's own content; times left
out). The files hold the hard cases: totals without purposes, amounts still open, regions with
participants, settled years with extra payments and clawbacks, a second file with unchanged
rows, changed amounts and splits, new participants, replaced returns and settlements.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from kern.app import create_app
from kern.audit import Geaudit
from kern.db import db as database
from kern.uploads import Upload, UploadStatus
from subsidies import historische_import, services
from subsidies.historische_import import Resultaat, bulk
from subsidies.models import Beschikking
from tests.conftest import instellingen
from tests.gemeenten.factories import maak_gemeente
from tests.subsidies.factories import maak_beschikking, maak_regeling
from tests.subsidies.test_historische_import import VANDAAG, meldingen, werkmap
from tests.subsidies.test_historische_import_geschiedenis import KOPPEN

GEMEENTEN = 12
JAREN = (2015, 2016, 2017)
DOELEN = ("kennisbevordering", "vroegsignalering", "persoonsgerichte_aanpak")


def cbs(i: int) -> str:
    return f"GM{i:04d}"


def naam(i: int) -> str:
    return f"Gemeente {i}"


def rij(soort: str, i: int, jaar: int, **velden: object) -> list[object]:
    waarden = dict.fromkeys(KOPPEN[4:])
    waarden.update({k.capitalize(): v for k, v in velden.items()})
    return [soort, cbs(i), naam(i), jaar, *waarden.values()]


def toekenning_per_doel(i: int, jaar: int, extra: int = 0) -> list[list[object]]:
    return [
        rij("toekenning", i, jaar, doel=doel, bedrag=10_000 * (n + 1) + 100 * i + extra)
        for n, doel in enumerate(DOELEN)
    ]


def meer(i: int) -> int:
    """Spending per purpose beyond the usual: a quarter spend more than they were granted."""
    return 20_000 if i % 4 == 1 else 0


def bestedingen(i: int, jaar: int, extra: int = 0) -> list[list[object]]:
    return [
        rij("besteding", i, jaar, doel=doel, bedrag=4_000 * (n + 1) + 10 * i + meer(i) + extra)
        for n, doel in enumerate(DOELEN)
    ]


def per_doel_totaal(i: int, extra: int = 0) -> int:
    return sum(10_000 * (n + 1) + 100 * i + extra for n in range(3))


def besteed(i: int, extra: int = 0) -> int:
    return sum(4_000 * (n + 1) + 10 * i + meer(i) + extra for n in range(3))


def bestand_a() -> list[list[object]]:
    """Three years of twelve municipalities: grants per purpose, totals with their own date
    and reference, a region with participants, an amount still open; payments, spending, and
    2015 settled (with an extra payment, a clawback, or nothing left)."""
    rijen: list[list[object]] = []
    for i in range(1, GEMEENTEN + 1):
        for jaar in JAREN:
            soort = i % 4
            if soort == 3 and jaar == 2015:
                rijen.append(rij("toekenning", i, jaar, bedrag="nog vast te stellen"))
                continue
            if soort == 0:
                totaal = 90_000 + 1_000 * i
                rijen.append(
                    rij(
                        "toekenning",
                        i,
                        jaar,
                        bedrag=totaal,
                        datum=datetime(jaar, 3, i),
                        kenmerk=f"BZK-{jaar}-{i:03d}",
                    )
                )
            elif soort == 2 and jaar == 2016:
                totaal = 120_000
                deelnemers = f"{cbs(i % GEMEENTEN + 1)}, {cbs((i + 1) % GEMEENTEN + 1)}"
                rijen.append(
                    rij(
                        "toekenning",
                        i,
                        jaar,
                        bedrag=totaal,
                        regio=f"Regio {i}",
                        deelnemers=deelnemers,
                    )
                )
            else:
                totaal = per_doel_totaal(i)
                rijen += toekenning_per_doel(i, jaar)
            betaald = [totaal * 6 // 10] + ([totaal * 3 // 10] if i % 2 else [])
            for n, bedrag in enumerate(betaald):
                rijen.append(
                    rij("betaling", i, jaar, bedrag=bedrag, datum=datetime(jaar, 6 + n, 1))
                )
            if jaar < 2017:
                rijen += bestedingen(i, jaar)
            if jaar == 2015:
                vastgesteld = min(totaal, besteed(i))
                rijen.append(
                    rij("vaststelling", i, jaar, bedrag=vastgesteld, datum=datetime(2016, 9, 1))
                )
    return rijen


def bestand_b() -> list[list[object]]:
    """The first file again, with changes: amounts per purpose raised, a total replacing a
    split, the open amount set, new participants, spending changed (a new version replacing
    the one waiting), new payments, and 2016 settled with and without new spending."""
    vorige = bestand_a()
    rijen: list[list[object]] = []
    for waarden in vorige:
        i, jaar, soort = int(str(waarden[1])[2:]), waarden[3], waarden[0]
        if i % 3 == 1 and jaar == 2017 and soort == "toekenning" and i % 4 == 1:
            waarden = [*waarden[:5], int(waarden[5]) + 500, *waarden[6:]]  # type: ignore[call-overload]
        if i % 3 == 2 and jaar == 2016 and soort == "besteding":
            waarden = [*waarden[:5], int(waarden[5]) + 50, *waarden[6:]]  # type: ignore[call-overload]
        if i % 4 == 3 and jaar == 2015:
            waarden = rij("toekenning", i, 2015, bedrag=75_000)
        if i % 4 == 2 and jaar == 2016 and soort == "toekenning":
            waarden = [*waarden[:10], f"{cbs(i % GEMEENTEN + 1)} {cbs((i + 4) % GEMEENTEN + 1)}"]
        if i == 5 and jaar == 2017 and soort == "toekenning":
            continue  # replaced by the total below
        rijen.append(waarden)
    rijen.append(rij("toekenning", 5, 2017, bedrag=per_doel_totaal(5) + 3_000))
    for i in range(1, GEMEENTEN + 1):
        if i % 4 == 3:
            rijen.append(rij("betaling", i, 2015, bedrag=30_000, datum=datetime(2016, 1, 15)))
        if i % 3 != 0 and i % 4 != 2:
            rijen.append(rij("betaling", i, 2017, bedrag=1_000, datum=datetime(2017, 12, 1)))
        if i % 4 in (0, 1):
            totaal = 90_000 + 1_000 * i if i % 4 == 0 else per_doel_totaal(i)
            spent = besteed(i, 50 if i % 3 == 2 else 0)
            rijen.append(
                rij(
                    "vaststelling",
                    i,
                    2016,
                    bedrag=min(totaal, spent),
                    datum=datetime(2017, 9, 1),
                )
            )
    return rijen


@pytest.fixture
def tweede(lege_database: str) -> Iterator[Flask]:
    """A second application on a second, empty database of the same kind."""
    app = create_app(instellingen(lege_database))
    with app.app_context():
        database.create_all()
    yield app
    with app.app_context():
        database.engine.dispose()


def opzet() -> None:
    for i in range(1, GEMEENTEN + 1):
        maak_gemeente(cbs(i), naam(i), "Utrecht")
    services.maak_regeling(
        naam="Versterkingsgelden",
        grondslag="Kaderwet SZW-subsidies",
        jaren=dict.fromkeys(JAREN, Decimal("10000000.00")),
    )
    database.session.commit()


def importeer(inhoud: bytes, naam_: str, *, per_rij: bool) -> Resultaat:
    regeling = database.session.execute(sa.select(services.Regeling)).scalar_one()
    upload, _ = historische_import.ontvang(regeling, inhoud, bestandsnaam=naam_, door="test")
    database.session.commit()
    assert upload.status is UploadStatus.GECONTROLEERD, meldingen(upload)
    resultaat = historische_import.importeer(
        regeling, upload, door="test", versie=upload.versie, vandaag=VANDAAG, per_rij=per_rij
    )
    database.session.commit()
    return resultaat


def test_bulk_and_row_by_row_leave_the_same_tables_and_audit_trail(app, db, tweede):
    uitkomsten: dict[bool, list[Resultaat]] = {}
    bestanden = {  # one workbook each (the bytes hold when they were written)
        "historie.xlsx": werkmap(*bestand_a(), koppen=KOPPEN),
        "historie-bijgewerkt.xlsx": werkmap(*bestand_b(), koppen=KOPPEN),
    }
    for per_rij, context in ((True, app.app_context), (False, tweede.app_context)):
        with context():
            opzet()
            uitkomsten[per_rij] = [
                importeer(inhoud, naam_, per_rij=per_rij) for naam_, inhoud in bestanden.items()
            ]

    assert uitkomsten[True] == uitkomsten[False]
    eerste, tweede_import = uitkomsten[True]
    assert eerste.beschikkingen_nieuw == GEMEENTEN * len(JAREN)
    assert tweede_import.beschikkingen_gewijzigd > 0
    assert tweede_import.vaststellingen > 0
    rij_voor_rij = afdruk(app)
    in_bulk = afdruk(tweede)
    # The file's hard cases are there (so the comparison is not of empty tables).
    acties = Counter(
        (soort, actie)
        for (soort, _), trail in rij_voor_rij["audit"].items()
        for actie, _, _ in trail
    )
    assert acties["doelbedrag", "verwijderd"] > 0  # a total replacing a split
    assert acties["verantwoording", "gewijzigd"] > 0  # replaced and approved
    betalingen = Counter(r["soort"] for r in _rijen(rij_voor_rij, "betalingen"))
    assert betalingen["terugvordering"] > 0
    assert betalingen["nabetaling"] > 0
    assert any("deelnemers" in str(t) for t in rij_voor_rij["audit"].values())
    assert any(r["bedrag"] is None for r in _rijen(rij_voor_rij, "beschikking_versies"))

    for tabel in rij_voor_rij["tabellen"]:
        assert Counter(rij_voor_rij["tabellen"][tabel]) == Counter(in_bulk["tabellen"][tabel]), (
            _verschil(tabel, rij_voor_rij["tabellen"][tabel], in_bulk["tabellen"][tabel])
        )
    assert rij_voor_rij["audit"].keys() == in_bulk["audit"].keys()
    for obj, trail in rij_voor_rij["audit"].items():
        assert trail == in_bulk["audit"][obj], obj


def _rijen(afdruk_: dict[str, Any], tabel: str) -> list[dict[str, Any]]:
    return [dict(json.loads(r)) for r in afdruk_["tabellen"][tabel]]


def _verschil(tabel: str, links: list[str], rechts: list[str]) -> str:
    """The rows only one side has, the closest pair's differing columns first."""
    alleen_links = list((Counter(links) - Counter(rechts)).elements())
    alleen_rechts = list((Counter(rechts) - Counter(links)).elements())
    if alleen_links and alleen_rechts:
        een, ander = json.loads(alleen_links[0]), json.loads(alleen_rechts[0])
        anders = {
            k: (een.get(k), ander.get(k))
            for k in een.keys() | ander.keys()
            if een.get(k) != ander.get(k)
        }
        return f"{tabel}: {len(alleen_links)} rows differ, e.g. (row by row, bulk): {anders}"
    return f"{tabel}: row by row only {alleen_links[:2]}; bulk only {alleen_rechts[:2]}"


# --- Every table, by what its rows say -----------------------------------------------------


def afdruk(app: Flask) -> dict[str, Any]:
    """Every table as a list of rows (JSON text, sorted keys) in which an id is left out and a
    reference to another row is that row's own content; times as whether they are set; and
    the audit trail per object (identified the same way), its entries in order."""
    with app.app_context(), database.engine.connect() as verbinding:
        rijen = {
            tabel.name: {
                i: dict(r._mapping)
                for i, r in enumerate(verbinding.execute(tabel.select()), start=1)
            }
            for tabel in database.metadata.sorted_tables
        }
    tabellen = {t.name: t for t in database.metadata.sorted_tables}
    per_id = {
        naam_: {r["id"]: r for r in inhoud.values() if "id" in r} for naam_, inhoud in rijen.items()
    }
    onthouden: dict[tuple[str, int], str] = {}

    def inhoud(tabel: sa.Table, r: dict[str, Any]) -> dict[str, Any]:
        uit: dict[str, Any] = {}
        for kolom in tabel.columns:
            waarde = r[kolom.name]
            if kolom.name == "id":
                continue
            if _is_tijd(kolom):
                waarde = waarde is not None
            elif kolom.foreign_keys and waarde is not None:
                (verwijzing,) = kolom.foreign_keys
                waarde = sleutel(verwijzing.column.table.name, waarde)
            elif tabel.name == "uploads" and kolom.name == "gegevens":
                waarde = {k: v for k, v in waarde.items() if k != "stand"}  # ids and versions
            uit[kolom.name] = waarde
        return uit

    def sleutel(tabel: str, rij_id: int) -> str:
        if (tabel, rij_id) not in onthouden:
            onthouden[tabel, rij_id] = _tekst(inhoud(tabellen[tabel], per_id[tabel][rij_id]))
        return onthouden[tabel, rij_id]

    uit_tabellen = {
        naam_: [_tekst(inhoud(tabellen[naam_], r)) for r in inhoud_.values()]
        for naam_, inhoud_ in rijen.items()
        if naam_ != "audit_regels"
    }
    modellen = {m.__audit_soort__: m for m in _geaudit()}
    audit: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    regels = sorted(rijen["audit_regels"].values(), key=lambda r: r["id"])
    weg = {(r["soort"], r["object_id"]): r for r in regels if r["actie"] == "verwijderd"}
    for regel in regels:
        soort, object_id = regel["soort"], regel["object_id"]
        tabel = modellen[soort].__table__
        if object_id in per_id[tabel.name]:
            obj = sleutel(tabel.name, object_id)
        else:  # removed since: known by what it held when it was
            obj = "verwijderd " + _tekst(weg[soort, object_id]["wijzigingen"])
        wijzigingen = {
            k: _waarde_in_audit(tabel, k, v, sleutel) for k, v in regel["wijzigingen"].items()
        }
        audit[soort, obj].append((regel["actie"], _tekst(wijzigingen), regel["door"]))
    return {"tabellen": uit_tabellen, "audit": dict(audit)}


def _waarde_in_audit(tabel: sa.Table, naam_: str, oud_nieuw: list[Any], sleutel: Any) -> Any:
    kolom = tabel.columns.get(naam_)
    if kolom is None:
        return oud_nieuw  # a collection's labels
    if _is_tijd(kolom):
        return [w is not None for w in oud_nieuw]
    if kolom.foreign_keys:
        (verwijzing,) = kolom.foreign_keys
        doel = verwijzing.column.table.name
        return [None if w is None else sleutel(doel, w) for w in oud_nieuw]
    return oud_nieuw


def _is_tijd(kolom: sa.Column[Any]) -> bool:
    return isinstance(getattr(kolom.type, "impl", kolom.type), sa.DateTime)


def _geaudit() -> list[type]:
    return [m.class_ for m in database.Model.registry.mappers if issubclass(m.class_, Geaudit)]


def _tekst(waarde: Any) -> str:
    return json.dumps(waarde, sort_keys=True, default=str)


# --- Refused as the services refuse, with nothing written ----------------------------------


@pytest.mark.parametrize("per_rij", [True, False], ids=["row by row", "bulk"])
def test_a_reference_taken_since_the_check_refuses_the_file_in_the_services_words(
    db, regeling_2015_2016, amsterdam, per_rij
):
    """Another scheme's decision takes the file's reference after the check (which only sees
    this scheme): both ways refuse the whole file with the services' message."""
    rijen = [
        ["toekenning", "GM0363", "Amsterdam", 2015, None, 90_000, None, None, "BZK-1"],
        ["toekenning", "GM0599", "Rotterdam", 2015, None, 80_000, None, None, "BZK-2"],
    ]
    regeling = regeling_2015_2016
    database.session.commit()  # as a request before it keeps the original
    upload, _ = historische_import.ontvang(
        regeling, werkmap(*rijen, koppen=KOPPEN), bestandsnaam="h.xlsx", door="test"
    )
    database.session.commit()
    assert upload.status is UploadStatus.GECONTROLEERD, meldingen(upload)
    andere = maak_regeling(naam="Andere regeling")
    maak_beschikking(amsterdam, andere, kenmerk="BZK-2")
    database.session.commit()

    with pytest.raises(services.SubsidieFout) as fout:
        historische_import.importeer(
            regeling, upload, door="test", versie=upload.versie, vandaag=VANDAAG, per_rij=per_rij
        )
    database.session.rollback()

    assert str(fout.value) == "Kenmerk BZK-2 is al gebruikt voor een andere beschikking."
    assert database.session.execute(sa.select(sa.func.count(Beschikking.id))).scalar_one() == 1
    assert database.session.get(Upload, upload.id).status is UploadStatus.GECONTROLEERD


def test_a_decision_changed_between_reading_and_writing_refuses_the_file(
    db, regeling_2015_2016, monkeypatch
):
    """The set-based import updates a decision that existed only at the version it read (as
    the ORM's version check would): otherwise a conflict, and nothing is kept."""
    eerst = [["toekenning", "GM0363", "Amsterdam", 2015, None, 90_000]]
    database.session.commit()
    importeer(werkmap(*eerst), "eerst.xlsx", per_rij=False)
    regeling = regeling_2015_2016
    upload, _ = historische_import.ontvang(
        regeling,
        werkmap(["toekenning", "GM0363", "Amsterdam", 2015, None, 95_000]),
        bestandsnaam="daarna.xlsx",
        door="test",
    )
    database.session.commit()
    echte = bulk.Inlezing.schrijf

    def intussen_gewijzigd(self, voortgang):
        # Another transaction amended the decision after this one read it.
        database.session.execute(sa.update(Beschikking).values(versie=Beschikking.versie + 1))
        echte(self, voortgang)

    monkeypatch.setattr(bulk.Inlezing, "schrijf", intussen_gewijzigd)

    with pytest.raises(services.Conflict, match="Iemand anders heeft gegevens van deze regeling"):
        historische_import.importeer(
            regeling, upload, door="test", versie=upload.versie, vandaag=VANDAAG
        )
    database.session.rollback()

    beschikking = database.session.execute(sa.select(Beschikking)).scalar_one()
    assert beschikking.bedrag == Decimal("90000.00")
    assert database.session.get(Upload, upload.id).status is UploadStatus.GECONTROLEERD
