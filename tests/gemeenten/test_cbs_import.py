"""Importing CBS's yearly list "Gemeentelijke indeling op 1 januari" into the register."""

from __future__ import annotations

import io
import random
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from gemeenten import cbs
from gemeenten.cbs import CbsFout, CbsRegel
from gemeenten.models import CbsImport, Gemeente, GemeenteMutatie, MutatieSoort
from gemeenten.services import ImportVerslag, importeer_cbs_lijst, op_code
from kern.db import db
from tests.gemeenten.factories import maak_gemeente
from tests.gemeenten.lijsten import CBS_KOP, aantal, cbs_csv, registerinhoud, xlsx

LIJST_2018 = [
    ("GM0363", "Amsterdam", "Noord-Holland"),
    ("GM0518", "'s-Gravenhage", "Zuid-Holland"),
    ("GM0738", "Aalburg", "Noord-Brabant"),
    ("GM0870", "Werkendam", "Noord-Brabant"),
    ("GM0140", "Littenseradiel", "Friesland"),
    ("GM1900", "Súdwest Fryslân", "Friesland"),
    ("GM0545", "Leerdam", "Zuid-Holland"),
]
# One code added (Altena), one renamed, one moved to another province, and three ended:
# Aalburg and Werkendam went into Altena, Littenseradiel was split up (no single successor).
LIJST_2019 = [
    ("GM0363", "Amsterdam", "Noord-Holland"),
    ("GM0518", "'s-Gravenhage", "Zuid-Holland"),
    ("GM1959", "Altena", "Noord-Brabant"),
    ("GM1900", "Súdwest-Fryslân", "Friesland"),
    ("GM0545", "Leerdam", "Utrecht"),
]
OPVOLGERS_2019 = {"GM0738": "GM1959", "gm0870 ": " GM1959"}


def importeer(
    regels: list[tuple[str, str, str]],
    jaar: int,
    opvolgers: dict[str, str] | None = None,
) -> ImportVerslag:
    """Import a list the way the command does: the service flushes, the caller commits."""
    verslag = importeer_cbs_lijst(
        cbs_csv(regels),
        bestandsnaam=f"gemeenten-{jaar}-01-01.csv",
        door="test",
        opvolgers=opvolgers,
    )
    db.session.commit()
    return verslag


def gemeente(code: str) -> Gemeente:
    gevonden = op_code(code)
    assert gevonden is not None, code
    return gevonden


def test_first_list_fills_an_empty_register(db):
    verslag = importeer(LIJST_2018, 2018)

    gemeenten = db.session.execute(select(Gemeente).order_by(Gemeente.cbs_code)).scalars().all()
    assert [(g.cbs_code, g.naam, g.provincie) for g in gemeenten] == sorted(LIJST_2018)
    assert all(g.geldig_van is None and g.geldig_tot is None for g in gemeenten)
    assert len(verslag.toegevoegd) == 7
    assert "GM0518 's-Gravenhage" in verslag.toegevoegd
    assert verslag.zonder_opvolger == []

    log = db.session.execute(select(CbsImport)).scalar_one()
    assert (log.peildatum, log.bestandsnaam, log.uitgevoerd_door) == (
        date(2018, 1, 1),
        "gemeenten-2018-01-01.csv",
        "test",
    )
    assert len(log.sha256) == 64
    assert {(m.gemeente.cbs_code, m.soort, m.nieuw) for m in log.mutaties} == {
        (code, MutatieSoort.TOEGEVOEGD, naam) for code, naam, _ in LIJST_2018
    }


def test_first_list_after_demo_data_sets_no_start_dates(db):
    # `make run` loads demo municipalities before anyone imports a CBS list: the first list
    # still describes municipalities that existed before it, not new ones.
    maak_gemeente("GM0363", "Amsterdam", "Noord-Holland")
    db.session.commit()

    verslag = importeer(LIJST_2018, 2018)

    assert len(verslag.toegevoegd) == 6
    assert gemeente("GM0738").geldig_van is None
    assert gemeente("GM0363").geldig_van is None


