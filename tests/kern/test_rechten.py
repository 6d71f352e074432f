"""The permission table (`kern.accounts.rechten.RECHTEN`) is the one source.

The README's "Roles" table is written from it, every route declares rights of it, and it says
what the issue asks of each role: the administrator manages accounts and reference data and
reads no grant data; finance reads the programmes and registers payments; the grant officer
does the programmes; the municipality user only its own municipality. What each route answers
to each role is checked against the table by `tests/kern/test_toegang.py`.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest

from kern.accounts.access import rechten_van
from kern.accounts.models import Rol
from kern.accounts.rechten import README_NAMEN, RECHTEN, Recht, readme_tabel
from tests.kern.test_navigatie import GEBRUIKERS, GEMEENTEN, OVERZICHT, menu, titels
from tests.kern.test_toegang import _APP, REGELS

README = Path(__file__).resolve().parents[2] / "README.md"

PROGRAMMARECHTEN = {
    Recht.PROGRAMMA_LEZEN,
    Recht.PROGRAMMA_WIJZIGEN,
    Recht.BETALINGEN_REGISTREREN,
    Recht.EIGEN_GEMEENTE,
}


def test_the_readme_roles_table_is_written_from_the_table():
    tekst = README.read_text(encoding="utf-8")
    gevonden = re.search(r"<!-- rechten: begin -->\n(.*?)<!-- rechten: end -->", tekst, re.S)

    assert gevonden is not None, "README.md has no '<!-- rechten: begin/end -->' markers"
    assert gevonden.group(1) == readme_tabel(), (
        "README.md's Roles table differs from kern/accounts/rechten.py; paste the output of "
        "`python -m kern.accounts.rechten` between the markers"
    )


def test_the_readme_table_names_every_role_once_with_its_rights():
    rijen = readme_tabel().splitlines()[2:]

    assert len(rijen) == len(Rol)
    for rol in Rol:
        [rij] = [r for r in rijen if r.startswith(f"| {README_NAMEN[rol]} |")]
        namen = set(re.findall(r"`([A-Z_]+)`", rij.rsplit("|", 2)[1]))
        assert namen == {recht.name for recht in RECHTEN[rol]}, rol


def test_every_route_declares_rights_of_the_table_and_every_right_is_used():
    gebruikt: set[Recht] = set()
    for endpoint, pad, _ in REGELS:
        rechten = rechten_van(_APP, endpoint)
        if rechten is None:  # @openbaar
            continue
        assert rechten, f"{endpoint} ({pad}) declares no right"
        assert all(isinstance(recht, Recht) for recht in rechten), endpoint
        gebruikt |= rechten

    assert gebruikt == set(Recht), f"rights no route declares: {set(Recht) - gebruikt}"
    for recht in Recht:
        assert any(recht in eigen for eigen in RECHTEN.values()), f"nobody holds {recht}"
    assert set(RECHTEN) == set(Rol)


def test_the_table_gives_each_role_what_the_issue_asks():
    assert not RECHTEN[Rol.BEHEERDER] & PROGRAMMARECHTEN
    assert {
        Recht.ACCOUNTS_BEHEREN,
        Recht.REFERENTIEGEGEVENS_BEHEREN,
        Recht.BEVEILIGINGSLOG_LEZEN,
    } <= RECHTEN[Rol.BEHEERDER]
    assert RECHTEN[Rol.FINANCIEN] & PROGRAMMARECHTEN == {
        Recht.PROGRAMMA_LEZEN,
        Recht.BETALINGEN_REGISTREREN,
    }
    assert RECHTEN[Rol.BELEIDSMEDEWERKER] & PROGRAMMARECHTEN == {
        Recht.PROGRAMMA_LEZEN,
        Recht.PROGRAMMA_WIJZIGEN,
    }
    assert RECHTEN[Rol.GEMEENTE] == {Recht.EIGEN_ACCOUNT, Recht.EIGEN_GEMEENTE}
    # Only the administrator manages accounts, reference data and reads the security log.
    for rol in Rol:
        if rol is not Rol.BEHEERDER:
            assert not RECHTEN[rol] & {
                Recht.ACCOUNTS_BEHEREN,
                Recht.REFERENTIEGEGEVENS_BEHEREN,
                Recht.BEVEILIGINGSLOG_LEZEN,
            }, rol


# --- The administrator reads no grant data --------------------------------------------------


def _programmapaginas(w) -> list[str]:
    """Grant, onderwijsaanpak and inventory pages, exports, uploads, error workbooks and the
    audit history, of the own municipality."""
    vg = "/versterkingsgelden"
    b = w.eigen_beschikking
    oa = f"/onderwijsaanpak/gemeenten/{w.eigen.cbs_code}"
    bi = f"/behoefte-inventarisatie/{w.inventarisatie.id}"
    return [
        f"{vg}/",
        f"{vg}/regelingen/{w.regeling.id}",
        f"{vg}/regelingen/{w.regeling.id}/historie",
        f"{vg}/jaren/{w.regeling.jaren[0].id}/overzicht?formaat=xlsx",
        f"{vg}/beschikkingen/{b.id}",
        f"{vg}/beschikkingen/{b.id}/historie",
        f"{vg}/verantwoordingen/{b.verantwoordingen[0].id}",
        f"{vg}/beschikkingen/{b.id}/uploads/{w.eigen_upload.id}",
        f"{vg}/beschikkingen/{b.id}/uploads/{w.eigen_upload.id}/origineel",
        f"{vg}/beschikkingen/{b.id}/uploads/{w.eigen_upload.id}/foutwerkmap.xlsx",
        f"{vg}/regelingen/{w.regeling.id}/import/{w.historische_import.id}/foutwerkmap.xlsx",
        f"{vg}/bestedingen?formaat=xlsx",
        f"{vg}/gemeenten/{w.eigen.cbs_code}/bestedingen?formaat=csv",
        f"{vg}/betalingen?formaat=csv",
        f"{vg}/te-beoordelen",
        "/onderwijsaanpak/",
        "/onderwijsaanpak/voortgang",
        oa,
        f"{oa}/rondes/{w.onderwijs.ronde.id}",
        f"{oa}/activiteiten/uploads/{w.onderwijs.eigen_upload.id}/foutwerkmap.xlsx",
        "/behoefte-inventarisatie/",
        f"{bi}/gemeenten/{w.eigen.cbs_code}",
        f"{bi}/analyse/matrix?formaat=xlsx",
        f"{bi}/import/{w.antwoordenupload.id}/foutwerkmap.xlsx",
    ]


def test_the_administrator_gets_403_on_grant_data_pages_and_exports(login_as, twee_gemeenten):
    beheerder = login_as(twee_gemeenten.gebruikers[Rol.BEHEERDER])
    officier = login_as(twee_gemeenten.gebruikers[Rol.BELEIDSMEDEWERKER])

    for adres in _programmapaginas(twee_gemeenten):
        antwoord = beheerder.get(adres)
        assert antwoord.status_code == 403, adres
        assert twee_gemeenten.eigen_beschikking.kenmerk not in antwoord.text, adres
        # The same address opens for the grant officer (an error workbook of an upload
        # without errors sends them back to the upload: 302).
        assert officier.get(adres).status_code in (200, 302), adres


def test_the_administrator_sees_no_programme_in_the_menu_tiles_or_register(
    login_as, twee_gemeenten
):
    beheerder = login_as(twee_gemeenten.gebruikers[Rol.BEHEERDER])
    code = twee_gemeenten.eigen.cbs_code

    start = beheerder.get("/").text
    register = beheerder.get("/gemeenten/")
    gefilterd = beheerder.get("/gemeenten/?programma=versterkingsgelden")
    gemeente = beheerder.get(f"/gemeenten/{code}")
    werkmap = beheerder.get("/gemeenten/?formaat=xlsx")

    assert menu(start) == [OVERZICHT, GEMEENTEN, GEBRUIKERS]
    assert titels(start) == ["Gemeenten", "Gebruikers", "Beveiligingslog", "Wachtwoord wijzigen"]
    assert "startblok" not in start
    assert register.status_code == gemeente.status_code == werkmap.status_code == 200
    assert "Amsterdam" in register.text
    assert "Rotterdam" in register.text
    assert "Programma" not in register.text
    assert "Behoefte-inventarisatie" not in register.text
    # A filter on membership would say who takes part: it is not applied.
    assert "Amsterdam" in gefilterd.text
    assert "Rotterdam" in gefilterd.text
    assert "Amsterdam" in gemeente.text
    for programmadata in (
        "Deelname aan programma",
        "Behoefte-inventarisatie",
        twee_gemeenten.eigen_beschikking.kenmerk,
        "Te rapporteren",
    ):
        assert programmadata not in gemeente.text, programmadata
    blad = openpyxl.load_workbook(io.BytesIO(werkmap.data)).worksheets[0]
    kopjes = [str(cel.value) for rij in blad.iter_rows(max_row=10) for cel in rij if cel.value]
    assert "CBS-code" in kopjes
    assert not [kop for kop in kopjes if "Programma" in kop]


def test_those_who_read_the_programmes_see_them_in_the_register(login_as, twee_gemeenten):
    financien = login_as(twee_gemeenten.gebruikers[Rol.FINANCIEN])
    code = twee_gemeenten.eigen.cbs_code

    gemeente = financien.get(f"/gemeenten/{code}").text
    register = financien.get("/gemeenten/?programma=behoefte_inventarisatie").text

    assert "Deelname aan programma" in gemeente
    assert twee_gemeenten.eigen_beschikking.kenmerk in gemeente
    assert "Programma" in register
    assert "Amsterdam" in register
    assert "Rotterdam" in register


@pytest.mark.parametrize(
    ("rol", "status"),
    [(Rol.FINANCIEN, 200), (Rol.BELEIDSMEDEWERKER, 403), (Rol.BEHEERDER, 403)],
)
def test_finance_registers_payments_the_officer_who_planned_them_does_not(
    login_as, twee_gemeenten, rol, status
):
    betaling = twee_gemeenten.eigen_beschikking.betalingen[0]
    client = login_as(twee_gemeenten.gebruikers[rol])

    assert client.get(f"/versterkingsgelden/betalingen/{betaling.id}/betaald").status_code == (
        status
    )
