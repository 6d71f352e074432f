from tests.pagina import tekst


def test_signed_in_officer_sees_the_start_page(beleidsmedewerker, officier):
    assert f"Welkom, {beleidsmedewerker.naam}" in tekst(officier.get("/"))
