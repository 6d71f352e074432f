"""The spending summary: the page, its workbook read back (openpyxl, and LibreOffice where it is
installed), its filters, and a municipality's own summary."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from gemeenten.models import Gemeente
from kern.accounts.models import Rol
from subsidies.models import Betaling, VerantwoordingRegel
from tests.kern.test_export import _filters
from tests.libreoffice import SOFFICE, opnieuw_opgeslagen

pytestmark = pytest.mark.usefixtures("demo", "op_1_juni_2016")

PAGINA = "/versterkingsgelden/bestedingen"


def bedrag(tekst_: str) -> Decimal:
    """``€ 4.477.000,00`` (or ``€ -80.000,00``) as a Decimal."""
    schoon = tekst_.replace("€", "").replace("\xa0", "").replace(" ", "").replace(".", "")
    return Decimal(schoon.replace(",", ".").replace("−", "-"))


def paginatotalen(html: str) -> list[Decimal]:
    voet = re.search(r'<table class="tabel" id="samenvatting">.*?<tfoot>(.*?)</tfoot>', html, re.S)
    return [bedrag(t) for t in re.findall(r"<strong>([^<]*)</strong>", voet.group(1))]


@pytest.fixture
def regeling_2015(demo) -> str:
    return f"?regeling={demo.regeling_id}&van=2015&tot=2015"


def bestand(client, url: str) -> tuple[bytes, object]:
    """The export's bytes and its answer (closed: the answer streams a temporary file)."""
    antwoord = client.get(url)
    inhoud = antwoord.get_data()
    antwoord.close()
    return inhoud, antwoord


def totaalrij(blad) -> list:
    rijen = list(blad.iter_rows())
    laatste = rijen[-1]
    assert laatste[0].value == "Totaal"
    return laatste


def test_the_demo_summary_as_a_workbook_has_the_pages_totals_as_sums(financien, regeling_2015):
    pagina = financien.get(PAGINA + regeling_2015).text
    inhoud, antwoord = bestand(financien, PAGINA + regeling_2015 + "&formaat=xlsx")

    assert antwoord.status_code == 200
    assert re.fullmatch(
        r'attachment; filename="versterkingsgelden-2015-20160601\.xlsx"',
        antwoord.headers["Content-Disposition"],
    )
    werkmap = load_workbook(io.BytesIO(inhoud))
    waarden = load_workbook(io.BytesIO(inhoud), data_only=True)
    assert werkmap.sheetnames == ["Samenvatting", "Details", "Betalingen", "Toelichting"]
    blad = werkmap["Samenvatting"]
    koppen = [c.value for c in blad[1]]
    toegekend = koppen.index("Toegekend")
    rijen = list(blad.iter_rows(min_row=2, max_row=blad.max_row - 1))
    assert [r[0].value for r in rijen] == [
        "Amsterdam",
        "Arnhem",
        "Delft",
        "Den Haag ('s-Gravenhage)",
        "Gouda",
        "Huizen",
        "Rotterdam",
        "Utrecht",
        "Zoetermeer",
    ]
    assert all(r[toegekend].data_type == "n" for r in rijen)
    assert sum(1 for r in rijen if r[toegekend].value is None) == 1  # Gouda: not yet set

    totaal = totaalrij(blad)
    formules = [c for c in totaal if c.data_type == "f"]
    letter = totaal[toegekend].column_letter
    assert totaal[toegekend].value == f"=SUM({letter}2:{letter}10)"
    opgeslagen = totaalrij(waarden["Samenvatting"])
    assert opgeslagen[toegekend].value == 4477000
    assert Decimal(str(opgeslagen[toegekend].value)) == Decimal("4477000.00")
    assert "€" in totaal[toegekend].number_format
    assert [
        Decimal(str(opgeslagen[c.column - 1].value)).quantize(Decimal("0.01")) for c in formules
    ] == (paginatotalen(pagina))