def test_later_list_adds_renames_moves_and_ends(db):
    importeer(LIJST_2018, 2018)

    verslag = importeer(LIJST_2019, 2019, OPVOLGERS_2019)

    assert verslag.gewijzigd
    assert verslag.toegevoegd == ["GM1959 Altena"]
    assert verslag.hernoemd == ["GM1900 Súdwest Fryslân → Súdwest-Fryslân"]
    assert verslag.provincie == ["GM0545 Leerdam: Zuid-Holland → Utrecht"]
    assert verslag.beeindigd == [
        "GM0140 Littenseradiel",
        "GM0738 Aalburg → opgegaan in GM1959 Altena",
        "GM0870 Werkendam → opgegaan in GM1959 Altena",
    ]
    assert verslag.zonder_opvolger == ["GM0140"]

    altena = gemeente("GM1959")
    assert (altena.geldig_van, altena.geldig_tot) == (date(2019, 1, 1), None)
    assert gemeente("GM1900").naam == "Súdwest-Fryslân"
    assert gemeente("GM0545").provincie == "Utrecht"
    assert gemeente("GM0363").geldig_van is None  # untouched

    aalburg = gemeente("GM0738")
    assert aalburg.geldig_tot == date(2018, 12, 31)
    assert not aalburg.actief
    assert aalburg.opvolger is altena
    assert [v.naam for v in altena.voorgangers] == ["Aalburg", "Werkendam"]
    littenseradiel = gemeente("GM0140")
    assert (littenseradiel.geldig_tot, littenseradiel.opvolger) == (date(2018, 12, 31), None)

    log = db.session.execute(
        select(CbsImport).where(CbsImport.peildatum == date(2019, 1, 1))
    ).scalar_one()
    assert sorted(
        (m.gemeente.cbs_code, m.soort.value, m.oud, m.nieuw) for m in log.mutaties
    ) == sorted(
        [
            ("GM1959", "toegevoegd", None, "Altena"),
            ("GM1900", "hernoemd", "Súdwest Fryslân", "Súdwest-Fryslân"),
            ("GM0545", "provincie", "Zuid-Holland", "Utrecht"),
            ("GM0140", "beeindigd", None, "2018-12-31"),
            ("GM0738", "beeindigd", None, "2018-12-31"),
            ("GM0870", "beeindigd", None, "2018-12-31"),
            ("GM0738", "opvolger", None, "GM1959"),
            ("GM0870", "opvolger", None, "GM1959"),
        ]
    )
    assert {m.uitgevoerd_door for m in log.mutaties} == {"test"}


def test_report_lists_every_change_and_the_codes_without_successor(db):
    importeer(LIJST_2018, 2018)

    regels = importeer(LIJST_2019, 2019, OPVOLGERS_2019).regels()

    assert regels[0] == "Lijst van 01-01-2019 ingelezen."
    assert "Toegevoegd: 1" in regels
    assert "Beëindigd: 3" in regels
    assert "  GM0738 Aalburg → opgegaan in GM1959 Altena" in regels
    assert regels[-1].startswith("Beëindigd zonder opvolger")
    assert regels[-1].endswith(": GM0140")


def test_successor_follows_a_chain_of_two_mergers(db):
    importeer(LIJST_2018, 2018)
    importeer(LIJST_2019, 2019, OPVOLGERS_2019)
    # A fictional second merger: Altena goes into a new municipality a year later.
    lijst_2020 = [r for r in LIJST_2019 if r[0] != "GM1959"] + [
        ("GM1999", "Land van Altena", "Noord-Brabant")
    ]
    importeer(lijst_2020, 2020, {"GM1959": "GM1999"})

    nieuw = gemeente("GM1999")
    assert gemeente("GM0738").rechtsopvolger() is nieuw
    assert gemeente("GM1959").rechtsopvolger() is nieuw
    assert gemeente("GM1959").geldig_tot == date(2019, 12, 31)
    assert nieuw.rechtsopvolger() is nieuw
    assert gemeente("GM0140").rechtsopvolger().cbs_code == "GM0140"  # ended, no successor


