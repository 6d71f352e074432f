"""The needs inventory's services: what they refuse (in Dutch, naming the field) and what they
leave in the database and the audit trail."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from gemeenten.inventarisatie import services
from gemeenten.inventarisatie.models import Antwoord, Deelnemer
from gemeenten.inventarisatie.services import (
    AntwoordRegel,
    Conflict,
    InventarisatieFout,
    InventarisatieGegevens,
    RegelFout,
    ThemaGegevens,
)
from kern.audit import AuditRegel
from kern.db import db
from tests.gemeenten.factories import maak_gemeente
from tests.inventarisatie.factories import (
    maak_antwoord,
    maak_deel,
    maak_deelnemer,
    maak_inventarisatie,
    maak_thema,
)

OKTOBER = date(2015, 10, 12)


def audit(soort: str) -> list[AuditRegel]:
    return list(
        db.session.execute(
            select(AuditRegel).where(AuditRegel.soort == soort).order_by(AuditRegel.id)
        ).scalars()
    )


@pytest.fixture
def quickscan(amsterdam):
    inventarisatie = maak_inventarisatie()
    kennis = maak_thema(maak_deel(inventarisatie, "Kennisopbouw"), "Kennis")
    training = maak_thema(kennis.deel, "Training")
    deelnemer = maak_deelnemer(inventarisatie, amsterdam)
    return inventarisatie, kennis, training, deelnemer


# --- Inventories ----------------------------------------------------------------------------


def test_an_inventory_is_made_with_its_kamerstuk_and_audited(db):
    inventarisatie = services.maak_inventarisatie(
        InventarisatieGegevens(" Quickscan 2015 ", OKTOBER, "29 754, nr. 323"), door="beleid@x"
    )

    assert (inventarisatie.naam, inventarisatie.kamerstuk) == ("Quickscan 2015", "29 754, nr. 323")
    assert inventarisatie.open_voor_gemeenten is False
    [regel] = audit("inventarisatie")
    assert regel.actie == "aangemaakt"
    assert regel.wijzigingen["naam"] == [None, "Quickscan 2015"]


@pytest.mark.parametrize(
    ("gegevens", "veld", "melding"),
    [
        (InventarisatieGegevens("  ", OKTOBER), "naam", "Geef de inventarisatie een naam."),
        (InventarisatieGegevens("Q", None), "datum", "Vul de datum van de inventarisatie in."),
        (InventarisatieGegevens("Q", OKTOBER, "nr 323"), "kamerstuk", "zoals 29 754, nr. 323"),
        (
            InventarisatieGegevens("Q", OKTOBER, uiterlijk=date(2015, 1, 1)),
            "uiterlijk",
            "niet vóór de datum",
        ),
        (InventarisatieGegevens("Quickscan 2015", OKTOBER), "naam", "al een inventarisatie"),
    ],
)
def test_an_inventory_needs_a_name_a_date_and_a_proper_kamerstuk(db, gegevens, veld, melding):
    maak_inventarisatie("Quickscan 2015")

    with pytest.raises(InventarisatieFout) as fout:
        services.maak_inventarisatie(gegevens, door="beleid@x")

    assert fout.value.veld == veld
    assert melding in str(fout.value)


def test_a_stale_edit_is_refused(db):
    inventarisatie = maak_inventarisatie()

    with pytest.raises(Conflict):
        services.wijzig_inventarisatie(
            inventarisatie, InventarisatieGegevens("Nieuw", OKTOBER), versie=0
        )
    assert inventarisatie.naam == "Quickscan 2015"


def test_opening_needs_themes_and_a_due_date_and_is_audited(quickscan):
    inventarisatie, *_ = quickscan
    leeg = maak_inventarisatie("Leeg", uiterlijk=date(2015, 12, 1))

    with pytest.raises(InventarisatieFout, match="zonder thema's"):
        services.stel_open(leeg, True, versie=leeg.versie)
    with pytest.raises(InventarisatieFout, match="uiterste datum"):
        services.stel_open(inventarisatie, True, versie=inventarisatie.versie)
    inventarisatie.uiterlijk = date(2015, 12, 1)
    services.stel_open(inventarisatie, True, versie=inventarisatie.versie)

    assert inventarisatie.open_voor_gemeenten is True
    assert audit("inventarisatie")[-1].wijzigingen["open_voor_gemeenten"] == [False, True]
    with pytest.raises(InventarisatieFout, match="al open"):
        services.stel_open(inventarisatie, True, versie=inventarisatie.versie)


# --- Parts and themes -----------------------------------------------------------------------


def test_parts_and_themes_are_added_in_order_and_names_stay_unique(quickscan):
    inventarisatie, kennis, training, _ = quickscan
    lokaal = services.voeg_deel_toe(inventarisatie, "Lokale behoeften")
    netwerk = services.voeg_thema_toe(
        inventarisatie, ThemaGegevens(lokaal, "Netwerk sleutelfiguren", "Contacten in de wijk")
    )

    assert inventarisatie.themas == [kennis, training, netwerk]
    assert (lokaal.volgorde, netwerk.volgorde) == (2, 1)
    with pytest.raises(InventarisatieFout) as fout:
        services.voeg_thema_toe(inventarisatie, ThemaGegevens(lokaal, "Kennis"))
    assert fout.value.veld == "naam"
    with pytest.raises(InventarisatieFout, match="al een deel"):
        services.voeg_deel_toe(inventarisatie, "Kennisopbouw")
    assert {r.actie for r in audit("thema")} == {"aangemaakt"}
    assert len(audit("inventarisatiedeel")) == 2


def test_a_theme_moves_to_another_part_but_not_to_another_inventory(quickscan):
    inventarisatie, kennis, training, _ = quickscan
    lokaal = maak_deel(inventarisatie, "Lokale behoeften")
    elders = maak_deel(maak_inventarisatie("Later"), "Problematiek")

    services.wijzig_thema(training, ThemaGegevens(lokaal, "Training"), versie=training.versie)

    assert training.deel is lokaal
    assert inventarisatie.themas == [kennis, training]
    with pytest.raises(InventarisatieFout) as fout:
        services.wijzig_thema(kennis, ThemaGegevens(elders, "Kennis"), versie=kennis.versie)
    assert fout.value.veld == "deel_id"
    assert kennis.deel.naam == "Kennisopbouw"


def test_a_theme_with_answers_is_not_removed(amsterdam, quickscan):
    inventarisatie, kennis, training, _ = quickscan
    maak_antwoord(kennis, amsterdam)

    with pytest.raises(InventarisatieFout, match="heeft antwoorden"):
        services.verwijder_thema(kennis, versie=kennis.versie)
    services.verwijder_thema(training, versie=training.versie)

    assert inventarisatie.themas == [kennis]
    assert audit("thema")[-1].actie == "verwijderd"


# --- Invitations ----------------------------------------------------------------------------


def test_municipalities_are_invited_once_and_only_when_they_existed(amsterdam, rotterdam):
    inventarisatie = maak_inventarisatie()
    opgeheven = maak_gemeente("GM0001", "Opgeheven", "Groningen")
    opgeheven.geldig_tot = date(2014, 12, 31)
    maak_deelnemer(inventarisatie, amsterdam)

    aangeboden = db.session.execute(services.uit_te_nodigen(inventarisatie)).scalars().all()
    assert aangeboden == [rotterdam]
    for ids in ([amsterdam.id], [opgeheven.id], [rotterdam.id, 10_000]):
        with pytest.raises(InventarisatieFout) as fout:
            services.nodig_uit(inventarisatie, ids, date(2015, 6, 1))
        assert fout.value.veld == "gemeente_ids"
    [nieuw] = services.nodig_uit(inventarisatie, [rotterdam.id], date(2015, 6, 1))

    assert (nieuw.gemeente, nieuw.uitgenodigd_op, nieuw.beantwoord_op) == (
        rotterdam,
        date(2015, 6, 1),
        None,
    )
    assert [d.gemeente.naam for d in services.respons(inventarisatie)] == ["Amsterdam", "Rotterdam"]
    assert audit("inventarisatiedeelnemer")[-1].wijzigingen["gemeente_id"] == [None, rotterdam.id]


def test_an_invitation_is_withdrawn_only_before_an_answer(amsterdam, rotterdam, quickscan):
    inventarisatie, kennis, _, deelnemer = quickscan
    rotterdam_deelnemer = maak_deelnemer(inventarisatie, rotterdam)
    maak_antwoord(kennis, amsterdam)
    db.session.expire_all()

    with pytest.raises(InventarisatieFout, match="heeft al geantwoord"):
        services.trek_uitnodiging_in(deelnemer, versie=deelnemer.versie)
    services.trek_uitnodiging_in(rotterdam_deelnemer, versie=rotterdam_deelnemer.versie)

    assert [d.gemeente for d in inventarisatie.deelnemers] == [amsterdam]


# --- Answers --------------------------------------------------------------------------------


def test_answers_are_added_changed_and_removed_with_the_answered_date(amsterdam, quickscan):
    _, kennis, training, deelnemer = quickscan

    aantal = services.sla_antwoorden_op(
        deelnemer,
        [
            AntwoordRegel(kennis.id, True, 5, " Trainingen voor wijkteams ", "J. de Vries"),
            AntwoordRegel(training.id, False),
        ],
        beantwoord_op=date(2015, 7, 1),
        door="beleid@x",
        versie=deelnemer.versie,
    )

    assert aantal == 2
    antwoorden = services.antwoorden_van(deelnemer)
    assert (antwoorden[kennis.id].prioriteit, antwoorden[kennis.id].toelichting) == (
        5,
        "Trainingen voor wijkteams",
    )
    assert antwoorden[training.id].behoefte is False
    assert deelnemer.beantwoord_op == date(2015, 7, 1)

    aantal = services.sla_antwoorden_op(
        deelnemer,
        [
            AntwoordRegel(kennis.id, True, 4, "Trainingen voor wijkteams", "J. de Vries"),
            AntwoordRegel(training.id, None),
        ],
        beantwoord_op=None,
        door="gemeente@x",
        versie=deelnemer.versie,
    )

    assert aantal == 2
    assert set(services.antwoorden_van(deelnemer)) == {kennis.id}
    assert deelnemer.beantwoord_op == date(2015, 7, 1)  # kept
    assert [r.actie for r in audit("antwoord")] == [
        "aangemaakt",
        "aangemaakt",
        "gewijzigd",
        "verwijderd",
    ]
    assert audit("antwoord")[2].wijzigingen["prioriteit"] == [5, 4]


@pytest.mark.parametrize(
    ("regel", "fouten"),
    [
        ({"behoefte": False, "prioriteit": 3}, {"prioriteit": "hoort bij een behoefte"}),
        ({"behoefte": True, "prioriteit": 6}, {"prioriteit": "van 1 tot en met 5"}),
        ({"behoefte": True, "prioriteit": 0}, {"prioriteit": "van 1 tot en met 5"}),
        ({"behoefte": None, "toelichting": "Iets"}, {"behoefte": "ja of nee"}),
        ({"behoefte": True, "contactpersoon": "x" * 201}, {"contactpersoon": "hooguit 200"}),
    ],
)
def test_a_wrong_row_refuses_every_answer(amsterdam, quickscan, regel, fouten):
    _, kennis, training, deelnemer = quickscan

    with pytest.raises(RegelFout) as fout:
        services.sla_antwoorden_op(
            deelnemer,
            [AntwoordRegel(kennis.id, True, 2), AntwoordRegel(training.id, **regel)],
            beantwoord_op=date(2015, 7, 1),
            door="beleid@x",
            versie=deelnemer.versie,
        )

    assert set(fout.value.fouten) == {training.id}
    for veld, melding in fouten.items():
        assert melding in fout.value.fouten[training.id][veld]
    db.session.rollback()
    assert db.session.execute(select(Antwoord)).first() is None


def test_answers_on_a_changed_theme_list_or_a_stale_form_are_refused(amsterdam, quickscan):
    _, kennis, _, deelnemer = quickscan
    elders = maak_thema(maak_deel(maak_inventarisatie("Later")), "Financiering")

    for regels_, versie in (
        ([AntwoordRegel(elders.id, True)], deelnemer.versie),
        ([AntwoordRegel(kennis.id, True), AntwoordRegel(kennis.id, False)], deelnemer.versie),
        ([AntwoordRegel(kennis.id, True)], deelnemer.versie - 1),
    ):
        with pytest.raises(Conflict):
            services.sla_antwoorden_op(
                deelnemer, regels_, beantwoord_op=None, door="x", versie=versie
            )
    assert services.antwoorden_van(deelnemer) == {}


def test_a_save_moves_the_participants_version_on(amsterdam, quickscan):
    _, kennis, _, deelnemer = quickscan
    voor = deelnemer.versie

    services.sla_antwoorden_op(
        deelnemer, [AntwoordRegel(kennis.id, True)], beantwoord_op=None, door="x", versie=voor
    )

    assert deelnemer.versie == voor + 1
    assert deelnemer.beantwoord_op is None


def test_an_answer_before_the_invitation_is_refused(amsterdam, quickscan):
    _, kennis, _, deelnemer = quickscan

    with pytest.raises(InventarisatieFout) as fout:
        services.sla_antwoorden_op(
            deelnemer,
            [AntwoordRegel(kennis.id, True)],
            beantwoord_op=date(2015, 5, 1),
            door="x",
            versie=deelnemer.versie,
        )

    assert fout.value.veld == "beantwoord_op"


def test_membership_follows_from_the_invitations(amsterdam, rotterdam, quickscan):
    ids = set(db.session.execute(services.deelnemers()).scalars())

    assert ids == {amsterdam.id}
    assert db.session.execute(select(Deelnemer)).scalar_one().gemeente is amsterdam
