"""The national response: actions on themes and single needs, their rules, the audit trail."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from gemeenten.inventarisatie import acties
from gemeenten.inventarisatie.acties import ActieFout, Conflict
from gemeenten.inventarisatie.models import Actie, ActieStatus, Organisatie
from kern.audit import historie
from kern.db import db
from tests.inventarisatie.factories import (
    VANDAAG,
    actiegegevens,
    inventarisatie_met_themas,
    maak_actie,
    maak_antwoord,
    maak_deelnemer,
    thema,
)

THEMAS = (("Kennisopbouw", "Kennis"), ("Lokale behoeften", "Netwerk sleutelfiguren"))


@pytest.fixture
def quickscan(amsterdam, rotterdam):
    inventarisatie = inventarisatie_met_themas(THEMAS)
    for gemeente in (amsterdam, rotterdam):
        maak_deelnemer(inventarisatie, gemeente, date(2015, 11, 1))
    return inventarisatie


def _aantal_acties() -> int:
    return db.session.execute(select(func.count(Actie.id))).scalar_one()


def test_an_action_covers_a_theme_and_single_needs_and_is_audited(quickscan, amsterdam, rotterdam):
    kennis, netwerk = thema(quickscan, "Kennis"), thema(quickscan, "Netwerk sleutelfiguren")
    behoefte_a = maak_antwoord(netwerk, amsterdam, prioriteit=5)
    behoefte_r = maak_antwoord(netwerk, rotterdam, prioriteit=3)

    actie = maak_actie(quickscan, themas=[kennis], behoeften=[behoefte_r, behoefte_a])

    assert actie.themas == [kennis]
    assert actie.behoeften == [behoefte_a, behoefte_r]
    assert actie.uitvoerder == "ROR"
    (regel,) = historie("inventarisatieactie", actie.id)
    assert regel.actie == "aangemaakt"
    assert regel.wijzigingen["themas"] == [[], ["Kennis"]]
    assert regel.wijzigingen["behoeften"] == [
        [],
        ["Amsterdam: Netwerk sleutelfiguren", "Rotterdam: Netwerk sleutelfiguren"],
    ]
    assert regel.wijzigingen["organisatie"] == [None, "ror"]


def test_a_need_can_be_covered_by_several_actions(quickscan, amsterdam):
    behoefte = maak_antwoord(thema(quickscan, "Kennis"), amsterdam, prioriteit=4)

    eerste = maak_actie(quickscan, behoeften=[behoefte])
    tweede = maak_actie(quickscan, behoeften=[behoefte], organisatie=Organisatie.NCTV)

    assert {a.id for a in behoefte.acties} == {eerste.id, tweede.id}


def test_another_organisation_must_be_named(quickscan):
    gegevens = actiegegevens(organisatie=Organisatie.ANDERS, themas=[thema(quickscan, "Kennis")])

    with pytest.raises(ActieFout, match="Noem de organisatie") as fout:
        acties.leg_vast(quickscan, gegevens, vandaag=VANDAAG, door="test")

    assert fout.value.veld == "organisatie_anders"
    assert _aantal_acties() == 0


def test_the_name_of_another_organisation_is_kept_only_for_anders(quickscan):
    kennis = thema(quickscan, "Kennis")

    anders = maak_actie(
        quickscan, themas=[kennis], organisatie=Organisatie.ANDERS, organisatie_anders=" VNG "
    )
    nctv = maak_actie(
        quickscan, themas=[kennis], organisatie=Organisatie.NCTV, organisatie_anders="VNG"
    )

    assert (anders.uitvoerder, anders.organisatie_anders) == ("VNG", "VNG")
    assert (nctv.uitvoerder, nctv.organisatie_anders) == ("NCTV", None)


def test_an_action_answers_at_least_one_theme_or_need(quickscan):
    with pytest.raises(ActieFout, match="minstens één thema of één behoefte"):
        acties.leg_vast(quickscan, actiegegevens(), vandaag=VANDAAG, door="test")
    assert _aantal_acties() == 0


def test_a_running_or_finished_action_has_no_date_in_the_future(quickscan):
    kennis = thema(quickscan, "Kennis")
    morgen = date(2016, 6, 2)

    for status in (ActieStatus.LOPEND, ActieStatus.AFGEROND):
        gegevens = actiegegevens(status=status, datum=morgen, themas=[kennis])
        with pytest.raises(ActieFout, match="kies een datum tot en met vandaag") as fout:
            acties.leg_vast(quickscan, gegevens, vandaag=VANDAAG, door="test")
        assert fout.value.veld == "datum"

    gepland = maak_actie(quickscan, themas=[kennis], status=ActieStatus.GEPLAND, datum=morgen)
    assert gepland.datum == morgen


def test_themes_and_needs_of_another_inventory_or_without_a_need_are_refused(quickscan, amsterdam):
    later = inventarisatie_met_themas(THEMAS, "Inventarisatie 2017", date(2017, 3, 1))
    maak_deelnemer(later, amsterdam)
    andere_behoefte = maak_antwoord(thema(later, "Kennis"), amsterdam, prioriteit=2)
    geen_behoefte = maak_antwoord(thema(quickscan, "Kennis"), amsterdam, False, None)

    gevallen = [
        (actiegegevens(themas=[thema(later, "Kennis")]), "themas"),
        (actiegegevens(behoeften=[andere_behoefte]), "behoeften"),
        (actiegegevens(behoeften=[geen_behoefte]), "behoeften"),
        (
            acties.ActieGegevens("x", Organisatie.SZW, None, ActieStatus.GEPLAND, VANDAAG, [0]),
            "themas",
        ),
    ]
    for gegevens, veld in gevallen:
        with pytest.raises(ActieFout) as fout:
            acties.leg_vast(quickscan, gegevens, vandaag=VANDAAG, door="test")
        assert fout.value.veld == veld
    assert _aantal_acties() == 0


def test_changing_an_action_needs_its_current_version_and_is_audited(quickscan, amsterdam):
    kennis, netwerk = thema(quickscan, "Kennis"), thema(quickscan, "Netwerk sleutelfiguren")
    actie = maak_actie(quickscan, themas=[kennis])
    versie = actie.versie

    acties.wijzig(
        actie,
        actiegegevens(status=ActieStatus.AFGEROND, datum=date(2016, 5, 1), themas=[netwerk]),
        versie=versie,
        vandaag=VANDAAG,
    )
    with pytest.raises(Conflict):
        acties.wijzig(actie, actiegegevens(themas=[kennis]), versie=versie, vandaag=VANDAAG)

    assert (actie.status, actie.themas) == (ActieStatus.AFGEROND, [netwerk])
    gewijzigd = historie("inventarisatieactie", actie.id)[-1]
    assert gewijzigd.wijzigingen["themas"] == [["Kennis"], ["Netwerk sleutelfiguren"]]
    assert gewijzigd.wijzigingen["status"] == ["lopend", "afgerond"]


def test_removing_an_action_keeps_the_need_and_the_trail(quickscan, amsterdam):
    behoefte = maak_antwoord(thema(quickscan, "Kennis"), amsterdam, prioriteit=1)
    actie = maak_actie(quickscan, behoeften=[behoefte])
    actie_id = actie.id

    acties.verwijder(actie, versie=actie.versie)

    assert _aantal_acties() == 0
    assert behoefte.acties == []
    assert [r.actie for r in historie("inventarisatieactie", actie_id)] == [
        "aangemaakt",
        "verwijderd",
    ]