@pytest.mark.parametrize("opvolgers", [OPVOLGERS_2019, None])
def test_importing_the_same_list_twice_changes_nothing(db, opvolgers):
    importeer(LIJST_2018, 2018)
    importeer(LIJST_2019, 2019, OPVOLGERS_2019)
    voor = registerinhoud()

    verslag = importeer(LIJST_2019, 2019, opvolgers)

    assert not verslag.gewijzigd
    assert verslag.regels() == ["Lijst van 01-01-2019: niets gewijzigd."]
    assert registerinhoud() == voor
    assert voor["imports"] == 2


def test_same_list_again_with_a_successor_records_and_reports_it(db):
    importeer(LIJST_2018, 2018)
    importeer(LIJST_2019, 2019)  # the successors were not known yet
    assert gemeente("GM0738").opvolger is None

    verslag = importeer(LIJST_2019, 2019, {"GM0738": "GM1959"})

    assert verslag.gewijzigd
    assert verslag.regels() == [
        "Lijst van 01-01-2019 ingelezen.",
        "Toegevoegd: 0",
        "Hernoemd: 0",
        "Andere provincie: 0",
        "Beëindigd: 0",
        "Opvolger vastgelegd: 1",
        "  GM0738 Aalburg → GM1959 Altena",
    ]
    assert gemeente("GM0738").opvolger is gemeente("GM1959")
    log = db.session.execute(select(CbsImport).order_by(CbsImport.id.desc())).scalars().first()
    assert log is not None
    assert [(m.gemeente.cbs_code, m.soort, m.nieuw) for m in log.mutaties] == [
        ("GM0738", MutatieSoort.OPVOLGER, "GM1959")
    ]


def test_an_older_list_than_the_last_one_is_refused(db):
    importeer(LIJST_2019, 2019)
    voor = registerinhoud()

    with pytest.raises(CbsFout) as fout:
        importeer(LIJST_2018, 2018)

    assert fout.value.teksten == [
        "De lijst van 01-01-2019 is al ingelezen; een oudere lijst (01-01-2018) kan het "
        "register niet terugzetten."
    ]
    assert registerinhoud() == voor


def test_an_ended_code_that_reappears_is_refused(db):
    importeer(LIJST_2018, 2018)
    importeer(LIJST_2019, 2019, OPVOLGERS_2019)
    voor = registerinhoud()

    with pytest.raises(CbsFout) as fout:
        importeer([*LIJST_2019, ("GM0738", "Aalburg", "Noord-Brabant")], 2020)

    assert fout.value.teksten == [
        "Regel 7: GM0738 Aalburg is op 31-12-2018 beëindigd maar staat weer in de lijst."
    ]
    assert registerinhoud() == voor


def test_peildatum_comes_from_the_file_name_or_the_caller(db):
    assert cbs.peildatum_uit_naam("Gemeenten alfabetisch 2025-01-01.xlsx") == date(2025, 1, 1)
    assert cbs.peildatum_uit_naam("gemeenten-2025-13-01.csv") is None

    verslag = importeer_cbs_lijst(
        cbs_csv(LIJST_2018), bestandsnaam="lijst.csv", door="test", peildatum=date(2018, 1, 1)
    )

    assert verslag.peildatum == date(2018, 1, 1)
    assert db.session.execute(select(CbsImport.peildatum)).scalar_one() == date(2018, 1, 1)


@pytest.mark.parametrize("bestandsnaam", ["lijst.csv", "gemeenten-2025-13-01.csv"])
def test_a_list_without_peildatum_is_refused(db, bestandsnaam):
    with pytest.raises(CbsFout) as fout:
        importeer_cbs_lijst(cbs_csv(LIJST_2018), bestandsnaam=bestandsnaam, door="test")

    assert fout.value.teksten == [
        "Geef de peildatum op: die staat niet in de bestandsnaam (zoals gemeenten-2025-01-01)."
    ]
    assert registerinhoud() == {"gemeenten": [], "mutaties": 0, "imports": 0, "deelnames": 0}


