"""Spending returns through the web forms: submitting, reviewing, versions, isolation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient
from flask_login import login_user
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from gemeenten.models import Gemeente
from kern.accounts.models import Gebruiker, Rol
from kern.audit import historie
from kern.formatting import geld
from subsidies.models import (
    Beschikking,
    Regeling,
    Verantwoording,
    VerantwoordingStatus,
)
from tests.gemeenten.factories import maak_gemeente
from tests.kern.factories import WACHTWOORD, maak_gebruiker
from tests.subsidies.factories import maak_beschikking, maak_regeling, maak_verantwoording

# --- Helpers, also used by test_vaststelling ------------------------------------------------


def als(app: Flask, gebruiker: Gebruiker) -> FlaskClient:
    """A client of its own, signed in as ``gebruiker`` through the login form."""
    client = app.test_client()
    antwoord = client.post("/aanmelden", data={"email": gebruiker.email, "wachtwoord": WACHTWOORD})
    assert antwoord.status_code == 302
    return client


def tekst(antwoord: TestResponse) -> str:
    return antwoord.get_data(as_text=True)


def indienen_url(beschikking: Beschikking) -> str:
    return f"/versterkingsgelden/beschikkingen/{beschikking.id}/verantwoording"


def pagina_url(verantwoording: Verantwoording) -> str:
    return f"/versterkingsgelden/verantwoordingen/{verantwoording.id}"


def formulier(
    beschikking: Beschikking,
    bedragen: dict[str, tuple[str, str]] | None = None,
    *,
    eind: str = "nee",
    toelichting: str = "",
) -> dict[str, str]:
    """The return form's fields: (in year, cumulative) per purpose code, "0" where not given."""
    bedragen = bedragen or {}
    data = {"eindverantwoording": eind, "toelichting": toelichting}
    for doel in beschikking.regeling_jaar.regeling.doelen:
        in_jaar, cumulatief = bedragen.get(doel.code, ("0", "0"))
        data[f"in_jaar_{doel.id}"] = in_jaar
        data[f"cumulatief_{doel.id}"] = cumulatief
    return data


def goedkeuren(
    client: FlaskClient, verantwoording: Verantwoording, versie: int, reactie: str = ""
) -> TestResponse:
    return client.post(
        pagina_url(verantwoording) + "/goedkeuren",
        data={"goedkeuren-versie": str(versie), "goedkeuren-reactie": reactie},
    )


def terugsturen(
    client: FlaskClient, verantwoording: Verantwoording, versie: int, reden: str
) -> TestResponse:
    return client.post(
        pagina_url(verantwoording) + "/terugsturen",
        data={"terugsturen-versie": str(versie), "terugsturen-reden": reden},
    )


def versies(db, beschikking: Beschikking) -> list[Verantwoording]:
    db.session.expire_all()
    return list(
        db.session.execute(
            select(Verantwoording)
            .where(Verantwoording.beschikking_id == beschikking.id)
            .order_by(Verantwoording.volgnummer)
        ).scalars()
    )


def aantal_verantwoordingen(db) -> int:
    return db.session.execute(select(func.count(Verantwoording.id))).scalar_one()


@dataclass
class Wereld:
    amsterdam: Gemeente
    rotterdam: Gemeente
    regeling: Regeling
    eigen: Beschikking  # Amsterdam's, granted 100.000
    andere: Beschikking  # Rotterdam's
    gebruiker: Gebruiker  # a municipality user of Amsterdam
    officier: Gebruiker
    financien: Gebruiker


def bouw_wereld(db) -> Wereld:
    amsterdam = maak_gemeente("GM0363", "Amsterdam", "Noord-Holland")
    rotterdam = maak_gemeente("GM0599", "Rotterdam", "Zuid-Holland")
    regeling = maak_regeling()
    wereld = Wereld(
        amsterdam=amsterdam,
        rotterdam=rotterdam,
        regeling=regeling,
        eigen=maak_beschikking(amsterdam, regeling, Decimal("100000.00")),
        andere=maak_beschikking(rotterdam, regeling, Decimal("200000.00")),
        gebruiker=maak_gebruiker(Rol.GEMEENTE, gemeente=amsterdam),
        officier=maak_gebruiker(Rol.BELEIDSMEDEWERKER),
        financien=maak_gebruiker(Rol.FINANCIEN),
    )
    db.session.commit()
    return wereld


