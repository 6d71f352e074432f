"""The second factor (kern/accounts/tweede_factor.py): codes that work once, recovery codes
that work once, an administrator's reset and a role change that end the user's sessions, and
the development-only skip."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select

from kern.accounts import services, tweede_factor
from kern.accounts.models import Gebruiker, Herstelcode, Rol, Sessie, nieuw_sessietoken, sleutel_van
from kern.app import create_app
from kern.beveiligingslog import Beveiligingsregel, Gebeurtenis
from kern.config import ConfigError
from kern.db import utcnow
from tests.kern.factories import maak_gebruiker
from tests.kern.test_sessies import is_aangemeld, kopie
from tests.pagina import foutmeldingen, meldingen, tekst


def ingesteld(db, rol: Rol = Rol.BELEIDSMEDEWERKER) -> Gebruiker:
    gebruiker = maak_gebruiker(rol, tweede_factor=False)
    tweede_factor.geheim_om_in_te_stellen(gebruiker)
    gebruiker.totp_ingesteld_op = utcnow()
    db.session.flush()
    return gebruiker


def code_op(gebruiker: Gebruiker, moment) -> str:
    assert gebruiker.totp_geheim is not None
    return pyotp.TOTP(gebruiker.totp_geheim).at(moment)


def beeindigd(db, sessie: Sessie) -> bool:
    """Read from the table: has the session ended?"""
    return db.session.execute(
        select(Sessie.beeindigd_op.is_not(None)).where(Sessie.id == sessie.id)
    ).scalar_one()


def lopende_sessie(db, gebruiker: Gebruiker) -> Sessie:
    sessie = Sessie(
        sleutel=sleutel_van(nieuw_sessietoken()), gebruiker=gebruiker, tweede_factor_op=utcnow()
    )
    db.session.add(sessie)
    db.session.flush()
    return sessie


def test_a_code_works_once_also_within_its_window(db):
    gebruiker = ingesteld(db)
    nu = utcnow()
    code = code_op(gebruiker, nu)

    eerst = tweede_factor.controleer(gebruiker, code, nu)
    nogmaals = tweede_factor.controleer(gebruiker, code, nu + timedelta(seconds=5))

    assert eerst.goed
    assert not nogmaals.goed
    assert nogmaals.reden == "code al gebruikt"
    assert db.session.get(Gebruiker, gebruiker.id).totp_laatste_stap == pyotp.TOTP(
        gebruiker.totp_geheim
    ).timecode(nu)


def test_a_code_of_an_earlier_step_is_refused_after_a_later_one_was_used(db):
    gebruiker = ingesteld(db)
    nu = utcnow()
    vorige = code_op(gebruiker, nu - timedelta(seconds=30))
    assert tweede_factor.controleer(gebruiker, code_op(gebruiker, nu), nu).goed

    assert not tweede_factor.controleer(gebruiker, vorige, nu).goed


def test_one_step_of_clock_difference_is_accepted_two_are_not(db):
    gebruiker = ingesteld(db)
    nu = utcnow()

    volgende = code_op(gebruiker, nu + timedelta(seconds=30))
    assert tweede_factor.controleer(gebruiker, volgende, nu).goed
    te_oud = code_op(gebruiker, nu - timedelta(seconds=90))
    assert not tweede_factor.controleer(gebruiker, te_oud, nu).goed


@pytest.mark.parametrize("invoer", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "x" * 5000])
def test_wrong_or_malformed_codes_are_refused_and_change_nothing(db, invoer):
    gebruiker = ingesteld(db)

    uitkomst = tweede_factor.controleer(gebruiker, invoer, utcnow())

    assert not uitkomst.goed
    assert db.session.get(Gebruiker, gebruiker.id).totp_laatste_stap is None


def test_enrolling_confirms_with_a_valid_code_and_gives_recovery_codes_each_working_once(db):
    gebruiker = maak_gebruiker(tweede_factor=False)
    geheim = tweede_factor.geheim_om_in_te_stellen(gebruiker)
    assert tweede_factor.geheim_om_in_te_stellen(gebruiker) == geheim  # the same, shown again
    nu = utcnow()

    fout = f"{(int(code_op(gebruiker, nu)) + 1) % 10**6:06d}"
    assert tweede_factor.bevestig(gebruiker, fout, nu) is None
    codes = tweede_factor.bevestig(gebruiker, code_op(gebruiker, nu), nu)

    assert codes is not None
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert tweede_factor.ingesteld(gebruiker)
    opgeslagen = db.session.execute(select(Herstelcode.sleutel)).scalars().all()
    assert not set(opgeslagen) & {c.replace("-", "") for c in codes}  # only their hashes
    herstel = tweede_factor.controleer(gebruiker, codes[3].lower().replace("-", " "), nu)
    assert herstel.goed
    assert herstel.herstelcode
    assert not tweede_factor.controleer(gebruiker, codes[3], nu).goed
    assert tweede_factor.herstelcodes_over(gebruiker) == 9


def test_another_users_recovery_code_does_not_work(db):
    eigenaar, ander = ingesteld(db), ingesteld(db)
    codes = tweede_factor.nieuwe_herstelcodes(eigenaar)

    assert not tweede_factor.controleer(ander, codes[0], utcnow()).goed
    assert tweede_factor.herstelcodes_over(eigenaar) == 10


def test_a_reset_forgets_the_factor_and_ends_every_session(db):
    gebruiker = ingesteld(db)
    tweede_factor.nieuwe_herstelcodes(gebruiker)
    sessies = [lopende_sessie(db, gebruiker), lopende_sessie(db, gebruiker)]
    ander = lopende_sessie(db, ingesteld(db))

    assert tweede_factor.reset(gebruiker) == 2

    assert gebruiker.totp_geheim is None
    assert not tweede_factor.ingesteld(gebruiker)
    assert tweede_factor.herstelcodes_over(gebruiker) == 0
    assert all(beeindigd(db, s) for s in sessies)
    assert not beeindigd(db, ander)


def test_a_role_change_ends_every_session_of_the_user(db):
    gebruiker = ingesteld(db, Rol.FINANCIEN)
    sessie = lopende_sessie(db, gebruiker)

    assert services.wijzig_rol(gebruiker, Rol.BELEIDSMEDEWERKER, None) == 1

    assert gebruiker.rol is Rol.BELEIDSMEDEWERKER
    assert beeindigd(db, sessie)


@pytest.mark.parametrize(
    ("rol", "gemeente", "melding"),
    [
        (Rol.GEMEENTE, None, "hoort bij precies één gemeente"),
        (Rol.FINANCIEN, None, "Er verandert niets"),
    ],
)
def test_a_role_change_that_does_not_fit_is_refused_and_ends_nothing(db, rol, gemeente, melding):
    gebruiker = ingesteld(db, Rol.FINANCIEN)
    sessie = lopende_sessie(db, gebruiker)

    with pytest.raises(services.AccountFout, match=melding):
        services.wijzig_rol(gebruiker, rol, gemeente)

    assert not beeindigd(db, sessie)


@pytest.mark.parametrize("omgeving", ["production", "testing"])
def test_skipping_the_second_factor_is_refused_outside_development(
    omgeving, tmp_path: Path, monkeypatch
):
    monkeypatch.delenv("APP_ENV", raising=False)
    instellingen = {
        "APP_ENV": omgeving,
        "SECRET_KEY": "een-echt-geheime-sleutel-van-ruim-tweeendertig-tekens",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
        "TWEEDE_FACTOR_OVERSLAAN": True,
    }
    with pytest.raises(ConfigError, match="TWEEDE_FACTOR_OVERSLAAN is for development only"):
        create_app(instellingen)

    assert create_app({**instellingen, "APP_ENV": "development"}).config["TWEEDE_FACTOR_OVERSLAAN"]


# --- The administrator's account page -------------------------------------------------------


def laatste_log(db, gebeurtenis: Gebeurtenis) -> Beveiligingsregel:
    return (
        db.session.execute(
            select(Beveiligingsregel)
            .where(Beveiligingsregel.gebeurtenis == gebeurtenis)
            .order_by(Beveiligingsregel.id.desc())
        )
        .scalars()
        .first()
    )


def test_the_account_page_shows_the_second_factor_and_the_recovery_codes_left(db, login_as):
    gebruiker = ingesteld(db)
    codes = tweede_factor.nieuwe_herstelcodes(gebruiker)
    tweede_factor.controleer(gebruiker, codes[0], utcnow())
    nieuw = maak_gebruiker(Rol.FINANCIEN, tweede_factor=False)
    beheer = login_as(Rol.BEHEERDER)

    pagina = tekst(beheer.get(f"/beheer/gebruikers/{gebruiker.id}"))
    nog_niet = tekst(beheer.get(f"/beheer/gebruikers/{nieuw.id}"))

    assert "nog 9 herstelcodes ongebruikt" in pagina
    assert "Tweede factor nog niet ingesteld" in nog_niet
    assert beheer.get("/beheer/gebruikers/999999").status_code == 404


def test_an_administrator_resets_a_second_factor_audited_and_ending_every_session(
    app, db, login_as
):
    gebruiker = ingesteld(db, Rol.FINANCIEN)
    laptop = login_as(gebruiker)
    dief = kopie(app, laptop)
    beheer = login_as(Rol.BEHEERDER)

    antwoord = beheer.post(
        f"/beheer/gebruikers/{gebruiker.id}/tweede-factor-resetten", follow_redirects=True
    )

    assert meldingen(antwoord)[0][0] == "succes"
    assert "tweede factor van" in meldingen(antwoord)[0][1]
    assert not is_aangemeld(laptop)
    assert not is_aangemeld(dief)  # the cookie replayed after the reset
    gebruiker = db.session.get(Gebruiker, gebruiker.id)
    assert gebruiker.totp_geheim is None
    assert gebruiker.totp_ingesteld_op is None
    regel = laatste_log(db, Gebeurtenis.TWEEDE_FACTOR_GERESET)
    assert regel.object == f"gebruiker {gebruiker.id} ({gebruiker.email})"
    assert regel.door.startswith("beheerder")
    assert regel.toelichting == "1 sessie(s) beëindigd"


def test_an_administrator_changes_a_role_audited_and_ending_every_session(app, db, login_as):
    gebruiker = ingesteld(db, Rol.FINANCIEN)
    laptop = login_as(gebruiker)
    beheer = login_as(Rol.BEHEERDER)

    antwoord = beheer.post(
        f"/beheer/gebruikers/{gebruiker.id}/rol",
        data={"rol": "beleidsmedewerker", "gemeente_id": "0"},
        follow_redirects=True,
    )

    assert meldingen(antwoord)[0][0] == "succes"
    assert not is_aangemeld(laptop)
    assert db.session.get(Gebruiker, gebruiker.id).rol is Rol.BELEIDSMEDEWERKER
    regel = laatste_log(db, Gebeurtenis.ROL_GEWIJZIGD)
    assert regel.toelichting == "van financien naar beleidsmedewerker; 1 sessie(s) beëindigd"
    assert login_as(gebruiker).get("/beheer/gebruikers").status_code == 403


@pytest.mark.parametrize(
    ("gegevens", "melding"),
    [
        ({"rol": "gemeente", "gemeente_id": "0"}, "Kies de gemeente van deze medewerker."),
        ({"rol": "koning", "gemeente_id": "0"}, "Ongeldige keuze"),
        ({"rol": "financien", "gemeente_id": "abc"}, "Ongeldige keuze"),
        ({"rol": "financien", "gemeente_id": "0"}, "Er verandert niets"),
    ],
)
def test_a_role_change_that_does_not_fit_is_refused_in_dutch(db, login_as, gegevens, melding):
    gebruiker = ingesteld(db, Rol.FINANCIEN)
    laptop = login_as(gebruiker)
    beheer = login_as(Rol.BEHEERDER)

    antwoord = beheer.post(f"/beheer/gebruikers/{gebruiker.id}/rol", data=gegevens)

    assert antwoord.status_code == 400
    assert any(melding in f for f in foutmeldingen(antwoord)), foutmeldingen(antwoord)
    assert db.session.get(Gebruiker, gebruiker.id).rol is Rol.FINANCIEN
    assert is_aangemeld(laptop)
    assert laatste_log(db, Gebeurtenis.ROL_GEWIJZIGD) is None


def test_an_administrator_cannot_change_their_own_role_or_second_factor(db, login_as):
    beheerder = ingesteld(db, Rol.BEHEERDER)
    beheer = login_as(beheerder)

    rol = beheer.post(
        f"/beheer/gebruikers/{beheerder.id}/rol",
        data={"rol": "financien", "gemeente_id": "0"},
        follow_redirects=True,
    )
    reset = beheer.post(
        f"/beheer/gebruikers/{beheerder.id}/tweede-factor-resetten", follow_redirects=True
    )

    assert meldingen(rol) == [("fout", "U kunt uw eigen rol niet wijzigen.")]
    assert meldingen(reset)[0][0] == "fout"
    beheerder = db.session.get(Gebruiker, beheerder.id)
    assert beheerder.rol is Rol.BEHEERDER
    assert tweede_factor.ingesteld(beheerder)
    assert is_aangemeld(beheer)