# --- Malformed files: a clear Dutch message, and nothing changes -------------------------

KOP = ",".join(CBS_KOP)
RANDOM_BYTES = random.Random(20151109).randbytes(4096)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def _zip_zonder_werkmap() -> bytes:
    uit = io.BytesIO()
    with zipfile.ZipFile(uit, "w") as archief:
        archief.writestr("leesmij.txt", "geen werkmap")
    return uit.getvalue()


def _regels(*regels: str) -> bytes:
    return "\r\n".join([KOP, *regels]).encode()


ONGELDIGE_BESTANDEN = {
    "missing columns": (
        b"code,naam,provincie\r\nGM0363,Amsterdam,Noord-Holland\r\n",
        [
            "De kolomkoppen kloppen niet: gemeentecode_gm (of gemeentecode), gemeentenaam, "
            "provincienaam ontbreekt. Verwacht wordt de indeling van CBS"
        ],
    ),
    "one missing column": (
        b"gemeentecode_gm,gemeentenaam\r\nGM0363,Amsterdam\r\n",
        ["De kolomkoppen kloppen niet: provincienaam ontbreekt."],
    ),
    "bad code": (
        _regels("0363,GM0363,Amsterdam,,,Noord-Holland", "0518,GM518X,Den Haag,,,Zuid-Holland"),
        ["Regel 3: 'GM518X' is geen gemeentecode."],
    ),
    "duplicate code": (
        _regels(
            "0363,GM0363,Amsterdam,,,Noord-Holland",
            "0518,GM0518,'s-Gravenhage,,,Zuid-Holland",
            "0363,GM0363,Amsterdam,,,Noord-Holland",
        ),
        ["Regel 4: gemeentecode GM0363 staat ook op regel 2."],
    ),
    "unknown province": (
        _regels("0363,GM0363,Amsterdam,,,Holland"),
        ["Regel 2: 'Holland' is geen provincie."],
    ),
    "missing name": (
        _regels("0363,GM0363,,,,Noord-Holland"),
        ["Regel 2: de gemeentenaam ontbreekt."],
    ),
    "empty file": (b"", ["Het bestand is leeg."]),
    "only whitespace": (b" \r\n\r\n", ["Het bestand is leeg."]),
    "header only": (_regels(), ["Het bestand bevat geen gemeenten."]),
    "random binary bytes": (
        RANDOM_BYTES,
        ["Het bestand is geen tekstbestand (csv) en geen Excel-werkmap (.xlsx)."],
    ),
    "xls (OLE2) file": (OLE2, ["Dit is een oud Excel-bestand (.xls)"]),
    "zip that is no workbook": (_zip_zonder_werkmap(), ["het werkboekdeel ontbreekt"]),
    "several errors at once": (
        _regels(
            "0363,GM12AB,Amsterdam,,,Noord-Holland",
            "0518,GM0518,,,,Zuid-Holland",
            "0599,GM0599,Rotterdam,,,Holland",
            "0344,GM0344,Utrecht,,,Utrecht",
            "0344,GM0344,Utrecht,,,Utrecht",
            ",,Delft,,,Zuid-Holland",
        ),
        [
            "Regel 2: 'GM12AB' is geen gemeentecode.",
            "Regel 3: de gemeentenaam ontbreekt.",
            "Regel 4: 'Holland' is geen provincie.",
            "Regel 6: gemeentecode GM0344 staat ook op regel 5.",
            "Regel 7: de gemeentecode ontbreekt.",
        ],
    ),
}


@pytest.mark.parametrize(
    ("inhoud", "verwacht"), ONGELDIGE_BESTANDEN.values(), ids=ONGELDIGE_BESTANDEN.keys()
)
def test_a_malformed_file_is_refused_with_every_problem(db, inhoud, verwacht):
    importeer(LIJST_2018, 2018)
    voor = registerinhoud()

    with pytest.raises(CbsFout) as fout:
        importeer_cbs_lijst(inhoud, bestandsnaam="gemeenten-2019-01-01.csv", door="test")

    assert len(fout.value.teksten) == len(verwacht)
    for melding, tekst in zip(fout.value.teksten, verwacht, strict=True):
        assert tekst in melding
    assert registerinhoud() == voor


