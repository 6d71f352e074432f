"""``flask gemeenten importeer`` and ``flask gemeenten opvolger``."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gemeenten.models import CbsImport, GemeenteMutatie, MutatieSoort
from gemeenten.services import op_code
from tests.gemeenten.lijsten import aantal, cbs_csv, registerinhoud

LIJST_2018 = [
    ("GM0363", "Amsterdam", "Noord-Holland"),
    ("GM0738", "Aalburg", "Noord-Brabant"),
    ("GM0870", "Werkendam", "Noord-Brabant"),
    ("GM0140", "Littenseradiel", "Friesland"),
]
LIJST_2019 = [
    ("GM0363", "Amsterdam", "Noord-Holland"),
    ("GM1959", "Altena", "Noord-Brabant"),
]


@pytest.fixture
def bestand(tmp_path):
    def schrijf(naam: str, inhoud: bytes) -> str:
        pad = tmp_path / naam
        pad.write_bytes(inhoud)
        return str(pad)

    return schrijf


@pytest.fixture
def register_2018(runner, bestand) -> None:
    """The register after a successful import of the 2018 list."""
    resultaat = runner.invoke(
        args=["gemeenten", "importeer", bestand("gemeenten-2018-01-01.csv", cbs_csv(LIJST_2018))]
    )
    assert resultaat.exit_code == 0, resultaat.output


def test_importeer_reports_what_it_added(db, runner, bestand):
    pad = bestand("gemeenten-2018-01-01.csv", cbs_csv(LIJST_2018))

    resultaat = runner.invoke(args=["gemeenten", "importeer", pad, "--door", "beheer@rijk.nl"])

    assert resultaat.exit_code == 0, resultaat.output
    assert resultaat.stdout.splitlines()[:2] == ["Lijst van 01-01-2018 ingelezen.", "Toegevoegd: 4"]
    assert "  GM0738 Aalburg" in resultaat.stdout.splitlines()
    assert [op_code(code) is not None for code, _, _ in LIJST_2018] == [True] * 4
    assert db.session.execute(select(CbsImport.uitgevoerd_door)).scalar_one() == "beheer@rijk.nl"


def test_importeer_with_successor_and_without(db, runner, bestand, register_2018):
    pad = bestand("gemeenten-2019-01-01.csv", cbs_csv(LIJST_2019))

    resultaat = runner.invoke(args=["gemeenten", "importeer", pad, "--opvolger", "gm0738=GM1959"])

    assert resultaat.exit_code == 0, resultaat.output
    regels = resultaat.stdout.splitlines()
    assert "  GM0738 Aalburg → opgegaan in GM1959 Altena" in regels
    assert "  GM0870 Werkendam" in regels
    assert regels[-1] == (
        "Beëindigd zonder opvolger (geef die op met --opvolger OUD=NIEUW of "
        "'flask gemeenten opvolger'): GM0140, GM0870"
    )
    aalburg = op_code("GM0738")
    assert aalburg is not None
    assert aalburg.opvolger is op_code("GM1959")


def test_importeer_takes_peildatum_from_the_option(db, runner, bestand):
    pad = bestand("indeling.csv", cbs_csv(LIJST_2018))

    zonder = runner.invoke(args=["gemeenten", "importeer", pad])
    assert zonder.exit_code == 1
    assert "Geef de peildatum op" in zonder.stderr
    assert aantal(CbsImport) == 0

    met = runner.invoke(args=["gemeenten", "importeer", pad, "--peildatum", "2018-01-01"])
    assert met.exit_code == 0, met.output
    assert met.stdout.startswith("Lijst van 01-01-2018 ingelezen.")


def test_importeer_the_same_file_twice_says_nothing_changed(db, runner, bestand, register_2018):
    voor = registerinhoud()

    resultaat = runner.invoke(
        args=["gemeenten", "importeer", bestand("gemeenten-2018-01-01.csv", cbs_csv(LIJST_2018))]
    )

    assert resultaat.exit_code == 0, resultaat.output
    assert resultaat.stdout == "Lijst van 01-01-2018: niets gewijzigd.\n"
    assert registerinhoud() == voor


def test_importeer_refuses_a_malformed_file_and_changes_nothing(db, runner, bestand, register_2018):
    voor = registerinhoud()
    inhoud = (
        b"gemeentecode_gm,gemeentenaam,provincienaam\r\n"
        b"GM0363,Amsterdam,Noord-Holland\r\n"
        b"GM036,Aalburg,Noord-Brabant\r\n"
        b"GM1959,Altena,Brabant\r\n"
    )

    resultaat = runner.invoke(
        args=["gemeenten", "importeer", bestand("gemeenten-2019-01-01.csv", inhoud)]
    )

    assert resultaat.exit_code == 1
    assert resultaat.stdout == ""
    assert resultaat.stderr.splitlines() == [
        "gemeenten-2019-01-01.csv is niet ingelezen; er is niets gewijzigd:",
        "  Regel 3: 'GM036' is geen gemeentecode.",
        "  Regel 4: 'Brabant' is geen provincie.",
    ]
    assert registerinhoud() == voor


def test_importeer_refuses_an_invalid_successor_and_changes_nothing(
    db, runner, bestand, register_2018
):
    voor = registerinhoud()

    resultaat = runner.invoke(
        args=[
            "gemeenten",
            "importeer",
            bestand("gemeenten-2019-01-01.csv", cbs_csv(LIJST_2019)),
            "--opvolger",
            "GM0738=GM9999",
        ]
    )

    assert resultaat.exit_code == 1
    assert "  Opvolger: GM9999 staat niet in deze lijst." in resultaat.stderr.splitlines()
    assert registerinhoud() == voor


@pytest.mark.parametrize("opvolger", ["GM0738", "GM0738=", "=GM1959", " = "])
def test_importeer_refuses_bad_opvolger_syntax(db, runner, bestand, register_2018, opvolger):
    voor = registerinhoud()

    resultaat = runner.invoke(
        args=[
            "gemeenten",
            "importeer",
            bestand("gemeenten-2019-01-01.csv", cbs_csv(LIJST_2019)),
            "--opvolger",
            opvolger,
        ]
    )

    assert resultaat.exit_code == 2
    assert "schrijf OUD=NIEUW, bijvoorbeeld GM0738=GM1959." in resultaat.stderr
    assert registerinhoud() == voor


def test_importeer_refuses_a_missing_file(db, runner, tmp_path):
    resultaat = runner.invoke(args=["gemeenten", "importeer", str(tmp_path / "weg.csv")])

    assert resultaat.exit_code == 2
    assert aantal(CbsImport) == 0


@pytest.fixture
def register_2019_zonder_opvolgers(runner, bestand, register_2018) -> None:
    resultaat = runner.invoke(
        args=["gemeenten", "importeer", bestand("gemeenten-2019-01-01.csv", cbs_csv(LIJST_2019))]
    )
    assert resultaat.exit_code == 0, resultaat.output


def test_opvolger_records_a_merger_after_the_fact(db, runner, register_2019_zonder_opvolgers):
    resultaat = runner.invoke(args=["gemeenten", "opvolger", "gm0738", "GM1959", "--door", "ik"])

    assert resultaat.exit_code == 0, resultaat.output
    assert resultaat.stdout == "GM0738 Aalburg is opgegaan in GM1959 Altena.\n"
    aalburg, altena = op_code("GM0738"), op_code("GM1959")
    assert aalburg is not None
    assert altena is not None
    assert aalburg.opvolger is altena
    assert altena.voorgangers == [aalburg]
    mutatie = db.session.execute(
        select(GemeenteMutatie).where(GemeenteMutatie.soort == MutatieSoort.OPVOLGER)
    ).scalar_one()
    assert (mutatie.gemeente, mutatie.oud, mutatie.nieuw, mutatie.uitgevoerd_door) == (
        aalburg,
        None,
        "GM1959",
        "ik",
    )
    assert mutatie.cbs_import is None  # by hand, not by an import


@pytest.mark.parametrize(
    ("oud", "nieuw", "melding"),
    [
        ("GM9999", "GM1959", "Onbekende gemeentecode: GM9999."),
        ("GM0738", "GM9999", "Onbekende gemeentecode: GM9999."),
        (
            "GM0363",
            "GM1959",
            "GM0363 bestaat nog; alleen een beëindigde gemeente heeft een opvolger.",
        ),
        ("GM0738", "GM0738", "GM0738 kan geen opvolger van GM0738 zijn."),
    ],
    ids=["unknown old code", "unknown new code", "still exists", "itself"],
)
def test_opvolger_refuses(db, runner, register_2019_zonder_opvolgers, oud, nieuw, melding):
    voor = registerinhoud()

    resultaat = runner.invoke(args=["gemeenten", "opvolger", oud, nieuw])

    assert resultaat.exit_code == 1
    assert resultaat.stderr == f"Error: {melding}\n"
    assert registerinhoud() == voor


def test_opvolger_refuses_a_cycle(db, runner, register_2019_zonder_opvolgers):
    assert runner.invoke(args=["gemeenten", "opvolger", "GM0738", "GM0870"]).exit_code == 0
    voor = registerinhoud()

    resultaat = runner.invoke(args=["gemeenten", "opvolger", "GM0870", "GM0738"])

    assert resultaat.exit_code == 1
    assert "GM0738 kan geen opvolger van GM0870 zijn." in resultaat.stderr
    assert registerinhoud() == voor