def test_the_details_and_payments_are_every_line_and_payment(
    db, financien, regeling_2015, medewerker_financien
):
    werkmap = load_workbook(
        io.BytesIO(bestand(financien, PAGINA + regeling_2015 + "&formaat=xlsx")[0]),
        data_only=True,
    )

    regels = db.session.scalar(select(func.count()).select_from(VerantwoordingRegel))
    betalingen = db.session.scalar(select(func.count()).select_from(Betaling))
    assert werkmap["Details"].max_row == 1 + regels  # no totals: versions are not added up
    assert werkmap["Betalingen"].max_row == 1 + betalingen + 1
    netto = totaalrij(werkmap["Betalingen"])
    samenvatting = werkmap["Samenvatting"]
    betaald = [c.value for c in samenvatting[1]].index("Betaald")
    koppen = [c.value for c in werkmap["Betalingen"][1]]
    assert netto[koppen.index("Netto betaald")].value == totaalrij(samenvatting)[betaald].value
    detail = {c.value: i for i, c in enumerate(werkmap["Details"][1])}
    eerste = next(werkmap["Details"].iter_rows(min_row=2, values_only=True))
    assert eerste[detail["Ontvanger"]] == "Amsterdam"
    assert eerste[detail["Versie"]] == 1
    assert isinstance(eerste[detail["Besteed in jaar"]], int | float)
    assert _filters(werkmap["Toelichting"]) == {
        "Regeling": "Versterkingsgelden",
        "Van jaar": "2015",
        "Tot en met jaar": "2015",
        "Beschikkingen in concept": "niet opgenomen",
    }
    assert (
        werkmap["Toelichting"]["B4"].value
        == f"{medewerker_financien.naam} ({medewerker_financien.email})"
    )


def test_the_filters_narrow_the_summary_and_a_wrong_range_is_said(financien):
    zuid = financien.get(PAGINA + "?provincie=Zuid-Holland").text
    omgekeerd = financien.get(PAGINA + "?van=2015&tot=2014").text
    amsterdam = financien.get(PAGINA + "?gemeente=GM0363").text

    assert "Amsterdam" not in re.search(r"<tbody>(.*?)</tbody>", zuid, re.S).group(1)
    assert "Delft" in zuid
    assert "Kies een jaar uit de lijst." in omgekeerd  # 2014 is no year of any scheme
    assert "1 beschikking;" in amsterdam


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_recalculates_the_totals_to_the_pages(financien, regeling_2015, tmp_path):
    pagina = financien.get(PAGINA + regeling_2015).text
    inhoud, _ = bestand(financien, PAGINA + regeling_2015 + "&formaat=xlsx")

    # Every stored total zeroed, so only a real recalculation can give the page's totals.
    zonder = _zonder_opgeslagen_totalen(inhoud)
    assert set(_totalen(zonder)) == {0}
    herrekend = opnieuw_opgeslagen(zonder, tmp_path, herrekenen=True)

    assert [Decimal(str(t)).quantize(Decimal("0.01")) for t in _totalen(herrekend)] == (
        paginatotalen(pagina)
    )


def _totalen(inhoud: bytes) -> list:
    blad = load_workbook(io.BytesIO(inhoud), data_only=True)["Samenvatting"]
    formules = load_workbook(io.BytesIO(inhoud))["Samenvatting"]
    return [blad.cell(c.row, c.column).value for c in totaalrij(formules) if c.data_type == "f"]


def _zonder_opgeslagen_totalen(inhoud: bytes) -> bytes:
    uit = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(inhoud)) as bron, zipfile.ZipFile(uit, "w") as doel:
        for deel in bron.infolist():
            data = bron.read(deel)
            if deel.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"(<f>SUM\([^<]*\)</f>)<v>[^<]*</v>", rb"\1<v>0</v>", data)
            doel.writestr(deel, data)
    return uit.getvalue()


# --- A municipality's own summary -----------------------------------------------------------


def test_a_municipality_user_exports_only_their_own_summary(db, login_as):
    amsterdam = db.session.execute(select(Gemeente).filter_by(cbs_code="GM0363")).scalar_one()
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)

    inhoud, eigen = bestand(
        gemeente, "/versterkingsgelden/gemeenten/GM0363/bestedingen?formaat=xlsx"
    )
    andere = gemeente.get("/versterkingsgelden/gemeenten/GM0599/bestedingen?formaat=xlsx")
    alles = gemeente.get(PAGINA + "?formaat=xlsx")

    assert eigen.status_code == 200
    werkmap = load_workbook(io.BytesIO(inhoud))
    for blad in ("Samenvatting", "Details", "Betalingen"):
        ontvangers = {r[0] for r in werkmap[blad].iter_rows(min_row=2, values_only=True)}
        assert ontvangers <= {"Amsterdam", "Totaal"}, (blad, ontvangers)
        assert "Amsterdam" in ontvangers
    assert andere.status_code == 404
    assert alles.status_code == 403