def test_every_problem_of_a_long_list_is_reported(app):
    regels = [f"{n},GM{n:04d},Gemeente {n},,,Holland" for n in range(1, 1201)]
    regels[0] = "0001,,,,,"  # three problems on one line

    with pytest.raises(CbsFout) as fout:
        cbs.lees(_regels(*regels))

    teksten = fout.value.teksten
    assert len(teksten) == 3 + 1199
    assert teksten[:4] == [
        "Regel 2: de gemeentecode ontbreekt.",
        "Regel 2: de gemeentenaam ontbreekt.",
        "Regel 2: '' is geen provincie.",
        "Regel 3: 'Holland' is geen provincie.",
    ]
    assert teksten[-1] == "Regel 1201: 'Holland' is geen provincie."


def test_a_malformed_file_changes_nothing_in_an_empty_register(db):
    with pytest.raises(CbsFout):
        importeer_cbs_lijst(
            _regels("0363,GM0363,Amsterdam,,,Holland"),
            bestandsnaam="gemeenten-2019-01-01.csv",
            door="test",
        )

    assert registerinhoud() == {"gemeenten": [], "mutaties": 0, "imports": 0, "deelnames": 0}


@pytest.mark.parametrize(
    ("opvolgers", "verwacht"),
    [
        ({"GM9999": "GM1959"}, ["Opvolger: GM9999 staat niet in het register."]),
        ({"GM0363": "GM1959"}, ["Opvolger: GM0363 staat nog in de lijst en eindigt dus niet."]),
        ({"GM0738": "GM0140"}, ["Opvolger: GM0140 staat niet in deze lijst."]),
        ({"GM0738": "GM4242"}, ["Opvolger: GM4242 staat niet in deze lijst."]),
        (
            {"GM0738": "GM0738"},
            [
                "Opvolger: GM0738 staat niet in deze lijst.",
                "Opvolger: GM0738 kan niet zijn eigen opvolger zijn.",
            ],
        ),
    ],
    ids=["unknown code", "code not ending", "successor ends too", "successor unknown", "itself"],
)
def test_an_invalid_successor_mapping_is_refused(db, opvolgers, verwacht):
    importeer(LIJST_2018, 2018)
    voor = registerinhoud()

    with pytest.raises(CbsFout) as fout:
        importeer(LIJST_2019, 2019, opvolgers)

    assert fout.value.teksten == verwacht
    assert registerinhoud() == voor
    assert op_code("GM1959") is None


# --- Other spellings of the same list ---------------------------------------------------


def test_semicolon_separated_csv(db):
    importeer_cbs_lijst(
        cbs_csv(LIJST_2018, scheiding=";"), bestandsnaam="gemeenten-2018-01-01.csv", door="test"
    )

    assert aantal(Gemeente) == 7
    assert gemeente("GM0518").naam == "'s-Gravenhage"


def test_cp1252_csv_and_frisian_province_name(db):
    inhoud = cbs_csv([("GM1900", "Súdwest-Fryslân", "Fryslân")], codering="cp1252")
    with pytest.raises(UnicodeDecodeError):
        inhoud.decode("utf-8")  # the test is only worth something when this holds

    importeer_cbs_lijst(inhoud, bestandsnaam="gemeenten-2019-01-01.csv", door="test")

    sudwest = gemeente("GM1900")
    assert (sudwest.naam, sudwest.provincie) == ("Súdwest-Fryslân", "Friesland")


def test_utf8_csv_with_byte_order_mark(db):
    inhoud = cbs_csv(LIJST_2018, codering="utf-8-sig")
    assert inhoud.startswith(b"\xef\xbb\xbf")

    importeer_cbs_lijst(inhoud, bestandsnaam="gemeenten-2018-01-01.csv", door="test")

    assert aantal(Gemeente) == 7