@pytest.fixture
def wereld(app: Flask, db) -> Wereld:
    return bouw_wereld(db)


# --- The happy path ------------------------------------------------------------------------


def test_submit_send_back_correct_and_approve(app, db, wereld):
    gemeente = als(app, wereld.gebruiker)
    officier = als(app, wereld.officier)

    # The municipality fills in the form for its own decision.
    leeg = gemeente.get(indienen_url(wereld.eigen))
    assert leeg.status_code == 200
    assert "Verantwoording indienen" in tekst(leeg)
    assert "Besteding in 2015" in tekst(leeg)
    antwoord = gemeente.post(
        indienen_url(wereld.eigen),
        data=formulier(
            wereld.eigen,
            {
                "kennisbevordering": ("20.000,00", "20.000,00"),
                "vroegsignalering": ("10.000,50", "12.500,50"),
            },
            toelichting="Eerste jaar.",
        ),
    )
    assert antwoord.status_code == 302
    [v1] = versies(db, wereld.eigen)
    assert antwoord.location.endswith(pagina_url(v1))
    assert v1.volgnummer == 1
    assert v1.status is VerantwoordingStatus.INGEDIEND
    assert v1.ingediend_door == wereld.gebruiker.email
    assert v1.besteed_in_jaar == Decimal("30000.50")
    assert v1.besteed_cumulatief == Decimal("32500.50")

    pagina = tekst(gemeente.get(pagina_url(v1)))
    assert "Ingediend" in pagina
    assert geld(Decimal("32500.50")) in pagina
    assert "Eerste jaar." in pagina
    assert "Goedkeuren" not in pagina  # no review forms for the municipality

    # The officer sees it in the work list and sends it back with a reason.
    lijst = tekst(officier.get("/versterkingsgelden/te-beoordelen"))
    assert "Amsterdam" in lijst
    assert pagina_url(v1) in lijst
    assert "Goedkeuren" in tekst(officier.get(pagina_url(v1)))
    antwoord = terugsturen(officier, v1, v1.versie, "Onderbouw de besteding aan vroegsignalering.")
    assert antwoord.status_code == 302
    [v1] = versies(db, wereld.eigen)
    assert v1.status is VerantwoordingStatus.TERUGGESTUURD
    assert v1.beoordeeld_door == wereld.officier.email
    assert pagina_url(v1) not in tekst(officier.get("/versterkingsgelden/te-beoordelen"))

    # The municipality sees the reason and starts the new version from the old values.
    pagina = tekst(gemeente.get(pagina_url(v1)))
    assert "Teruggestuurd" in pagina
    assert "Onderbouw de besteding aan vroegsignalering." in pagina
    opnieuw = tekst(gemeente.get(indienen_url(wereld.eigen)))
    assert "Onderbouw de besteding aan vroegsignalering." in opnieuw
    assert 'value="12.500,50"' in opnieuw
    assert "Eerste jaar." in opnieuw

    antwoord = gemeente.post(
        indienen_url(wereld.eigen),
        data=formulier(
            wereld.eigen,
            {
                "kennisbevordering": ("20.000,00", "20.000,00"),
                "vroegsignalering": ("10.000,50", "12.500,50"),
                "persoonsgerichte_aanpak": ("60.000", "67.499,50"),
            },
            eind="ja",
        ),
    )
    assert antwoord.status_code == 302
    v1, v2 = versies(db, wereld.eigen)
    assert v2.volgnummer == 2
    assert v2.eindverantwoording is True
    assert v2.besteed_cumulatief == Decimal("100000.00")
    # Version 1 is kept exactly as it was.
    assert v1.status is VerantwoordingStatus.TERUGGESTUURD
    assert v1.reactie == "Onderbouw de besteding aan vroegsignalering."
    assert v1.besteed_cumulatief == Decimal("32500.50")
    assert v1.eindverantwoording is False
    eerste = tekst(gemeente.get(pagina_url(v1)))
    assert "Onderbouw de besteding aan vroegsignalering." in eerste
    assert pagina_url(v2) in eerste  # links to the other versions

    # The officer approves the final return with a remark; the municipality sees it.
    antwoord = goedkeuren(officier, v2, v2.versie, "Dank voor de aanvulling.")
    assert antwoord.status_code == 302
    assert "is goedgekeurd" in tekst(officier.get(antwoord.location))
    pagina = tekst(gemeente.get(pagina_url(v2)))
    assert "Goedgekeurd" in pagina
    assert "Dank voor de aanvulling." in pagina

    # Nothing more can be submitted after an approved final return.
    dicht = gemeente.get(indienen_url(wereld.eigen))
    assert "De eindverantwoording is al goedgekeurd." in tekst(dicht)
    assert '<form method="post" novalidate>' not in tekst(dicht)
    geweigerd = gemeente.post(indienen_url(wereld.eigen), data=formulier(wereld.eigen, eind="ja"))
    assert geweigerd.status_code == 400
    assert "De eindverantwoording is al goedgekeurd." in tekst(geweigerd)
    assert len(versies(db, wereld.eigen)) == 2


