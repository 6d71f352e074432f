"""One case, one verdict: the grant rules give the same answer through the web form, the
return upload and the historical import (`subsidies.regels` is their one home)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kern.uploads import UploadStatus
from subsidies import bulkimport
from tests.subsidies.test_bulkimport import werkmap
from tests.subsidies.test_excel_upload import (
    KENNIS,
    PERSOON,
    VROEG,
    amsterdam,  # noqa: F401 (fixture)
    ingevuld,
    klerk,  # noqa: F401 (fixture)
    laatste_upload,
    stuur,
)
from tests.subsidies.test_verantwoordingen import formulier, indienen_url


@dataclass(frozen=True)
class Geval:
    """Kennisbevordering's spending in 2015 and cumulative, as a cell holds them and as typed."""

    in_jaar: object
    cumulatief: object
    melding: str | None  # the core of the refusal; None: accepted
    getypt: tuple[str, str] | None = None  # what a user types in the web form, if not the cell
    overige: object = 0  # the other purposes' cumulative (and spending in the year)


GROOT = 999_999_999_999.99

GEVALLEN = {
    "cumulative below the year": Geval(
        500,
        400,
        "umulatieve bedrag (€ 400,00) is kleiner dan het bedrag in 2015 (€ 500,00).",
    ),
    "three decimals": Geval("12,345", "20", "heeft meer dan twee decimalen."),
    "float noise": Geval(0.1 + 0.2, 1, None, getypt=("0,30", "1")),
    "total above the maximum": Geval(
        GROOT,
        GROOT,
        "De totale besteding is groter dan het hoogst mogelijke bedrag.",
        getypt=("999.999.999.999,99", "999.999.999.999,99"),
        overige=GROOT,
    ),
}


def _tekst(waarde: object) -> str:
    return str(waarde).replace("\xa0", " ")


def via_formulier(client, beschikking, geval: Geval) -> str | None:
    in_jaar, cumulatief = geval.getypt or (str(geval.in_jaar), str(geval.cumulatief))
    overige = "999.999.999.999,99" if geval.overige else "0"
    bedragen = {
        "kennisbevordering": (in_jaar, cumulatief),
        "vroegsignalering": (overige, overige),
        "persoonsgerichte_aanpak": ("0", "0"),
    }
    antwoord = client.post(indienen_url(beschikking), data=formulier(beschikking, bedragen))
    if antwoord.status_code == 302:
        return None
    assert antwoord.status_code == 400
    return _tekst(antwoord.get_data(as_text=True))


def via_upload(client, beschikking, geval: Geval) -> str | None:
    bedragen = {
        KENNIS: (geval.in_jaar, geval.cumulatief),
        VROEG: (geval.overige, geval.overige),
        PERSOON: (0, 0),
    }
    stuur(client, beschikking, ingevuld(client, beschikking, bedragen))
    upload = laatste_upload()
    if upload.status is not UploadStatus.GEWEIGERD:
        return None
    return " ".join(_tekst(m) for m in upload.fouten)


def via_import(client, beschikking, geval: Geval) -> str | None:
    regel = ["besteding", "GM0363", "Amsterdam", 2015]
    inhoud = werkmap(
        [*regel, "kennisbevordering", geval.in_jaar, geval.cumulatief],
        [*regel, "vroegsignalering", geval.overige, geval.overige],
        [*regel, "persoonsgerichte_aanpak", 0, 0],
    )
    upload, _ = bulkimport.ontvang(
        beschikking.regeling_jaar.regeling, inhoud, bestandsnaam="historie.xlsx", door="test"
    )
    if upload.status is not UploadStatus.GEWEIGERD:
        return None
    return " ".join(_tekst(m) for m in upload.fouten)


KANALEN = {"web form": via_formulier, "return upload": via_upload, "historical import": via_import}


@pytest.mark.parametrize("kanaal", KANALEN)
@pytest.mark.parametrize("geval", GEVALLEN)
def test_the_same_case_gets_the_same_verdict_everywhere(klerk, amsterdam, geval, kanaal):  # noqa: F811
    verdict = KANALEN[kanaal](klerk, amsterdam, GEVALLEN[geval])

    melding = GEVALLEN[geval].melding
    if melding is None:
        assert verdict is None
    else:
        assert verdict is not None, "accepted, expected a refusal"
        assert melding in verdict
