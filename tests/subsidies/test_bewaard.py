"""The year overview kept per data version (`kern.cache`): a change is on the very next page,
each filter has a page of its own, a Redis that does not answer costs nothing but time; and
answers go out compressed when the browser asks, except an xlsx."""

from __future__ import annotations

import gzip
import logging
import re
import uuid
import zlib
from decimal import Decimal

import brotli
import pytest

from kern import paginering
from kern.accounts.models import Rol
from kern.cache import cache
from tests.diensten import redis_antwoordt
from tests.gemeenten.factories import maak_gemeente
from tests.pagina import tekst
from tests.sql import telling
from tests.subsidies.factories import (
    maak_beschikking,
    maak_betaling,
    maak_regeling,
    maak_verantwoording,
)
from tests.subsidies.test_overzichten import gemeenten_in, rijen


@pytest.fixture
def jaar(db):
    """Amsterdam 100,000 and Rotterdam 80,000 in 2015, nothing paid yet."""
    regeling = maak_regeling()
    maak_beschikking(maak_gemeente("GM0363", "Amsterdam"), regeling, Decimal("100000.00"))
    maak_beschikking(maak_gemeente("GM0599", "Rotterdam"), regeling, Decimal("80000.00"))
    return regeling.jaren[0]


def _url(jaar, **argumenten: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in argumenten.items())
    return f"/versterkingsgelden/jaren/{jaar.id}/overzicht" + (f"?{query}" if query else "")


def _registreer(financien, betaling, bedrag: str):
    """Finance registers ``betaling`` as paid with ``bedrag``, confirmed, through the form."""
    return financien.post(
        f"/versterkingsgelden/betalingen/{betaling.id}/betaald",
        data={
            "betaald_op": "2015-11-02",
            "bedrag": bedrag,
            "betalingskenmerk": "BANK-1",
            "versie": betaling.versie,
            "bevestigd": "ja",
        },
    )


def test_a_change_after_the_overview_was_kept_is_on_the_next_request(officier, jaar):
    eerst = officier.get(_url(jaar))
    with telling() as bewaard:
        nog_eens = officier.get(_url(jaar))
    assert rijen(eerst)["Amsterdam"][4] == rijen(nog_eens)["Amsterdam"][4] == "€\xa00,00"
    assert not any("FROM beschikkingen" in s for s in bewaard), "the kept page was computed again"

    maak_betaling(jaar.beschikkingen[0], "40000.00")  # committed before the next request

    na = officier.get(_url(jaar))
    assert rijen(na)["Amsterdam"][4] == "€\xa040.000,00"
    assert "€\xa040.000,00" in tekst(na)  # the total under the table too


def test_a_change_through_a_page_is_on_the_overview_at_once(financien, officier, jaar):
    """The whole way: finance registers a payment; the officer's next overview has it."""
    beschikking = jaar.beschikkingen[1]
    betaling = maak_betaling(beschikking, "80000.00", betaald=False)
    assert rijen(officier.get(_url(jaar)))["Rotterdam"][4] == "€\xa00,00"

    antwoord = _registreer(financien, betaling, "80000,00")
    assert antwoord.status_code == 302

    assert rijen(officier.get(_url(jaar)))["Rotterdam"][4] == "€\xa080.000,00"


def test_finances_work_list_shows_a_payment_registered_after_it_was_kept(financien, jaar):
    beschikking = jaar.beschikkingen[1]
    betaling = maak_betaling(beschikking, "80000.00", betaald=False)
    voor = financien.get("/versterkingsgelden/betalingen")
    assert "Totaal (1), waarvan achterstallig 1: €\xa080.000,00" in tekst(voor)
    assert "Te betalen: 1 (€\xa080.000,00)" in tekst(financien.get("/"))
    with telling() as bewaard:  # rows, totals and the start page's first ones: all kept
        assert tekst(financien.get("/versterkingsgelden/betalingen")) == tekst(voor)
        financien.get("/")
    assert not any("FROM betalingen" in s for s in bewaard), "computed again"

    assert _registreer(financien, betaling, "80000,00").status_code == 302

    na = financien.get("/versterkingsgelden/betalingen")
    assert "Totaal (1)" not in tekst(na)
    assert "Rotterdam" not in na.text
    assert "Te betalen: 0 (€\xa00,00)" in tekst(financien.get("/"))


def test_a_refused_change_leaves_the_kept_overview(financien, officier, jaar):
    beschikking = jaar.beschikkingen[1]
    betaling = maak_betaling(beschikking, "80000.00", betaald=False)
    officier.get(_url(jaar))

    antwoord = _registreer(
        financien, betaling, "90000,00"
    )  # more than planned: refused, rolled back
    assert antwoord.status_code == 400

    with telling() as bewaard:
        na = officier.get(_url(jaar))
    assert rijen(na)["Rotterdam"][4] == "€\xa00,00"
    assert not any("FROM beschikkingen" in s for s in bewaard), "a refusal raised the version"