def test_xlsx_in_cbs_header_style(db):
    inhoud = xlsx(
        [
            ("Gemeentecode", "GemeentecodeGM", "Gemeentenaam", "Provinciecode", "Provincienaam"),
            (363, "GM0363", "Amsterdam", 27, "Noord-Holland"),
            (1900, "GM1900", "Súdwest-Fryslân", 21, "Fryslân"),
        ]
    )

    verslag = importeer_cbs_lijst(inhoud, bestandsnaam="gemeenten-2019-01-01.xlsx", door="test")

    assert verslag.toegevoegd == ["GM0363 Amsterdam", "GM1900 Súdwest-Fryslân"]
    assert gemeente("GM1900").provincie == "Friesland"


def test_xlsx_with_numeric_gemeentecode_only():
    # Excel drops the leading zeros: 0363 is stored as the number 363.
    inhoud = xlsx(
        [
            ("Gemeentecode", "Gemeentenaam", "Provincienaam"),
            (363, "Amsterdam", "Noord-Holland"),
            (14, "Groningen", "Groningen"),
            (1959, "Altena", "Noord-Brabant"),
        ]
    )

    assert cbs.lees(inhoud) == [
        CbsRegel(2, "GM0363", "Amsterdam", "Noord-Holland"),
        CbsRegel(3, "GM0014", "Groningen", "Groningen"),
        CbsRegel(4, "GM1959", "Altena", "Noord-Brabant"),
    ]


def test_xlsx_errors_name_the_row():
    inhoud = xlsx(
        [
            ("GemeentecodeGM", "Gemeentenaam", "Provincienaam"),
            ("GM0363", "Amsterdam", "Noord-Holland"),
            (12345, "Nergens", "Atlantis"),
        ]
    )

    with pytest.raises(CbsFout) as fout:
        cbs.lees(inhoud)

    assert fout.value.teksten == [
        "Regel 3: '12345' is geen gemeentecode.",
        "Regel 3: 'Atlantis' is geen provincie.",
    ]


# --- The real lists, where they are present ---------------------------------------------


def test_real_lists_2015_and_2025(db, shared_data):
    eerste = importeer_cbs_lijst(
        (shared_data / "gemeenten-2015-01-01.csv").read_bytes(),
        bestandsnaam="gemeenten-2015-01-01.csv",
        door="test",
    )
    db.session.commit()
    assert len(eerste.toegevoegd) == 393
    assert aantal(Gemeente) == 393

    tweede = importeer_cbs_lijst(
        (shared_data / "gemeenten-2025-01-01.csv").read_bytes(),
        bestandsnaam="gemeenten-2025-01-01.csv",
        door="test",
        opvolgers={"GM0738": "GM1959"},
    )
    db.session.commit()

    actief = db.session.execute(select(Gemeente).where(Gemeente.actief)).scalars().all()
    assert len(actief) == 342
    assert aantal(Gemeente) == 393 + len(tweede.toegevoegd)
    assert len(tweede.beeindigd) == 393 - (342 - len(tweede.toegevoegd))

    aalburg, altena = gemeente("GM0738"), gemeente("GM1959")
    assert aalburg.geldig_tot == date(2024, 12, 31)
    assert aalburg.opvolger is altena
    assert aalburg.rechtsopvolger() is altena
    assert altena.geldig_van == date(2025, 1, 1)
    assert "GM0738" not in tweede.zonder_opvolger
    assert "GM0870" in tweede.zonder_opvolger  # Werkendam: no successor given
    assert (
        db.session.execute(
            select(GemeenteMutatie).where(
                GemeenteMutatie.gemeente == aalburg, GemeenteMutatie.soort == MutatieSoort.OPVOLGER
            )
        )
        .scalar_one()
        .nieuw
        == "GM1959"
    )


def test_a_new_municipality_keeps_the_name_people_use_beside_cbss(db):
    importeer(LIJST_2018, 2018)

    den_haag = db.session.execute(
        select(Gemeente).where(Gemeente.cbs_code == "GM0518")
    ).scalar_one()
    assert (den_haag.naam, den_haag.roepnaam) == ("'s-Gravenhage", "Den Haag")
