from kern.accounts.models import Rol
from tests.kern.factories import maak_gebruiker


def test_signed_in_officer_sees_the_start_page(app, db, login):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    db.session.commit()
    client = login(officer)
    page = client.get("/").get_data(as_text=True)
    assert f"Welkom, {officer.naam}" in page