def test_every_filter_and_sort_order_has_a_page_of_its_own(officier, jaar):
    assert gemeenten_in(officier.get(_url(jaar))) == ["Amsterdam", "Rotterdam"]

    assert gemeenten_in(officier.get(_url(jaar, q="rotter"))) == ["Rotterdam"]
    assert gemeenten_in(officier.get(_url(jaar, q="amster"))) == ["Amsterdam"]
    assert gemeenten_in(officier.get(_url(jaar, sorteer="toegekend"))) == ["Rotterdam", "Amsterdam"]
    aflopend = officier.get(_url(jaar, sorteer="toegekend", richting="aflopend"))
    assert gemeenten_in(aflopend) == ["Amsterdam", "Rotterdam"]
    # The sort links keep the filter they were made under.
    assert 'overzicht?sorteer=toegekend&amp;richting=oplopend"' in officier.get(_url(jaar)).text
    assert "q=rotter&amp;sorteer=" in officier.get(_url(jaar, q="rotter")).text


def test_a_redis_that_does_not_answer_costs_the_page_nothing(app, officier, jaar, caplog):
    cache.init_app(
        app, config={"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": "redis://127.0.0.1:9/0"}
    )

    with caplog.at_level(logging.WARNING, logger="kern.cache"):
        antwoord = officier.get(_url(jaar))

    assert antwoord.status_code == 200
    assert gemeenten_in(antwoord) == ["Amsterdam", "Rotterdam"]
    assert "Cache unreachable" in caplog.text


@pytest.mark.skipif(not redis_antwoordt(), reason="no Redis on 127.0.0.1:6379")
def test_in_redis_the_overview_is_kept_and_a_change_seen(app, officier, jaar):
    prefix = f"test:{uuid.uuid4().hex}:"  # tests running side by side share the server
    cache.init_app(
        app,
        config={
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": "redis://127.0.0.1:6379/0",
            "CACHE_KEY_PREFIX": prefix,
            "CACHE_DEFAULT_TIMEOUT": 60,
        },
    )
    try:
        officier.get(_url(jaar))
        with telling() as bewaard:
            assert rijen(officier.get(_url(jaar)))["Amsterdam"][4] == "€\xa00,00"
        assert not any("FROM beschikkingen" in s for s in bewaard)

        maak_betaling(jaar.beschikkingen[0], "1000.00")
        assert rijen(officier.get(_url(jaar)))["Amsterdam"][4] == "€\xa01.000,00"
    finally:
        with app.app_context():
            cache.clear()


# --- Compression ----------------------------------------------------------------------------


def test_a_page_is_compressed_when_the_browser_asks(officier, jaar):
    gewoon = officier.get(_url(jaar))
    met_br = officier.get(_url(jaar), headers={"Accept-Encoding": "br, gzip"})
    met_gzip = officier.get(_url(jaar), headers={"Accept-Encoding": "gzip"})

    assert "Content-Encoding" not in gewoon.headers
    assert met_br.headers["Content-Encoding"] == "br"
    assert met_gzip.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in met_br.headers["Vary"]
    assert _zonder_token(brotli.decompress(met_br.data)) == _zonder_token(gewoon.data)
    assert _zonder_token(gzip.decompress(met_gzip.data)) == _zonder_token(gewoon.data)
    assert len(met_br.data) < len(gewoon.data) / 3


def _zonder_token(html: bytes) -> bytes:
    """The page without its CSRF token, which is signed with the second it was made in (two
    requests across a second's boundary differ there)."""
    return re.sub(rb'name="csrf_token" value="[^"]*"', b'name="csrf_token"', html)


def test_csv_is_compressed_and_xlsx_is_not(officier, jaar):
    csv = officier.get(_url(jaar, formaat="csv"), headers={"Accept-Encoding": "gzip, deflate"})
    xlsx = officier.get(
        _url(jaar, formaat="xlsx"), headers={"Accept-Encoding": "gzip, deflate, br"}
    )

    assert csv.headers["Content-Encoding"] == "deflate"  # streamed: gzip is not offered
    assert "Amsterdam" in zlib.decompress(csv.data).decode("utf-8-sig")
    assert xlsx.status_code == 200
    assert "Content-Encoding" not in xlsx.headers
    assert xlsx.data[:2] == b"PK"  # the zip file itself


# --- The spending summary -------------------------------------------------------------------

BESTEDINGEN = "/versterkingsgelden/bestedingen"


def _samenvatting(antwoord) -> tuple[list[str], str]:
    """The recipients of the summary's rows on this page, and the text of its totals."""
    tabel = re.search(r'<table class="tabel" id="samenvatting">(.*?)</table>', antwoord.text, re.S)
    assert tabel is not None
    namen = [tekst(n) for n in re.findall(r'<th scope="row">([^<]*)</th>', tabel[1])]
    voet = re.search(r"<tfoot>(.*?)</tfoot>", tabel[1], re.S)
    assert voet is not None
    return [n for n in namen if not n.startswith("Totaal")], tekst(voet[1])


