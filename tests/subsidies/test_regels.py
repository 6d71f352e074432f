"""One case, one verdict: the grant rules give the same answer through the web form, the
return upload and the historical import (`subsidies.regels` is their one home). The spending
rules go through all three; the ceiling, a matter of decisions, through the decision form and
the historical import."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from kern.uploads import UploadStatus
from subsidies.models import Beschikking
from tests.gemeenten.factories import maak_gemeente
from tests.subsidies.factories import maak_beschikking
from tests.subsidies.test_excel_upload import (
    KENNIS,
    PERSOON,
    VROEG,
    ingevuld,
    laatste_upload,
    stuur,
)
from tests.subsidies.test_historische_import import controleer, met_spaties, werkmap
from tests.subsidies.test_verantwoordingen import formulier, indienen_url


@dataclass(frozen=True)
class Uitkomst:
    """What a channel answered: refused or not, and every message it gave (errors or
    warnings), as one text."""

    geweigerd: bool
    tekst: str


@dataclass(frozen=True)
class Geval:
    """Kennisbevordering's spending in 2015 and cumulative, as a cell holds them and as typed."""

    in_jaar: object
    cumulatief: object
    melding: str | None  # the core of the refusal; None: accepted
    waarschuwing: str | None = None  # the core of a warning on an accepted case
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
    # Amsterdam's decision grants € 920.000,00.
    "spent above the grant": Geval(
        900_000,
        910_000,
        None,
        waarschuwing="(€ 930.000,00) is hoger dan het toegekende bedrag (€ 920.000,00).",
        overige=20_000,
    ),
    "spent exactly the grant": Geval(900_000, 900_000, None, overige=10_000),
}


def _pagina(client, antwoord) -> Uitkomst:
    """A form's answer: a redirect (accepted) is followed to read what it flashed."""
    if antwoord.status_code == 302:
        volgende = client.get(antwoord.headers["Location"])
        return Uitkomst(False, met_spaties(volgende.text))
    assert antwoord.status_code == 400
    return Uitkomst(True, met_spaties(antwoord.text))


def _upload(upload) -> Uitkomst:
    return Uitkomst(
        upload.status is UploadStatus.GEWEIGERD,
        " ".join(met_spaties(m) for m in upload.alle_meldingen),
    )


def via_formulier(client, beschikking, geval: Geval) -> Uitkomst:
    in_jaar, cumulatief = geval.getypt or (str(geval.in_jaar), str(geval.cumulatief))
    overige = "999.999.999.999,99" if geval.overige == GROOT else str(geval.overige)
    bedragen = {
        "kennisbevordering": (in_jaar, cumulatief),
        "vroegsignalering": (overige, overige),
        "persoonsgerichte_aanpak": ("0", "0"),
    }
    return _pagina(
        client, client.post(indienen_url(beschikking), data=formulier(beschikking, bedragen))
    )


def via_upload(client, beschikking, geval: Geval) -> Uitkomst:
    bedragen = {
        KENNIS: (geval.in_jaar, geval.cumulatief),
        VROEG: (geval.overige, geval.overige),
        PERSOON: (0, 0),
    }
    stuur(client, beschikking, ingevuld(client, beschikking, bedragen))
    return _upload(laatste_upload())


def via_import(client, beschikking, geval: Geval) -> Uitkomst:
    regel = ["besteding", "GM0363", "Amsterdam", 2015]
    inhoud = werkmap(
        [*regel, "kennisbevordering", geval.in_jaar, geval.cumulatief],
        [*regel, "vroegsignalering", geval.overige, geval.overige],
        [*regel, "persoonsgerichte_aanpak", 0, 0],
    )
    return _upload(controleer(beschikking.regeling_jaar.regeling, inhoud))


KANALEN = {"web form": via_formulier, "return upload": via_upload, "historical import": via_import}


def _oordeel(uitkomst: Uitkomst, melding: str | None, waarschuwing: str | None) -> None:
    if melding is None:
        assert not uitkomst.geweigerd, uitkomst.tekst
    else:
        assert uitkomst.geweigerd, "accepted, expected a refusal"
        assert melding in uitkomst.tekst
    if waarschuwing is None:
        assert "is hoger dan het toegekende bedrag" not in uitkomst.tekst
    else:
        assert waarschuwing in uitkomst.tekst


@pytest.mark.parametrize("kanaal", KANALEN)
@pytest.mark.parametrize("geval", GEVALLEN)
def test_the_same_case_gets_the_same_verdict_everywhere(klerk, beschikking_920000, geval, kanaal):
    uitkomst = KANALEN[kanaal](klerk, beschikking_920000, GEVALLEN[geval])

    _oordeel(uitkomst, GEVALLEN[geval].melding, GEVALLEN[geval].waarschuwing)


# --- The ceiling ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Toekenning:
    """A new grant to Rotterdam in 2015, in a scheme whose ceiling (€ 5.000.000,00) already
    holds Amsterdam's € 920.000,00: € 4.080.000,00 is left."""

    bedrag: object  # as the cell holds it
    getypt: str  # as typed in the decision form
    melding: str | None
    concept: Decimal | None = None  # a draft for Utrecht in the same year


PLAFOND = {
    "exactly the room left": Toekenning(4_080_000, "4.080.000", None),
    "a cent above": Toekenning(
        4_080_000.01,
        "4.080.000,01",
        "Dit overschrijdt het plafond van € 5.000.000,00 voor 2015 met € 0,01.",
    ),
    "a draft reserves nothing": Toekenning(
        4_080_000, "4.080.000", None, concept=Decimal("500000.00")
    ),
    "above the ceiling beside a draft": Toekenning(
        4_080_000.5,
        "4.080.000,50",
        "Dit overschrijdt het plafond van € 5.000.000,00 voor 2015 met € 0,50.",
        concept=Decimal("500000.00"),
    ),
}


def toekenning_via_formulier(client, beschikking: Beschikking, geval: Toekenning) -> Uitkomst:
    rotterdam = maak_gemeente("GM0599", "Rotterdam", "Zuid-Holland")
    antwoord = client.post(
        f"/versterkingsgelden/jaren/{beschikking.regeling_jaar.id}/beschikkingen/nieuw",
        data={"gemeente_id": str(rotterdam.id), "bedrag": geval.getypt},
    )
    return _pagina(client, antwoord)


def toekenning_via_import(client, beschikking: Beschikking, geval: Toekenning) -> Uitkomst:
    maak_gemeente("GM0599", "Rotterdam", "Zuid-Holland")
    inhoud = werkmap(["toekenning", "GM0599", "Rotterdam", 2015, "kennisbevordering", geval.bedrag])
    return _upload(controleer(beschikking.regeling_jaar.regeling, inhoud))


PLAFOND_KANALEN = {
    "decision form": toekenning_via_formulier,
    "historical import": toekenning_via_import,
}


@pytest.mark.parametrize("kanaal", PLAFOND_KANALEN)
@pytest.mark.parametrize("geval", PLAFOND)
def test_the_same_grant_gets_the_same_ceiling_verdict_everywhere(
    officier,
    beschikking_920000,
    geval,
    kanaal,
):
    toekenning = PLAFOND[geval]
    if toekenning.concept is not None:
        utrecht = maak_gemeente("GM0344", "Utrecht", "Utrecht")
        maak_beschikking(
            utrecht, beschikking_920000.regeling_jaar.regeling, toekenning.concept, beschikt=False
        )

    uitkomst = PLAFOND_KANALEN[kanaal](officier, beschikking_920000, toekenning)

    _oordeel(uitkomst, toekenning.melding, None)