def test_an_officer_submits_on_behalf_of_the_municipality(app, db, wereld):
    officier = als(app, wereld.officier)

    antwoord = officier.post(
        indienen_url(wereld.andere),
        data=formulier(wereld.andere, {"kennisbevordering": ("1.000", "1.000")}),
    )

    assert antwoord.status_code == 302
    [v] = versies(db, wereld.andere)
    assert v.ingediend_door == wereld.officier.email
    assert v.besteed_cumulatief == Decimal("1000.00")


def test_a_new_version_replaces_one_awaiting_review(app, db, wereld):
    gemeente = als(app, wereld.gebruiker)
    gemeente.post(indienen_url(wereld.eigen), data=formulier(wereld.eigen))

    pagina = tekst(gemeente.get(indienen_url(wereld.eigen)))
    assert "wacht nog op beoordeling" in pagina
    gemeente.post(
        indienen_url(wereld.eigen),
        data=formulier(wereld.eigen, {"kennisbevordering": ("5", "5")}),
    )

    v1, v2 = versies(db, wereld.eigen)
    assert v1.status is VerantwoordingStatus.VERVANGEN
    assert v1.besteed_cumulatief == Decimal("0.00")
    assert v2.status is VerantwoordingStatus.INGEDIEND
    assert "Vervangen" in tekst(gemeente.get(pagina_url(v1)))


def test_warnings_are_shown_after_submitting_and_in_the_work_list(app, db, wereld):
    gemeente = als(app, wereld.gebruiker)

    antwoord = gemeente.post(
        indienen_url(wereld.eigen),
        data=formulier(wereld.eigen, {"kennisbevordering": ("150.000", "150.000")}, eind="ja"),
        follow_redirects=True,
    )

    pagina = tekst(antwoord)
    assert f"De cumulatieve besteding ({geld(Decimal('150000'))}) is hoger" in pagina
    assert "zonder toelichting" in pagina
    lijst = tekst(als(app, wereld.financien).get("/versterkingsgelden/te-beoordelen"))
    assert "Let op" in lijst
    assert "is hoger dan het toegekende bedrag" in lijst