def test_the_summary_pages_its_rows_and_totals_all_of_them(financien, jaar, monkeypatch):
    monkeypatch.setattr(paginering, "PER_PAGINA", 1)

    eerste, tweede = financien.get(BESTEDINGEN), financien.get(f"{BESTEDINGEN}?pagina=2")

    assert _samenvatting(eerste)[0] == ["Amsterdam"]
    assert _samenvatting(tweede)[0] == ["Rotterdam"]
    for pagina in (eerste, tweede):
        assert "€\xa0180.000,00" in _samenvatting(pagina)[1]  # 100,000 + 80,000
        assert "2 beschikkingen" in tekst(pagina)
    assert financien.get(f"{BESTEDINGEN}?pagina=3").status_code == 404
    jaar_id = financien.get(f"{BESTEDINGEN}?van=2015&pagina=2")
    assert 'href="/versterkingsgelden/bestedingen?van=2015&amp;pagina=1" rel="prev"' in jaar_id.text


def test_the_summary_is_kept_and_a_change_is_on_the_next_request(financien, jaar):
    financien.get(BESTEDINGEN)
    with telling() as bewaard:
        financien.get(BESTEDINGEN)
    assert not any("IN (SELECT beschikkingen.id" in s for s in bewaard), "computed again"

    maak_betaling(jaar.beschikkingen[0], "25000.00")

    assert "€\xa025.000,00" in _samenvatting(financien.get(BESTEDINGEN))[1]


def test_a_municipalitys_summary_is_its_own_whatever_was_kept(financien, login_as, jaar):
    amsterdam = jaar.beschikkingen[0].gemeente
    assert "€\xa0180.000,00" in _samenvatting(financien.get(BESTEDINGEN))[1]
    klerk = login_as(Rol.GEMEENTE, gemeente=amsterdam)

    eigen = klerk.get(f"/versterkingsgelden/gemeenten/{amsterdam.cbs_code}/bestedingen")

    namen, totalen = _samenvatting(eigen)
    assert namen == ["Amsterdam"]
    assert "€\xa0100.000,00" in totalen
    assert "180.000" not in eigen.text
    assert "Rotterdam" not in eigen.text
    assert klerk.get("/versterkingsgelden/gemeenten/GM0599/bestedingen").status_code == 404


TE_BEOORDELEN = "/versterkingsgelden/te-beoordelen"


def test_the_review_work_list_is_kept_and_a_new_return_is_on_the_next_request(officier, jaar):
    amsterdam, rotterdam = jaar.beschikkingen
    maak_verantwoording(amsterdam, Decimal("30000.00"))
    eerst = officier.get(TE_BEOORDELEN)
    with telling() as bewaard:
        nog_eens = officier.get(TE_BEOORDELEN)
    assert "Amsterdam" in tekst(eerst)
    assert "Amsterdam" in tekst(nog_eens)
    assert "Rotterdam" not in tekst(nog_eens)
    assert not any("FROM verantwoordingen" in s for s in bewaard), "computed again"

    maak_verantwoording(rotterdam, Decimal("12345.67"))  # committed before the next request

    na = tekst(officier.get(TE_BEOORDELEN))
    assert "Rotterdam" in na
    assert "€\xa012.345,67" in na
    assert "2 ingediende versies wachten op beoordeling" in na


def test_the_review_work_lists_export_has_every_row_of_the_kept_list(officier, jaar):
    amsterdam, rotterdam = jaar.beschikkingen
    maak_verantwoording(amsterdam, Decimal("30000.00"))
    maak_verantwoording(rotterdam, Decimal("12345.67"), eind=True)
    officier.get(TE_BEOORDELEN)  # kept now

    csv = officier.get(f"{TE_BEOORDELEN}?formaat=csv").get_data(as_text=True)

    assert "Amsterdam" in csv
    assert "Rotterdam" in csv
    assert "Eindverantwoording" in csv
    assert "Tussentijds" in csv
    assert "De besteding wijkt af van het toegekende bedrag, zonder toelichting." in csv


def test_the_decisions_of_a_year_are_kept_and_a_payment_is_on_the_next_request(officier, jaar):
    url = f"/versterkingsgelden/jaren/{jaar.id}"
    eerst = officier.get(url)
    with telling() as bewaard:
        nog_eens = officier.get(url)
    assert tekst(eerst) == tekst(nog_eens)
    assert "€\xa0180.000,00" in tekst(nog_eens)  # the year's total granted
    assert not any("FROM beschikkingen" in s for s in bewaard), "computed again"

    maak_betaling(jaar.beschikkingen[1], "25000.00")  # Rotterdam, committed before the request
    maak_beschikking(maak_gemeente("GM0518", "'s-Gravenhage"), jaar.regeling, Decimal("5000.00"))

    na = tekst(officier.get(url))
    assert "€\xa025.000,00" in na  # Rotterdam's payment, and the year's total paid
    assert "'s-Gravenhage" in na
    assert "€\xa0185.000,00" in na
