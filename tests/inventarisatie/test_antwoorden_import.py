"""A whole inventory's answers sent as Excel: 49 municipalities in the long format, filled in
from the real template as an officer would (openpyxl), uploaded, checked per cell, previewed and
confirmed in one transaction; hostile files; municipality users cannot import."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from gemeenten.inventarisatie.antwoorden_import.basis import BLAD, EERSTE_RIJ
from gemeenten.inventarisatie.models import Antwoord, Deelnemer, Inventarisatie
from kern.accounts.models import Rol
from kern.audit import AuditRegel
from kern.db import db
from kern.uploads import Upload, UploadStatus
from tests.formulieren import formulier
from tests.gemeenten.factories import maak_gemeente
from tests.inventarisatie.factories import (
    inventarisatie_met_themas,
    maak_antwoord,
    maak_deelnemer,
)
from tests.pagina import meldingen, tekst

# The demo set of 49 municipalities (../shared/DOMAIN.md), by CBS code.
NEGENENVEERTIG = [
    ("GM0363", "Amsterdam", "Noord-Holland"), ("GM0202", "Arnhem", "Gelderland"),
    ("GM0503", "Delft", "Zuid-Holland"), ("GM0518", "'s-Gravenhage", "Zuid-Holland"),
    ("GM0513", "Gouda", "Zuid-Holland"), ("GM0406", "Huizen", "Noord-Holland"),
    ("GM0599", "Rotterdam", "Zuid-Holland"), ("GM0344", "Utrecht", "Utrecht"),
    ("GM0637", "Zoetermeer", "Zuid-Holland"), ("GM0268", "Nijmegen", "Gelderland"),
    ("GM0855", "Tilburg", "Noord-Brabant"), ("GM0034", "Almere", "Flevoland"),
    ("GM0606", "Schiedam", "Zuid-Holland"), ("GM0394", "Haarlemmermeer", "Noord-Holland"),
    ("GM0307", "Amersfoort", "Utrecht"), ("GM0216", "Culemborg", "Gelderland"),
    ("GM0546", "Leiden", "Zuid-Holland"), ("GM0193", "Zwolle", "Overijssel"),
    ("GM0935", "Maastricht", "Limburg"), ("GM0772", "Eindhoven", "Noord-Brabant"),
    ("GM0014", "Groningen", "Groningen"), ("GM0758", "Breda", "Noord-Brabant"),
    ("GM0200", "Apeldoorn", "Gelderland"), ("GM0153", "Enschede", "Overijssel"),
    ("GM0392", "Haarlem", "Noord-Holland"), ("GM0479", "Zaanstad", "Noord-Holland"),
    ("GM0796", "'s-Hertogenbosch", "Noord-Brabant"), ("GM0080", "Leeuwarden", "Friesland"),
    ("GM0505", "Dordrecht", "Zuid-Holland"), ("GM0484", "Alphen aan den Rijn", "Zuid-Holland"),
    ("GM0361", "Alkmaar", "Noord-Holland"), ("GM0114", "Emmen", "Drenthe"),
    ("GM1783", "Westland", "Zuid-Holland"), ("GM0983", "Venlo", "Limburg"),
    ("GM0150", "Deventer", "Overijssel"), ("GM0794", "Helmond", "Noord-Brabant"),
    ("GM0828", "Oss", "Noord-Brabant"), ("GM0362", "Amstelveen", "Noord-Holland"),
    ("GM0402", "Hilversum", "Noord-Holland"), ("GM1883", "Sittard-Geleen", "Limburg"),
    ("GM0917", "Heerlen", "Limburg"), ("GM0228", "Ede", "Gelderland"),
    ("GM1674", "Roosendaal", "Noord-Brabant"), ("GM0622", "Vlaardingen", "Zuid-Holland"),
    ("GM0502", "Capelle aan den IJssel", "Zuid-Holland"), ("GM0995", "Lelystad", "Flevoland"),
    ("GM0439", "Purmerend", "Noord-Holland"), ("GM0748", "Bergen op Zoom", "Noord-Brabant"),
    ("GM0405", "Hoorn", "Noord-Holland"),
]  # fmt: skip
THEMAS = (
    ("Problematiek", "Radicalisering"),
    ("Capaciteit en beleid", "Capaciteit"),
    ("Kennisopbouw", "Kennis"),
    ("Kennisopbouw", "Training"),
    ("Lokale behoeften", "Advies"),
    ("Lokale behoeften", "Netwerk sleutelfiguren"),
    ("Lokale behoeften", "Samenwerking"),
    ("Lokale behoeften", "Financiering"),
)


@pytest.fixture
def quickscan(db) -> Inventarisatie:
    """The quickscan of 2015 with eight themes, 49 municipalities invited, none answered."""
    inventarisatie = inventarisatie_met_themas(THEMAS)
    for code, naam, provincie in NEGENENVEERTIG:
        maak_deelnemer(inventarisatie, maak_gemeente(code, naam, provincie))
    return inventarisatie


def _basis(inventarisatie: Inventarisatie) -> str:
    return f"/behoefte-inventarisatie/{inventarisatie.id}"


def sjabloon(client, inventarisatie: Inventarisatie) -> Workbook:
    antwoord = client.get(f"{_basis(inventarisatie)}/antwoorden.xlsx")
    assert antwoord.status_code == 200, antwoord.status_code
    return load_workbook(io.BytesIO(antwoord.data))


def _opgeslagen(werkmap: Workbook) -> bytes:
    uit = io.BytesIO()
    werkmap.save(uit)
    return uit.getvalue()


def ingevuld(
    client, inventarisatie: Inventarisatie, vul: Callable[[int, str, str], tuple] | None = None
) -> Workbook:
    """The template with every row filled in by ``vul(row number, CBS code, theme)``: the
    values of columns E to I (need, priority, description, contact, answered on)."""
    werkmap = sjabloon(client, inventarisatie)
    blad = werkmap[BLAD]
    for rij in range(EERSTE_RIJ, blad.max_row + 1):
        code, thema = blad.cell(rij, 1).value, blad.cell(rij, 4).value
        if code is None or vul is None:
            continue
        for kolom, waarde in enumerate(vul(rij, code, thema), 5):
            blad.cell(rij, kolom, waarde)
    return werkmap


def stuur(client, inventarisatie: Inventarisatie, inhoud: bytes, naam: str = "antwoorden.xlsx"):
    return client.post(
        f"{_basis(inventarisatie)}/import",
        data={"bestand": (io.BytesIO(inhoud), naam)},
        content_type="multipart/form-data",
    )


def bevestig(client, antwoord):
    pagina = client.get(antwoord.headers["Location"])
    assert pagina.status_code == 200
    f = formulier(pagina.text, "/inlezen")
    return client.post(f.actie, data=f.velden)


def laatste_upload() -> Upload:
    return db.session.execute(sa.select(Upload).order_by(Upload.id.desc())).scalars().first()


def _antwoorden() -> list[Antwoord]:
    return list(db.session.execute(sa.select(Antwoord).order_by(Antwoord.id)).scalars())


def _behoefte(rij: int, code: str, thema: str) -> tuple:
    """Every third row a need, its priority from the row; everyone answered on 2 November."""
    nummer = int(code[2:])
    if (nummer + rij) % 3 == 0:
        return (
            "ja",
            (nummer + rij) % 5 + 1,
            f"Toelichting {code}",
            "J. Jansen",
            datetime(2015, 11, 2),
        )
    return ("nee", None, None, "J. Jansen", datetime(2015, 11, 2))


# --- The round trip ---------------------------------------------------------------------------


def test_an_officer_imports_the_answers_of_49_municipalities(officier, quickscan):
    werkmap = ingevuld(officier, quickscan, _behoefte)
    blad = werkmap[BLAD]
    assert blad.max_row == EERSTE_RIJ - 1 + 49 * 8  # a row per municipality and theme
    verwacht = sum(
        (int(blad.cell(r, 1).value[2:]) + r) % 3 == 0 for r in range(EERSTE_RIJ, blad.max_row + 1)
    )

    antwoord = stuur(officier, quickscan, _opgeslagen(werkmap))

    pagina = tekst(officier.get(antwoord.headers["Location"]))
    assert "392 nieuwe antwoorden" in pagina
    assert "Pagina 1 van 4" in pagina  # a hundred rows a page
    laatste = officier.get(antwoord.headers["Location"] + "?pagina=4").text
    assert 'rel="prev"' in laatste
    assert 'rel="next"' not in laatste
    assert laatste.count("<tr>") == 1 + 92  # the heading and the last 92 rows
    assert _antwoorden() == []  # nothing before confirming
    bevestigd = bevestig(officier, antwoord)
    assert bevestigd.status_code == 302
    assert meldingen(officier.get(bevestigd.headers["Location"])) == [
        (
            "succes",
            "Ingelezen uit antwoorden.xlsx: 392 antwoorden toegevoegd, gewijzigd of verwijderd.",
        )
    ]
    antwoorden = _antwoorden()
    assert len(antwoorden) == 392
    assert sum(a.behoefte for a in antwoorden) == verwacht
    assert {a.bron for a in antwoorden} == {"excel"}
    assert all(a.prioriteit in range(1, 6) for a in antwoorden if a.behoefte)
    datums = db.session.execute(sa.select(Deelnemer.beantwoord_op)).scalars().all()
    assert datums == [date(2015, 11, 2)] * 49
    audit = db.session.execute(
        sa.select(sa.func.count(AuditRegel.id)).where(AuditRegel.soort == "antwoord")
    ).scalar_one()
    assert audit == 392
    assert laatste_upload().status is UploadStatus.GEIMPORTEERD


def test_importing_again_changes_only_what_differs_and_an_empty_row_removes(officier, quickscan):
    amsterdam = next(d.gemeente for d in quickscan.deelnemers if d.gemeente.cbs_code == "GM0363")
    kennis = next(t for t in quickscan.themas if t.naam == "Kennis")
    advies = next(t for t in quickscan.themas if t.naam == "Advies")
    maak_antwoord(kennis, amsterdam, True, 2)
    maak_antwoord(advies, amsterdam, False, None)
    werkmap = sjabloon(officier, quickscan)  # with Amsterdam's two answers in it
    blad = werkmap[BLAD]
    rijen = {
        (blad.cell(r, 1).value, blad.cell(r, 4).value): r
        for r in range(EERSTE_RIJ, blad.max_row + 1)
    }
    assert blad.cell(rijen["GM0363", "Kennis"], 5).value == "ja"
    blad.cell(rijen["GM0363", "Kennis"], 6, 5)  # priority 2 -> 5
    blad.cell(rijen["GM0363", "Advies"], 5).value = None  # emptied: removed
    blad.cell(rijen["GM0599", "Training"], 5, "ja")  # new, without priority

    antwoord = stuur(officier, quickscan, _opgeslagen(werkmap))

    pagina = tekst(officier.get(antwoord.headers["Location"]))
    assert "1 nieuw antwoord" in pagina
    assert "1 gewijzigd" in pagina
    assert "1 verwijderd" in pagina
    assert bevestig(officier, antwoord).status_code == 302
    assert sorted(
        (a.gemeente.cbs_code, a.thema.naam, a.behoefte, a.prioriteit) for a in _antwoorden()
    ) == [
        ("GM0363", "Kennis", True, 5),
        ("GM0599", "Training", True, None),
    ]


def test_an_answer_saved_between_preview_and_confirm_shows_the_preview_again(officier, quickscan):
    antwoord = stuur(officier, quickscan, _opgeslagen(ingevuld(officier, quickscan, _behoefte)))
    pagina = officier.get(antwoord.headers["Location"])
    f = formulier(pagina.text, "/inlezen")
    amsterdam = next(d.gemeente for d in quickscan.deelnemers if d.gemeente.cbs_code == "GM0363")
    maak_antwoord(quickscan.themas[0], amsterdam, True, 1)

    tweede = officier.post(f.actie, data=f.velden)

    assert tweede.status_code == 409
    assert "Sinds de voorvertoning zijn er antwoorden" in tekst(tweede)
    assert len(_antwoorden()) == 1


# --- Every bad cell -------------------------------------------------------------------------------


def test_every_bad_cell_is_named_and_nothing_is_stored(officier, quickscan):
    werkmap = ingevuld(officier, quickscan, _behoefte)
    blad = werkmap[BLAD]
    e = EERSTE_RIJ  # 's-Gravenhage's rows come first (the template is by name)
    blad.cell(e, 5, "misschien")
    blad.cell(e + 1, 5, "ja")
    blad.cell(e + 1, 6, 7)
    blad.cell(e + 2, 5, "nee")
    blad.cell(e + 2, 6, 3)
    blad.cell(e + 3, 9, datetime(2015, 11, 9))  # another date than its other rows
    blad.cell(e + 4, 4, "Weerbaarheid")
    laatste = blad.max_row + 1
    for kolom, waarde in enumerate(["GM9999", "Nergens", "Deel", "Kennis", "ja", 3], 1):
        blad.cell(laatste, kolom, waarde)
    for kolom, waarde in enumerate(["GM0363", "Amsterdam", "Kennisopbouw", "Kennis", "nee"], 1):
        blad.cell(laatste + 1, kolom, waarde)  # Amsterdam's Kennis a second time

    stuur(officier, quickscan, _opgeslagen(werkmap))

    upload = laatste_upload()
    assert upload.status is UploadStatus.GEWEIGERD
    fouten = [str(m) for m in upload.fouten]
    assert fouten[:0] == []
    gezocht = {
        f"E{e}": "is geen ja of nee",
        f"F{e + 1}": "Kies een prioriteit van 1 tot en met 5.",
        f"F{e + 2}": "Een prioriteit hoort bij een behoefte",
        f"I{e + 3}": "een gemeente heeft één datum van beantwoorden",
        f"D{e + 4}": '"Weerbaarheid" is geen thema van deze inventarisatie.',
        f"A{laatste}": "GM9999 is niet uitgenodigd voor deze inventarisatie.",
        f"D{laatste + 1}": "Deze gemeente en dit thema staan ook op regel",
    }
    for cel, melding in gezocht.items():
        assert any(f"Antwoorden!{cel}" in f and melding in f for f in fouten), (cel, fouten)
    assert any(f"Antwoorden!E{e} ('s-Gravenhage, Radicalisering" in f for f in fouten)
    assert len(fouten) == len(gezocht)
    assert _antwoorden() == []
    foutwerkmap = officier.get(f"{_basis(quickscan)}/import/{upload.id}/foutwerkmap.xlsx")
    assert foutwerkmap.status_code == 200
    assert load_workbook(io.BytesIO(foutwerkmap.data))[BLAD][f"E{e}"].comment is not None


# --- Hostile files --------------------------------------------------------------------------------


def _andere_inventarisatie(werkmap: Workbook) -> None:
    for rij in werkmap["Metadata"].iter_rows():
        if rij[0].value == "inventarisatie_id":
            rij[1].value = "999"


def _kolommen_verplaatst(werkmap: Workbook) -> None:
    werkmap[BLAD]["E5"], werkmap[BLAD]["F5"] = "Prioriteit (1-5)", "Behoefte (ja/nee)"


def _ver_onder(werkmap: Workbook) -> None:
    werkmap[BLAD]["A30000"] = "GM0363"


def _gewone_werkmap() -> bytes:
    werkmap = Workbook()
    werkmap.active.append(["CBS-code", "Thema", "Behoefte"])
    return _opgeslagen(werkmap)


@pytest.mark.parametrize(
    ("maak", "melding"),
    [
        pytest.param(
            lambda c, i: b"CBS-code;Thema\nGM0363;Kennis\n", "geen Excel-werkmap", id="csv"
        ),
        pytest.param(
            lambda c, i: _gewone_werkmap(),
            "Dit bestand is niet gemaakt met het sjabloon voor antwoorden.",
            id="another-workbook",
        ),
        pytest.param(
            lambda c, i: _opgeslagen(_bewerkt(c, i, _andere_inventarisatie)),
            "De verborgen gegevens van dit sjabloon zijn gewijzigd",
            id="edited-signature",
        ),
        pytest.param(
            lambda c, i: _opgeslagen(_bewerkt(c, i, _kolommen_verplaatst)),
            'Hier hoort de kolomkop "Behoefte (ja/nee)" te staan',
            id="moved-columns",
        ),
        pytest.param(
            lambda c, i: _opgeslagen(_bewerkt(c, i, _ver_onder)),
            "gegevens onder rij",
            id="far-below",
        ),
    ],
)
def test_a_hostile_file_is_refused_in_dutch_and_changes_nothing(officier, quickscan, maak, melding):
    antwoord = stuur(officier, quickscan, maak(officier, quickscan))

    upload = laatste_upload()
    assert upload.status is UploadStatus.GEWEIGERD
    assert melding in " ".join(str(m) for m in upload.fouten)
    assert "Het bestand is niet ingelezen" in tekst(officier.get(antwoord.headers["Location"]))
    assert _antwoorden() == []


def _bewerkt(client, inventarisatie, bewerk: Callable[[Workbook], None]) -> Workbook:
    werkmap = ingevuld(client, inventarisatie, _behoefte)
    bewerk(werkmap)
    return werkmap


def test_another_inventorys_template_is_refused(officier, quickscan):
    later = inventarisatie_met_themas(THEMAS, "Inventarisatie 2017", date(2017, 3, 1))

    stuur(officier, later, _opgeslagen(ingevuld(officier, quickscan, _behoefte)))

    (fout,) = laatste_upload().fouten
    assert "Dit sjabloon hoort bij een andere inventarisatie" in str(fout)


def test_a_formula_in_a_description_is_kept_as_text(officier, quickscan):
    kwaad = '=HYPERLINK("http://kwaad.example","klik")'

    werkmap = sjabloon(officier, quickscan)
    blad = werkmap[BLAD]
    rij = next(
        r
        for r in range(EERSTE_RIJ, blad.max_row + 1)
        if (blad.cell(r, 1).value, blad.cell(r, 4).value) == ("GM0363", "Kennis")
    )
    blad.cell(rij, 5, "ja")
    blad.cell(rij, 7).value = kwaad
    blad.cell(rij, 7).data_type = "s"  # typed as text, as a spreadsheet keeps a leading '

    antwoord = stuur(officier, quickscan, _opgeslagen(werkmap))
    bevestig(officier, antwoord)

    (opgeslagen,) = _antwoorden()
    assert opgeslagen.toelichting == kwaad
    template = sjabloon(officier, quickscan)[BLAD]
    cel = next(
        template.cell(r, 7)
        for r in range(EERSTE_RIJ, template.max_row + 1)
        if template.cell(r, 7).value
    )
    assert cel.data_type == "s"  # the template writes it back as text, never a formula


# --- Who may import -----------------------------------------------------------------------------


def test_a_municipality_user_cannot_import(login_as, officier, quickscan):
    amsterdam = next(d.gemeente for d in quickscan.deelnemers if d.gemeente.cbs_code == "GM0363")
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)
    inhoud = _opgeslagen(ingevuld(officier, quickscan, _behoefte))
    stuur(officier, quickscan, inhoud)
    upload = laatste_upload()

    assert gemeente.get(f"{_basis(quickscan)}/antwoorden.xlsx").status_code == 403
    assert gemeente.get(f"{_basis(quickscan)}/import").status_code == 403
    assert stuur(gemeente, quickscan, inhoud + b" ").status_code == 403
    bevestigen = f"{_basis(quickscan)}/import/{upload.id}/inlezen"
    assert gemeente.post(bevestigen, data={"versie": "2", "stand": "x"}).status_code == 403
    assert gemeente.get(f"{_basis(quickscan)}/import/{upload.id}/origineel").status_code == 403
    assert _antwoorden() == []
