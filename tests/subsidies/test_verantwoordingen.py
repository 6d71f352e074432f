"""Spending returns through the web forms: submitting, reviewing, versions, isolation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient
from flask_login import login_user
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from kern.accounts.models import Gebruiker, Rol
from kern.audit import historie
from kern.formatting import geld
from subsidies.models import (
    Beschikking,
    Verantwoording,
    VerantwoordingStatus,
)
from tests.gemeenten.factories import maak_gemeente
from tests.kern.factories import maak_gebruiker
from tests.pagina import csrf_token, meldingen
from tests.subsidies.factories import maak_beschikking, maak_verantwoording

# --- Helpers, also used by test_vaststelling ------------------------------------------------


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
    return list(
        db.session.execute(
            select(Verantwoording)
            .where(Verantwoording.beschikking_id == beschikking.id)
            .order_by(Verantwoording.volgnummer)
        ).scalars()
    )


def aantal_verantwoordingen(db) -> int:
    return db.session.execute(select(func.count(Verantwoording.id))).scalar_one()


# --- The happy path ------------------------------------------------------------------------


def test_submit_send_back_correct_and_approve(db, wereld, login_as):
    gemeente = login_as(wereld.gebruiker)
    officier = login_as(wereld.beleidsmedewerker)

    # The municipality fills in the form for its own decision.
    leeg = gemeente.get(indienen_url(wereld.eigen))
    assert leeg.status_code == 200
    assert "Verantwoording indienen" in leeg.text
    assert "Besteding in 2015" in leeg.text
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

    pagina = gemeente.get(pagina_url(v1)).text
    assert "Ingediend" in pagina
    assert geld(Decimal("32500.50")) in pagina
    assert "Eerste jaar." in pagina
    assert "Goedkeuren" not in pagina  # no review forms for the municipality

    # The officer sees it in the work list and sends it back with a reason.
    lijst = officier.get("/versterkingsgelden/te-beoordelen").text
    assert "Amsterdam" in lijst
    assert pagina_url(v1) in lijst
    assert "Goedkeuren" in officier.get(pagina_url(v1)).text
    antwoord = terugsturen(officier, v1, v1.versie, "Onderbouw de besteding aan vroegsignalering.")
    assert antwoord.status_code == 302
    teruggestuurd = officier.get(antwoord.location)
    assert meldingen(teruggestuurd) == [("succes", "Versie 1 is teruggestuurd naar Amsterdam.")]
    [v1] = versies(db, wereld.eigen)
    assert v1.status is VerantwoordingStatus.TERUGGESTUURD
    assert v1.beoordeeld_door == wereld.beleidsmedewerker.email
    assert pagina_url(v1) not in officier.get("/versterkingsgelden/te-beoordelen").text

    # The municipality sees the reason and starts the new version from the old values.
    pagina = gemeente.get(pagina_url(v1)).text
    assert "Teruggestuurd" in pagina
    assert "Onderbouw de besteding aan vroegsignalering." in pagina
    opnieuw = gemeente.get(indienen_url(wereld.eigen)).text
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
    eerste = gemeente.get(pagina_url(v1)).text
    assert "Onderbouw de besteding aan vroegsignalering." in eerste
    assert pagina_url(v2) in eerste  # links to the other versions

    # The officer approves the final return with a remark; the municipality sees it.
    antwoord = goedkeuren(officier, v2, v2.versie, "Dank voor de aanvulling.")
    assert antwoord.status_code == 302
    goedgekeurd = officier.get(antwoord.location)
    assert meldingen(goedgekeurd) == [
        ("succes", "Versie 2 van de eindverantwoording is goedgekeurd.")
    ]
    pagina = gemeente.get(pagina_url(v2)).text
    assert "Goedgekeurd" in pagina
    assert "Dank voor de aanvulling." in pagina

    # Nothing more can be submitted after an approved final return.
    dicht = gemeente.get(indienen_url(wereld.eigen))
    assert "De eindverantwoording is al goedgekeurd." in dicht.text
    assert '<form method="post" novalidate>' not in dicht.text
    geweigerd = gemeente.post(indienen_url(wereld.eigen), data=formulier(wereld.eigen, eind="ja"))
    assert geweigerd.status_code == 400
    assert "De eindverantwoording is al goedgekeurd." in geweigerd.text
    assert len(versies(db, wereld.eigen)) == 2


def test_an_officer_submits_on_behalf_of_the_municipality(db, wereld, login_as):
    officier = login_as(wereld.beleidsmedewerker)

    antwoord = officier.post(
        indienen_url(wereld.andere),
        data=formulier(wereld.andere, {"kennisbevordering": ("1.000", "1.000")}),
    )

    assert antwoord.status_code == 302
    [v] = versies(db, wereld.andere)
    assert v.ingediend_door == wereld.beleidsmedewerker.email
    assert v.besteed_cumulatief == Decimal("1000.00")


def test_a_new_version_replaces_one_awaiting_review(db, wereld, login_as):
    gemeente = login_as(wereld.gebruiker)
    gemeente.post(indienen_url(wereld.eigen), data=formulier(wereld.eigen))

    pagina = gemeente.get(indienen_url(wereld.eigen)).text
    assert "wacht nog op beoordeling" in pagina
    gemeente.post(
        indienen_url(wereld.eigen),
        data=formulier(wereld.eigen, {"kennisbevordering": ("5", "5")}),
    )

    v1, v2 = versies(db, wereld.eigen)
    assert v1.status is VerantwoordingStatus.VERVANGEN
    assert v1.besteed_cumulatief == Decimal("0.00")
    assert v2.status is VerantwoordingStatus.INGEDIEND
    assert "Vervangen" in gemeente.get(pagina_url(v1)).text


def test_warnings_are_shown_after_submitting_and_in_the_work_list(db, wereld, login_as):
    gemeente = login_as(wereld.gebruiker)

    antwoord = gemeente.post(
        indienen_url(wereld.eigen),
        data=formulier(wereld.eigen, {"kennisbevordering": ("150.000", "150.000")}, eind="ja"),
        follow_redirects=True,
    )

    pagina = antwoord.text
    assert f"De cumulatieve besteding ({geld(Decimal('150000'))}) is hoger" in pagina
    assert "zonder toelichting" in pagina
    lijst = login_as(wereld.medewerker_financien).get("/versterkingsgelden/te-beoordelen").text
    assert "Let op" in lijst
    assert "is hoger dan het toegekende bedrag" in lijst


def test_the_work_list_shows_waiting_returns_oldest_first(db, wereld, login_as):
    rotterdam = maak_verantwoording(wereld.andere, Decimal("1000.00"))
    amsterdam = maak_verantwoording(wereld.eigen, Decimal("2000.00"))
    beoordeeld = maak_verantwoording(
        maak_beschikking(maak_gemeente("GM0518", "'s-Gravenhage", "Zuid-Holland"), wereld.regeling)
    )
    beoordeeld.status = VerantwoordingStatus.GOEDGEKEURD

    antwoord = login_as(wereld.beleidsmedewerker).get("/versterkingsgelden/te-beoordelen")

    assert antwoord.status_code == 200
    lijst = antwoord.text
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
def test_bad_amounts_are_refused_and_nothing_is_saved(db, wereld, invoer, melding, login_as):
    gemeente = login_as(wereld.gebruiker)

    antwoord = gemeente.post(
        indienen_url(wereld.eigen),
        data=formulier(wereld.eigen, {"vroegsignalering": (invoer, "10")}),
    )

    assert antwoord.status_code == 400
    assert melding in antwoord.text
    assert "Het formulier is niet verwerkt" in antwoord.text
    assert aantal_verantwoordingen(db) == 0


def test_cumulative_below_the_year_is_refused(db, wereld, login_as):
    antwoord = login_as(wereld.gebruiker).post(
        indienen_url(wereld.eigen),
        data=formulier(wereld.eigen, {"kennisbevordering": ("5.000", "4.999,99")}),
    )

    assert antwoord.status_code == 400
    assert "Kennisbevordering: het cumulatieve bedrag" in antwoord.text
    assert "is kleiner dan het bedrag in 2015" in antwoord.text
    assert "Er is niets opgeslagen." in antwoord.text
    assert aantal_verantwoordingen(db) == 0


@pytest.mark.parametrize(
    ("eind", "melding"),
    [("", "Geef aan of dit de eindverantwoording is."), ("misschien", "Kies ja of nee.")],
)
def test_final_yes_or_no_is_required(db, wereld, eind, melding, login_as):
    data = formulier(wereld.eigen, eind=eind)
    if not eind:
        del data["eindverantwoording"]

    antwoord = login_as(wereld.gebruiker).post(indienen_url(wereld.eigen), data=data)

    assert antwoord.status_code == 400
    assert melding in antwoord.text
    assert aantal_verantwoordingen(db) == 0


def test_an_empty_post_saves_nothing_even_after_an_earlier_version(db, wereld, login_as):
    maak_verantwoording(wereld.eigen)

    antwoord = login_as(wereld.gebruiker).post(indienen_url(wereld.eigen), data={})

    assert antwoord.status_code == 400
    assert len(versies(db, wereld.eigen)) == 1


def test_no_return_for_a_decision_that_is_not_decided(db, wereld, login_as):
    concept = maak_beschikking(
        maak_gemeente("GM0202", "Arnhem", "Gelderland"), wereld.regeling, beschikt=False
    )
    officier = login_as(wereld.beleidsmedewerker)

    pagina = officier.get(indienen_url(concept))
    antwoord = officier.post(indienen_url(concept), data=formulier(concept))

    melding = (
        "Deze beschikking is nog een concept; er kan geen verantwoording voor worden ingediend."
    )
    assert pagina.status_code == 200
    assert melding in pagina.text
    assert "Indienen</button>" not in pagina.text
    assert antwoord.status_code == 400
    assert melding in antwoord.text
    assert aantal_verantwoordingen(db) == 0


# --- Review -------------------------------------------------------------------------------


def test_approving_twice_is_refused(db, wereld, login_as):
    v = maak_verantwoording(wereld.eigen)
    officier = login_as(wereld.beleidsmedewerker)
    goedkeuren(officier, v, v.versie, "Prima.")
    [v] = versies(db, wereld.eigen)
    eerst = (v.versie, v.beoordeeld_op, v.reactie)

    antwoord = goedkeuren(officier, v, v.versie, "Nog een keer.")

    assert antwoord.status_code == 302
    vervolg = officier.get(antwoord.location).text
    assert "Deze verantwoording is goedgekeurd en kan niet meer worden beoordeeld." in vervolg
    [v] = versies(db, wereld.eigen)
    assert (v.versie, v.beoordeeld_op, v.reactie) == eerst
    assert v.status is VerantwoordingStatus.GOEDGEKEURD


@pytest.mark.parametrize("reden", ["", "   "])
def test_sending_back_needs_a_reason(db, wereld, reden, login_as):
    v = maak_verantwoording(wereld.eigen)

    antwoord = terugsturen(login_as(wereld.beleidsmedewerker), v, v.versie, reden)

    assert antwoord.status_code == 400
    assert "Geef aan wat de gemeente moet verbeteren." in antwoord.text
    [v] = versies(db, wereld.eigen)
    assert v.status is VerantwoordingStatus.INGEDIEND
    assert v.reactie is None


def test_a_replaced_version_cannot_be_approved(db, wereld, login_as):
    v1 = maak_verantwoording(wereld.eigen)
    maak_verantwoording(wereld.eigen, Decimal("40000.00"))
    officier = login_as(wereld.beleidsmedewerker)
    assert "Goedkeuren</button>" not in officier.get(pagina_url(v1)).text

    antwoord = goedkeuren(officier, v1, v1.versie)

    assert antwoord.status_code == 302
    assert "Deze verantwoording is vervangen" in officier.get(antwoord.location).text
    v1, v2 = versies(db, wereld.eigen)
    assert v1.status is VerantwoordingStatus.VERVANGEN
    assert v1.beoordeeld_op is None
    assert v2.status is VerantwoordingStatus.INGEDIEND


def test_a_stale_version_is_refused_with_409(db, wereld, login_as):
    v = maak_verantwoording(wereld.eigen)
    getekend = v.versie  # the versie in the first officer's form
    collega = login_as(wereld.beleidsmedewerker)
    terugsturen(collega, v, getekend, "Bijlage ontbreekt.")

    antwoord = goedkeuren(login_as(maak_gebruiker(Rol.BELEIDSMEDEWERKER)), v, getekend)

    assert antwoord.status_code == 409
    assert "Iemand anders heeft deze verantwoording intussen gewijzigd" in antwoord.text
    [v] = versies(db, wereld.eigen)
    assert v.status is VerantwoordingStatus.TERUGGESTUURD
    assert v.reactie == "Bijlage ontbreekt."
    assert v.beoordeeld_door == wereld.beleidsmedewerker.email


@pytest.mark.parametrize("versie", ["", "abc"])
def test_a_missing_or_malformed_version_is_a_form_error(db, wereld, versie, login_as):
    v = maak_verantwoording(wereld.eigen)

    antwoord = login_as(wereld.beleidsmedewerker).post(
        pagina_url(v) + "/goedkeuren", data={"goedkeuren-versie": versie}
    )

    assert antwoord.status_code == 400
    assert "laad de pagina opnieuw" in antwoord.text
    [v] = versies(db, wereld.eigen)
    assert v.status is VerantwoordingStatus.INGEDIEND


def test_audit_trail_of_submission_and_review(db, wereld, login_as):
    gemeente = login_as(wereld.gebruiker)
    gemeente.post(indienen_url(wereld.eigen), data=formulier(wereld.eigen))
    [v1] = versies(db, wereld.eigen)
    terugsturen(login_as(wereld.beleidsmedewerker), v1, v1.versie, "Toelichting ontbreekt.")
    gemeente.post(indienen_url(wereld.eigen), data=formulier(wereld.eigen))
    v1, v2 = versies(db, wereld.eigen)
    goedkeuren(login_as(wereld.beleidsmedewerker), v2, v2.versie)

    spoor1 = historie("verantwoording", v1.id)
    spoor2 = historie("verantwoording", v2.id)

    assert [(r.actie, r.door, r.wijzigingen["status"]) for r in spoor1] == [
        ("aangemaakt", wereld.gebruiker.email, [None, "ingediend"]),
        ("gewijzigd", wereld.beleidsmedewerker.email, ["ingediend", "teruggestuurd"]),
    ]
    assert spoor1[1].wijzigingen["reactie"] == [None, "Toelichting ontbreekt."]
    assert [(r.actie, r.door, r.wijzigingen["status"]) for r in spoor2] == [
        ("aangemaakt", wereld.gebruiker.email, [None, "ingediend"]),
        ("gewijzigd", wereld.beleidsmedewerker.email, ["ingediend", "goedgekeurd"]),
    ]


# --- Isolation ----------------------------------------------------------------------------


def _stand_van(db, beschikking: Beschikking) -> list[tuple[int, int, VerantwoordingStatus]]:
    return [(v.id, v.versie, v.status) for v in versies(db, beschikking)]


def test_a_municipality_user_cannot_touch_another_municipality(db, wereld, login_as):
    andere = maak_verantwoording(wereld.andere)
    eigen = maak_verantwoording(wereld.eigen)
    voor = _stand_van(db, wereld.andere)
    gemeente = login_as(wereld.gebruiker)

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
    assert "Rotterdam" not in gemeente.get(pagina_url(eigen)).text


def test_forged_fields_naming_another_decision_are_ignored(db, wereld, login_as):
    gemeente = login_as(wereld.gebruiker)
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


def test_the_block_shows_versions_and_the_actions_each_role_may_take(app, db, wereld, login_as):
    assert "Er is nog geen verantwoording ingediend." in render_blok(
        app, wereld.gebruiker, wereld.eigen
    )
    v1 = maak_verantwoording(wereld.eigen, door="gemeente@amsterdam.nl")

    voor_gemeente = render_blok(app, wereld.gebruiker, wereld.eigen)
    voor_officier = render_blok(app, wereld.beleidsmedewerker, wereld.eigen)
    voor_financien = render_blok(app, wereld.medewerker_financien, wereld.eigen)

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

    officier = login_as(wereld.beleidsmedewerker)
    terugsturen(officier, v1, v1.versie, "Graag per doel uitsplitsen.")
    [v1] = versies(db, wereld.eigen)
    assert "Graag per doel uitsplitsen." in render_blok(app, wereld.gebruiker, wereld.eigen)
    v2 = maak_verantwoording(wereld.eigen, Decimal("90000.00"), eind=True)
    goedkeuren(officier, v2, v2.versie)

    voor_officier = render_blok(app, wereld.beleidsmedewerker, wereld.eigen)
    voor_gemeente = render_blok(app, wereld.gebruiker, wereld.eigen)
    assert f"/versterkingsgelden/beschikkingen/{wereld.eigen.id}/vaststellen" in voor_officier
    assert "Vaststellen" not in voor_gemeente
    assert "Verantwoording indienen" not in voor_gemeente  # the final return is approved


@pytest.mark.csrf
def test_the_review_forms_carry_their_own_csrf_token(db, wereld, login_as):
    v = maak_verantwoording(wereld.eigen)
    officier = login_as(wereld.beleidsmedewerker)
    token = csrf_token(officier.get(pagina_url(v)), "goedkeuren-csrf_token")

    zonder = officier.post(pagina_url(v) + "/goedkeuren", data={"goedkeuren-versie": v.versie})
    assert zonder.status_code == 400
    assert versies(db, wereld.eigen)[0].status is VerantwoordingStatus.INGEDIEND

    met = officier.post(
        pagina_url(v) + "/goedkeuren",
        data={"goedkeuren-versie": v.versie, "goedkeuren-csrf_token": token},
    )
    assert met.status_code == 302
    assert versies(db, wereld.eigen)[0].status is VerantwoordingStatus.GOEDGEKEURD
