"""Every list exports what its page shows: the same rows in the same order under the same
filters, and totals that are the page's to the cent (read back with openpyxl)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.kern.test_export import _filters
from tests.pagina import tekst
from tests.subsidies.test_bestedingen import bedrag, bestand
from tests.subsidies.test_betalingen import sectie

pytestmark = pytest.mark.usefixtures("op_1_juni_2016")


@pytest.fixture
def op_1_juni_2016(monkeypatch):
    from datetime import UTC, datetime

    from kern import tijd

    monkeypatch.setattr(tijd, "nu", lambda: datetime(2016, 6, 1, 10, 0, tzinfo=UTC))


def werkmap(client, url: str, **opties):
    return load_workbook(io.BytesIO(bestand(client, url)[0]), **opties)


def voet(html: str) -> str:
    return re.search(r"<tfoot>(.*?)</tfoot>", html, re.S).group(1)


def bedragen(html: str) -> list[Decimal]:
    """Every amount in ``html``, in order."""
    return [bedrag(b) for b in re.findall(r"€\xa0-?[\d.]+,\d\d", html)]


def rijnamen(html: str) -> list[str]:
    tbody = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    return [tekst(naam) for naam in re.findall(r'<th scope="row">(.*?)</th>', tbody, re.S)]


def totalen(blad) -> dict[str, Decimal]:
    """The total row's stored values by heading (read with data_only)."""
    rijen = list(blad.iter_rows(values_only=True))
    assert rijen[-1][0] == "Totaal"
    return {
        kop: Decimal(str(waarde)).quantize(Decimal("0.01"))
        for kop, waarde in zip(rijen[0], rijen[-1], strict=True)
        if isinstance(waarde, int | float)
    }


def test_the_year_overview_exports_its_rows_in_its_order_with_its_totals(financien, demo):
    pagina = f"/versterkingsgelden/jaren/{demo.id}/overzicht?sorteer=betaald&richting=aflopend"
    html = financien.get(pagina).text

    cellen = werkmap(financien, pagina + "&formaat=xlsx", data_only=True)
    formules = werkmap(financien, pagina + "&formaat=xlsx")

    blad = cellen["Overzicht"]
    namen = [r[0] for r in blad.iter_rows(min_row=2, max_row=blad.max_row - 1, values_only=True)]
    assert namen == rijnamen(html)
    assert namen[0] == "Den Haag ('s-Gravenhage)"  # paid 950,000: the most
    som = totalen(blad)
    pagina_voet = bedragen(voet(html))
    assert [som["Toegekend"], som["In concept"], som["Betaald"]] == [
        pagina_voet[0],
        Decimal("0.00"),
        pagina_voet[1],
    ]
    assert som["Toegekend"] == Decimal("4477000.00")
    assert [som["Besteed totaal"], som["Vastgesteld"], som["Saldo"]] == pagina_voet[-3:]
    totaalrij = list(formules["Overzicht"].iter_rows())[-1]
    assert all(c.value.startswith("=SUM(") for c in totaalrij if c.data_type == "f")
    assert _filters(cellen["Toelichting"]) == {"Gesorteerd op": "Betaald, aflopend"}


def test_the_year_overview_export_keeps_the_filters(financien, demo):
    pagina = f"/versterkingsgelden/jaren/{demo.id}/overzicht?status=vastgesteld&q=haag"

    blad = werkmap(financien, pagina + "&formaat=xlsx")

    assert [r[0] for r in blad["Overzicht"].iter_rows(min_row=2, values_only=True)] == [
        "Den Haag ('s-Gravenhage)",
        "Totaal",
    ]
    assert _filters(blad["Toelichting"]) == {
        "Zoek op gemeente": "haag",
        "Status van de beschikking": "Vastgesteld",
        "Gesorteerd op": "Gemeente, oplopend",
    }


def test_the_decisions_of_a_year_export_the_pages_totals(financien, demo):
    pagina = f"/versterkingsgelden/jaren/{demo.id}"
    html = financien.get(pagina).text

    blad = werkmap(financien, pagina + "?formaat=xlsx", data_only=True)["Beschikkingen"]

    assert [r[0] for r in blad.iter_rows(min_row=2, max_row=10, values_only=True)] == rijnamen(html)
    som = totalen(blad)
    assert [som["Toegekend"], som["Betaald"]] == bedragen(voet(html))


def test_the_returns_waiting_for_review_export_as_listed(financien, demo):
    html = financien.get("/versterkingsgelden/te-beoordelen").text

    blad = werkmap(financien, "/versterkingsgelden/te-beoordelen?formaat=xlsx")["Te beoordelen"]

    rijen = list(blad.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rijen] == ["Amsterdam", "Huizen"]
    assert rijen[0][3] == 2  # Amsterdam's second version
    pagina_rijen = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1], re.S)
    assert [Decimal(str(r[7])).quantize(Decimal("0.01")) for r in rijen] == [
        bedragen(rij)[-1] for rij in pagina_rijen
    ]
    assert rijen[1][8] == "De besteding wijkt af van het toegekende bedrag, zonder toelichting."


def test_the_work_list_exports_its_three_parts(financien, demo):
    html = financien.get("/versterkingsgelden/betalingen").text

    bladen = werkmap(financien, "/versterkingsgelden/betalingen?formaat=xlsx", data_only=True)
    terug, antwoord = bestand(financien, "/versterkingsgelden/betalingen?formaat=csv&tabel=2")

    assert bladen.sheetnames == [
        "Te betalen",
        "Terug te vorderen",
        "Geregistreerd 06-2016",
        "Toelichting",
    ]
    te_betalen = bladen["Te betalen"]
    assert totalen(te_betalen)["Bedrag"] == bedragen(voet(sectie(html, "Te betalen")))[-1]
    assert [r[2] for r in te_betalen.iter_rows(min_row=2, max_row=4, values_only=True)] == [
        "Rotterdam",
        "Arnhem",
        "Huizen",
    ]
    assert re.fullmatch(
        r'attachment; filename="betalingen-terug-te-vorderen-20160601\.csv"',
        antwoord.headers["Content-Disposition"],
    )
    regels = list(csv.reader(io.StringIO(terug.decode("utf-8-sig")), delimiter=";"))
    assert regels[1][2:4] == ["Den Haag ('s-Gravenhage)", "Versterkingsgelden"]
    assert regels[1][-1] == "80000,00"