def test_the_work_list_shows_waiting_returns_oldest_first(app, db, wereld):
    rotterdam = maak_verantwoording(wereld.andere, Decimal("1000.00"))
    amsterdam = maak_verantwoording(wereld.eigen, Decimal("2000.00"))
    beoordeeld = maak_verantwoording(
        maak_beschikking(maak_gemeente("GM0518", "'s-Gravenhage", "Zuid-Holland"), wereld.regeling)
    )
    beoordeeld.status = VerantwoordingStatus.GOEDGEKEURD
    db.session.commit()

    antwoord = als(app, wereld.officier).get("/versterkingsgelden/te-beoordelen")

    assert antwoord.status_code == 200
    lijst = tekst(antwoord)
    assert lijst.index(pagina_url(rotterdam)) < lijst.index(pagina_url(amsterdam))
    assert pagina_url(beoordeeld) not in lijst
    assert geld(Decimal("2000")) in lijst
    assert "Versterkingsgelden 2015" in lijst
    assert "Let op" not in lijst


# --- Refused input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("invoer", "melding"),
    [
        ("-5", "is negatief; een bedrag is nul of meer."),
        ("1.234,5x", "is geen bedrag."),
        ("1,234.567", "is geen bedrag."),
        ("9999999999999", "is groter dan het hoogst mogelijke bedrag."),
        ("12,345", "heeft meer dan twee decimalen."),
        ("", "Vul de besteding in 2015 in"),
        (" ", "Vul de besteding in 2015 in"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_saved(app, db, wereld, invoer, melding):
    gemeente = als(app, wereld.gebruiker)

    antwoord = gemeente.post(
        indienen_url(wereld.eigen),
        data=formulier(wereld.eigen, {"vroegsignalering": (invoer, "10")}),
    )

    assert antwoord.status_code == 400
    assert melding in tekst(antwoord)
    assert "Het formulier is niet verwerkt" in tekst(antwoord)
    assert aantal_verantwoordingen(db) == 0


def test_cumulative_below_the_year_is_refused(app, db, wereld):
    antwoord = als(app, wereld.gebruiker).post(
        indienen_url(wereld.eigen),
        data=formulier(wereld.eigen, {"kennisbevordering": ("5.000", "4.999,99")}),
    )

    assert antwoord.status_code == 400
    assert "Kennisbevordering: het cumulatieve bedrag" in tekst(antwoord)
    assert "is kleiner dan het bedrag in 2015" in tekst(antwoord)
    assert "Er is niets opgeslagen." in tekst(antwoord)
    assert aantal_verantwoordingen(db) == 0


@pytest.mark.parametrize(
    ("eind", "melding"),
    [("", "Geef aan of dit de eindverantwoording is."), ("misschien", "Kies ja of nee.")],
)
def test_final_yes_or_no_is_required(app, db, wereld, eind, melding):
    data = formulier(wereld.eigen, eind=eind)
    if not eind:
        del data["eindverantwoording"]

    antwoord = als(app, wereld.gebruiker).post(indienen_url(wereld.eigen), data=data)

    assert antwoord.status_code == 400
    assert melding in tekst(antwoord)
    assert aantal_verantwoordingen(db) == 0


def test_an_empty_post_saves_nothing_even_after_an_earlier_version(app, db, wereld):
    maak_verantwoording(wereld.eigen)
    db.session.commit()

    antwoord = als(app, wereld.gebruiker).post(indienen_url(wereld.eigen), data={})

    assert antwoord.status_code == 400
    assert len(versies(db, wereld.eigen)) == 1


def test_no_return_for_a_decision_that_is_not_decided(app, db, wereld):
    concept = maak_beschikking(
        maak_gemeente("GM0202", "Arnhem", "Gelderland"), wereld.regeling, beschikt=False
    )
    db.session.commit()
    officier = als(app, wereld.officier)

    pagina = officier.get(indienen_url(concept))
    antwoord = officier.post(indienen_url(concept), data=formulier(concept))

    melding = (
        "Deze beschikking is nog een concept; er kan geen verantwoording voor worden ingediend."
    )
    assert pagina.status_code == 200
    assert melding in tekst(pagina)
    assert "Indienen</button>" not in tekst(pagina)
    assert antwoord.status_code == 400
    assert melding in tekst(antwoord)
    assert aantal_verantwoordingen(db) == 0


# --- Review -------------------------------------------------------------------------------


def test_approving_twice_is_refused(app, db, wereld):
    v = maak_verantwoording(wereld.eigen)
    db.session.commit()
    officier = als(app, wereld.officier)
    goedkeuren(officier, v, v.versie, "Prima.")
    [v] = versies(db, wereld.eigen)
    eerst = (v.versie, v.beoordeeld_op, v.reactie)

    antwoord = goedkeuren(officier, v, v.versie, "Nog een keer.")

    assert antwoord.status_code == 302
    vervolg = tekst(officier.get(antwoord.location))
    assert "Deze verantwoording is goedgekeurd en kan niet meer worden beoordeeld." in vervolg
    [v] = versies(db, wereld.eigen)
    assert (v.versie, v.beoordeeld_op, v.reactie) == eerst
    assert v.status is VerantwoordingStatus.GOEDGEKEURD


@pytest.mark.parametrize("reden", ["", "   "])
def test_sending_back_needs_a_reason(app, db, wereld, reden):
    v = maak_verantwoording(wereld.eigen)
    db.session.commit()

    antwoord = terugsturen(als(app, wereld.officier), v, v.versie, reden)

    assert antwoord.status_code == 400
    assert "Geef aan wat de gemeente moet verbeteren." in tekst(antwoord)
    [v] = versies(db, wereld.eigen)
    assert v.status is VerantwoordingStatus.INGEDIEND
    assert v.reactie is None


def test_a_replaced_version_cannot_be_approved(app, db, wereld):
    v1 = maak_verantwoording(wereld.eigen)
    maak_verantwoording(wereld.eigen, Decimal("40000.00"))
    db.session.commit()
    officier = als(app, wereld.officier)
    assert "Goedkeuren</button>" not in tekst(officier.get(pagina_url(v1)))

    antwoord = goedkeuren(officier, v1, v1.versie)

    assert antwoord.status_code == 302
    assert "Deze verantwoording is vervangen" in tekst(officier.get(antwoord.location))
    v1, v2 = versies(db, wereld.eigen)
    assert v1.status is VerantwoordingStatus.VERVANGEN
    assert v1.beoordeeld_op is None
    assert v2.status is VerantwoordingStatus.INGEDIEND


def test_a_stale_version_is_refused_with_409(app, db, wereld):
    v = maak_verantwoording(wereld.eigen)
    db.session.commit()
    getekend = v.versie  # the versie in the first officer's form
    collega = als(app, wereld.officier)
    terugsturen(collega, v, getekend, "Bijlage ontbreekt.")

    antwoord = goedkeuren(als(app, maak_gebruiker(Rol.BELEIDSMEDEWERKER)), v, getekend)

    assert antwoord.status_code == 409
    assert "Iemand anders heeft deze verantwoording intussen gewijzigd" in tekst(antwoord)
    [v] = versies(db, wereld.eigen)
    assert v.status is VerantwoordingStatus.TERUGGESTUURD
    assert v.reactie == "Bijlage ontbreekt."
    assert v.beoordeeld_door == wereld.officier.email


@pytest.mark.parametrize("versie", ["", "abc"])
def test_a_missing_or_malformed_version_is_a_form_error(app, db, wereld, versie):
    v = maak_verantwoording(wereld.eigen)
    db.session.commit()

    antwoord = als(app, wereld.officier).post(
        pagina_url(v) + "/goedkeuren", data={"goedkeuren-versie": versie}
    )

    assert antwoord.status_code == 400
    assert "laad de pagina opnieuw" in tekst(antwoord)
    [v] = versies(db, wereld.eigen)
    assert v.status is VerantwoordingStatus.INGEDIEND


def test_audit_trail_of_submission_and_review(app, db, wereld):
    gemeente = als(app, wereld.gebruiker)
    gemeente.post(indienen_url(wereld.eigen), data=formulier(wereld.eigen))
    [v1] = versies(db, wereld.eigen)
    terugsturen(als(app, wereld.officier), v1, v1.versie, "Toelichting ontbreekt.")
    gemeente.post(indienen_url(wereld.eigen), data=formulier(wereld.eigen))
    v1, v2 = versies(db, wereld.eigen)
    goedkeuren(als(app, wereld.officier), v2, v2.versie)

    spoor1 = historie("verantwoording", v1.id)
    spoor2 = historie("verantwoording", v2.id)

    assert [(r.actie, r.door, r.wijzigingen["status"]) for r in spoor1] == [
        ("aangemaakt", wereld.gebruiker.email, [None, "ingediend"]),
        ("gewijzigd", wereld.officier.email, ["ingediend", "teruggestuurd"]),
    ]
    assert spoor1[1].wijzigingen["reactie"] == [None, "Toelichting ontbreekt."]
    assert [(r.actie, r.door, r.wijzigingen["status"]) for r in spoor2] == [
        ("aangemaakt", wereld.gebruiker.email, [None, "ingediend"]),
        ("gewijzigd", wereld.officier.email, ["ingediend", "goedgekeurd"]),
    ]


# --- Isolation ----------------------------------------------------------------------------


def _stand_van(db, beschikking: Beschikking) -> list[tuple[int, int, VerantwoordingStatus]]:
    return [(v.id, v.versie, v.status) for v in versies(db, beschikking)]


def test_a_municipality_user_cannot_touch_another_municipality(app, db, wereld):
    andere = maak_verantwoording(wereld.andere)
    eigen = maak_verantwoording(wereld.eigen)
    db.session.commit()
    voor = _stand_van(db, wereld.andere)
    gemeente = als(app, wereld.gebruiker)

    # Reading and submitting: the other municipality's things do not exist.
    assert gemeente.get(pagina_url(andere)).status_code == 404
    assert gemeente.get(indienen_url(wereld.andere)).status_code == 404
    post = gemeente.post(indienen_url(wereld.andere), data=formulier(wereld.andere))
    assert post.status_code == 404
    # Reviewing and settling are not for municipality users at all: their own included.
    assert goedkeuren(gemeente, andere, andere.versie).status_code == 403
    assert terugsturen(gemeente, andere, andere.versie, "Nee.").status_code == 403
    assert goedkeuren(gemeente, eigen, eigen.versie).status_code == 403
    assert terugsturen(gemeente, eigen, eigen.versie, "Zelf.").status_code == 403
    assert gemeente.get("/versterkingsgelden/te-beoordelen").status_code == 403
    vaststellen = f"/versterkingsgelden/beschikkingen/{wereld.andere.id}/vaststellen"
    assert gemeente.get(vaststellen).status_code == 403
    assert gemeente.post(vaststellen, data={"versie": "1"}).status_code == 403

    assert _stand_van(db, wereld.andere) == voor
    [v] = versies(db, wereld.eigen)
    assert v.status is VerantwoordingStatus.INGEDIEND
    # The own return's page does not name the other municipality.
    assert "Rotterdam" not in tekst(gemeente.get(pagina_url(eigen)))


def test_forged_fields_naming_another_decision_are_ignored(app, db, wereld):
    gemeente = als(app, wereld.gebruiker)
    data = formulier(wereld.eigen, {"kennisbevordering": ("7", "7")})
    data |= {
        "beschikking_id": str(wereld.andere.id),
        "gemeente_id": str(wereld.rotterdam.id),
        "volgnummer": "9",
        "status": "goedgekeurd",
        "ingediend_door": "iemand@anders.nl",
        "in_jaar_999": "123",
    }

    antwoord = gemeente.post(indienen_url(wereld.eigen), data=data)

    assert antwoord.status_code == 302
    assert versies(db, wereld.andere) == []
    [v] = versies(db, wereld.eigen)
    assert v.volgnummer == 1
    assert v.status is VerantwoordingStatus.INGEDIEND
    assert v.ingediend_door == wereld.gebruiker.email
    assert v.besteed_cumulatief == Decimal("7.00")


# --- The block on the decision's page -----------------------------------------------------


def render_blok(app: Flask, gebruiker: Gebruiker, beschikking: Beschikking) -> str:
    """The partial as another page includes it, for ``gebruiker``."""
    with app.test_request_context():
        login_user(gebruiker)
        return render_template("subsidies/_verantwoordingen_blok.html", beschikking=beschikking)


def test_the_block_shows_versions_and_the_actions_each_role_may_take(app, db, wereld):
    assert "Er is nog geen verantwoording ingediend." in render_blok(
        app, wereld.gebruiker, wereld.eigen
    )
    v1 = maak_verantwoording(wereld.eigen, door="gemeente@amsterdam.nl")
    db.session.commit()

    voor_gemeente = render_blok(app, wereld.gebruiker, wereld.eigen)
    voor_officier = render_blok(app, wereld.officier, wereld.eigen)
    voor_financien = render_blok(app, wereld.financien, wereld.eigen)

    assert pagina_url(v1) in voor_gemeente
    assert "Ingediend" in voor_gemeente
    assert "gemeente@amsterdam.nl" in voor_gemeente
    assert geld(Decimal("30000")) in voor_gemeente
    assert ">Verantwoording indienen</a>" in voor_gemeente
    assert "Beoordelen" not in voor_gemeente
    assert "Beoordelen" in voor_officier
    assert "indienen namens de gemeente" in voor_officier
    assert "Beoordelen" not in voor_financien
    assert "indienen" not in voor_financien
    assert "Vaststellen" not in voor_officier  # no approved final return yet

    officier = als(app, wereld.officier)
    terugsturen(officier, v1, v1.versie, "Graag per doel uitsplitsen.")
    [v1] = versies(db, wereld.eigen)
    assert "Graag per doel uitsplitsen." in render_blok(app, wereld.gebruiker, wereld.eigen)
    v2 = maak_verantwoording(wereld.eigen, Decimal("90000.00"), eind=True)
    db.session.commit()
    goedkeuren(officier, v2, v2.versie)
    db.session.expire_all()

    voor_officier = render_blok(app, wereld.officier, wereld.eigen)
    voor_gemeente = render_blok(app, wereld.gebruiker, wereld.eigen)
    assert f"/versterkingsgelden/beschikkingen/{wereld.eigen.id}/vaststellen" in voor_officier
    assert "Vaststellen" not in voor_gemeente
    assert "Verantwoording indienen" not in voor_gemeente  # the final return is approved


@pytest.mark.csrf
def test_the_review_forms_carry_their_own_csrf_token(app, db, wereld):
    v = maak_verantwoording(wereld.eigen)
    db.session.commit()
    officier = als_met_csrf(app, wereld.officier)
    pagina = tekst(officier.get(pagina_url(v)))
    token = re.search(r'name="goedkeuren-csrf_token" type="hidden" value="([^"]+)"', pagina)
    assert token is not None

    zonder = officier.post(pagina_url(v) + "/goedkeuren", data={"goedkeuren-versie": v.versie})
    assert zonder.status_code == 400
    assert versies(db, wereld.eigen)[0].status is VerantwoordingStatus.INGEDIEND

    met = officier.post(
        pagina_url(v) + "/goedkeuren",
        data={"goedkeuren-versie": v.versie, "goedkeuren-csrf_token": token.group(1)},
    )
    assert met.status_code == 302
    assert versies(db, wereld.eigen)[0].status is VerantwoordingStatus.GOEDGEKEURD


def als_met_csrf(app: Flask, gebruiker: Gebruiker) -> FlaskClient:
    """Sign in through the login form with its CSRF token, as a browser does."""
    client = app.test_client()
    login = tekst(client.get("/aanmelden"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login)
    assert token is not None
    antwoord = client.post(
        "/aanmelden",
        data={"email": gebruiker.email, "wachtwoord": WACHTWOORD, "csrf_token": token.group(1)},
    )
    assert antwoord.status_code == 302
    return client
