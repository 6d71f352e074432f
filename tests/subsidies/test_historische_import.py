"""The historical import: a workbook of grants, payments and spending, checked, previewed and
imported in one go; through the officer's web forms, and every check with its message."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from gemeenten.models import Gemeente
from kern import uploads
from kern.accounts.models import Rol
from kern.audit import AuditRegel
from kern.db import db as database
from kern.excel import ExcelFout
from kern.excel.foutwerkmap import foutwerkmap
from kern.uploads import Upload, UploadStatus
from subsidies import historische_import, services
from subsidies.historische_import import bulk
from subsidies.historische_import.controle import Controle
from subsidies.models import (
    Beschikking,
    BeschikkingStatus,
    Betaling,
    BetalingSoort,
    Regeling,
    Verantwoording,
)
from tests.formulieren import formulier
from tests.gemeenten.factories import maak_gemeente
from tests.kern.factories import maak_gebruiker
from tests.kern.test_excel_schrijven import GEVAARLIJK, als_tekst_gelezen
from tests.subsidies.factories import maak_beschikking, maak_regeling

VANDAAG = date(2016, 8, 1)  # the date the services are handed as today

KOPPEN = ["Soort", "CBS-code", "Gemeente", "Jaar", "Doel", "Bedrag", "Cumulatief", "Datum"]
DOELEN = ("kennisbevordering", "vroegsignalering", "persoonsgerichte_aanpak")


def werkmap(*rijen: list[object], koppen: list[object] | None = None, blad: str = "Blad1") -> bytes:
    """A workbook with the heading row and ``rijen`` under it, as a user would make it."""
    boek = Workbook()
    werkblad = boek.active
    werkblad.title = blad
    werkblad.append(KOPPEN if koppen is None else koppen)
    for rij in rijen:
        werkblad.append(rij)
    uit = io.BytesIO()
    boek.save(uit)
    return uit.getvalue()


def toekenningen(cbs: str, naam: str, jaar: int, *bedragen: object) -> list[list[object]]:
    return [
        ["toekenning", cbs, naam, jaar, doel, bedrag]
        for doel, bedrag in zip(DOELEN, bedragen, strict=True)
    ]


def bestedingen(cbs: str, naam: str, jaar: int, *bedragen: object) -> list[list[object]]:
    return [
        ["besteding", cbs, naam, jaar, doel, bedrag]
        for doel, bedrag in zip(DOELEN, bedragen, strict=True)
    ]


def met_spaties(waarde: object) -> str:
    """The value as text, a no-break space (as in amounts) as a plain one."""
    return str(waarde).replace("\xa0", " ")


def html(antwoord) -> str:
    return met_spaties(antwoord.text)


def rij(soort: str, *aantallen: int) -> str:
    """A row of the preview's counts: new, changed, unchanged."""
    return f'<th scope="row">{soort}</th>' + "".join(
        f'<td class="getal">{a}</td>' for a in aantallen
    )


def controleer(regeling: Regeling, inhoud: bytes, naam: str = "historie.xlsx") -> Upload:
    """Check the file as a request of its own would: after what came before is committed, and
    committed at its end."""
    database.session.commit()
    upload, _ = historische_import.ontvang(regeling, inhoud, bestandsnaam=naam, door="test")
    database.session.commit()
    return upload


def meldingen(upload: Upload) -> list[str]:
    return [met_spaties(m) for m in upload.alle_meldingen]


def fouten(regeling: Regeling, *rijen: list[object], **kwargs: object) -> list[str]:
    upload = controleer(regeling, werkmap(*rijen, **kwargs))  # type: ignore[arg-type]
    assert upload.status is UploadStatus.GEWEIGERD, meldingen(upload)
    return [met_spaties(m) for m in upload.fouten]


AMSTERDAM_2015 = [
    *toekenningen("GM0363", "Amsterdam", 2015, 100_000, 50_000, 25_000),
    ["betaling", "GM0363", "Amsterdam", 2015, None, 75_000, None, datetime(2015, 11, 1)],
    *bestedingen("GM0363", "Amsterdam", 2015, 30_000, "12.500,50", 0),
]


# --- Through the web forms --------------------------------------------------------------------


def upload_via_formulier(client, regeling: Regeling, inhoud: bytes, naam: str = "historie.xlsx"):
    pagina = f"/versterkingsgelden/regelingen/{regeling.id}/import"
    geopend = client.get(pagina)
    assert geopend.status_code == 200
    f = formulier(geopend.text, "/import", pagina)
    return client.post(
        f.actie,
        data={**f.velden, "bestand": (io.BytesIO(inhoud), naam)},
        content_type="multipart/form-data",
    )


def bevestig(client, pagina: str):
    geopend = client.get(pagina)
    assert geopend.status_code == 200
    f = formulier(geopend.text, "/bevestigen", pagina)
    return client.post(f.actie, data=f.velden)


@pytest.mark.csrf
def test_an_officer_uploads_previews_and_confirms_a_history(
    db, regeling_2015_2016, beleidsmedewerker, officier
):
    scheme_page = officier.get(f"/versterkingsgelden/regelingen/{regeling_2015_2016.id}")
    assert "Historische gegevens importeren" in html(scheme_page)

    antwoord = upload_via_formulier(officier, regeling_2015_2016, werkmap(*AMSTERDAM_2015))

    assert antwoord.status_code == 302
    pagina = antwoord.location
    voorvertoning = html(officier.get(pagina))
    assert "Gecontroleerd" in voorvertoning
    # Counts per kind: 3 new grants, 1 new payment, 3 new spending rows.
    assert rij("Toekenning", 3, 0, 0) in voorvertoning
    assert rij("Betaling", 1, 0, 0) in voorvertoning
    assert rij("Besteding", 3, 0, 0) in voorvertoning
    assert (
        "Bij bevestigen: 1 nieuwe beschikking, 0 gewijzigde beschikkingen, 1 betaling en 1 "
        "nieuwe versie van een verantwoording." in voorvertoning
    )
    assert "€ 12.500,50" in voorvertoning
    assert db.session.execute(select(func.count(Beschikking.id))).scalar_one() == 0

    antwoord = bevestig(officier, pagina)

    assert antwoord.status_code == 302
    na = html(officier.get(antwoord.location))
    assert (
        "Het bestand is ingelezen: 1 nieuwe beschikking, 0 gewijzigde beschikkingen, 1 betaling "
        "en 1 nieuwe versie van een verantwoording." in na
    )
    beschikking = db.session.execute(select(Beschikking)).scalar_one()
    assert beschikking.kenmerk == f"historisch-{regeling_2015_2016.id}-2015-GM0363"
    assert beschikking.status is BeschikkingStatus.BESCHIKT
    assert beschikking.bedrag == Decimal("175000.00")
    assert {d.doel.code: d.bedrag for d in beschikking.doelbedragen} == {
        "kennisbevordering": Decimal("100000.00"),
        "vroegsignalering": Decimal("50000.00"),
        "persoonsgerichte_aanpak": Decimal("25000.00"),
    }
    betaling = db.session.execute(select(Betaling)).scalar_one()
    assert (betaling.soort, betaling.bedrag, betaling.gepland_op, betaling.betaald_op) == (
        BetalingSoort.VOORSCHOT,
        Decimal("75000.00"),
        date(2015, 11, 1),
        date(2015, 11, 1),
    )
    verantwoording = db.session.execute(select(Verantwoording)).scalar_one()
    assert verantwoording.bron == "import"
    assert verantwoording.ingediend_door == beleidsmedewerker.email
    assert {
        r.doel.code: (r.besteed_in_jaar, r.besteed_cumulatief) for r in verantwoording.regels
    } == {
        "kennisbevordering": (Decimal("30000.00"), Decimal("30000.00")),
        "vroegsignalering": (Decimal("12500.50"), Decimal("12500.50")),
        "persoonsgerichte_aanpak": (Decimal("0.00"), Decimal("0.00")),
    }
    sporen = db.session.execute(
        select(AuditRegel.soort, AuditRegel.actie).where(AuditRegel.door == beleidsmedewerker.email)
    ).all()
    assert ("beschikking", "aangemaakt") in sporen
    assert ("betaling", "aangemaakt") in sporen
    assert ("verantwoording", "aangemaakt") in sporen
    upload = db.session.execute(select(Upload)).scalar_one()
    assert upload.status is UploadStatus.GEIMPORTEERD
    assert upload.geimporteerd_door == beleidsmedewerker.email


def test_a_worker_stopped_while_checking_leaves_the_upload_refused(
    db, regeling_2015_2016, officier, monkeypatch
):
    # gunicorn stops a worker past its timeout with SystemExit, which no "except Exception" sees.
    def te_lang(self, *args, **kwargs):
        raise SystemExit(1)

    monkeypatch.setattr(Controle, "regels", te_lang)

    with pytest.raises(SystemExit):
        upload_via_formulier(officier, regeling_2015_2016, werkmap(*AMSTERDAM_2015))

    upload = db.session.execute(select(Upload)).scalar_one()
    assert upload.status is UploadStatus.GEWEIGERD
    assert meldingen(upload) == [uploads.STORING]


@pytest.mark.csrf
def test_the_same_file_again_is_the_earlier_upload(db, regeling_2015_2016, officier):
    inhoud = werkmap(*AMSTERDAM_2015)
    eerste = upload_via_formulier(officier, regeling_2015_2016, inhoud)

    tweede = upload_via_formulier(officier, regeling_2015_2016, inhoud, naam="nogmaals.xlsx")

    assert tweede.location == eerste.location
    assert "Dit bestand is al eerder geüpload" in html(officier.get(tweede.location))
    assert db.session.execute(select(func.count(Upload.id))).scalar_one() == 1
    assert db.session.execute(select(func.count(Beschikking.id))).scalar_one() == 0


@pytest.mark.csrf
def test_a_second_file_that_changes_one_amount_amends_the_decision(
    db, regeling_2015_2016, officier
):
    bevestig(
        officier,
        upload_via_formulier(officier, regeling_2015_2016, werkmap(*AMSTERDAM_2015)).location,
    )
    gewijzigd = [list(r) for r in AMSTERDAM_2015]
    gewijzigd[1][5] = "60.000,00"  # vroegsignalering: 50.000 -> 60.000

    pagina = upload_via_formulier(officier, regeling_2015_2016, werkmap(*gewijzigd)).location
    voorvertoning = html(officier.get(pagina))

    assert rij("Toekenning", 0, 1, 2) in voorvertoning
    assert rij("Betaling", 0, 0, 1) in voorvertoning
    assert "vroegsignalering" in voorvertoning
    assert '€ 50.000,00</td><td class="getal"><strong>€ 60.000,00</strong>' in voorvertoning
    assert "kennisbevordering" not in voorvertoning  # unchanged rows are not listed

    assert bevestig(officier, pagina).status_code == 302

    beschikking = db.session.execute(select(Beschikking)).scalar_one()
    assert beschikking.status is BeschikkingStatus.GEWIJZIGD
    assert beschikking.bedrag == Decimal("185000.00")
    assert [v.bedrag for v in beschikking.versies] == [Decimal("175000.00"), Decimal("185000.00")]
    assert beschikking.versies[-1].reden.startswith("Historische import van historie.xlsx")
    assert len(beschikking.betalingen) == 1
    assert len(beschikking.verantwoordingen) == 1


@pytest.mark.csrf
def test_a_refusal_halfway_keeps_nothing_of_the_file(db, regeling_2015_2016, officier, monkeypatch):
    """The file is checked against the services' rules as a whole before anything is written:
    a rule refusing the second payment refuses the file, with its message."""
    rijen = [
        *AMSTERDAM_2015,
        *toekenningen("GM0599", "Rotterdam", 2015, 10_000, 10_000, 10_000),
        ["betaling", "GM0599", "Rotterdam", 2015, None, 5_000, None, "01-12-2015"],
    ]
    pagina = upload_via_formulier(officier, regeling_2015_2016, werkmap(*rijen)).location
    echte = services.plannen_geweigerd
    aanroepen = []

    def geweigerd_bij_de_tweede(*args, **kwargs):
        aanroepen.append(1)
        if len(aanroepen) == 2:
            return "De betaalserver is onbereikbaar."
        return echte(*args, **kwargs)

    monkeypatch.setattr(services, "plannen_geweigerd", geweigerd_bij_de_tweede)

    antwoord = bevestig(officier, pagina)

    assert antwoord.status_code == 400
    assert "De betaalserver is onbereikbaar." in html(antwoord)
    assert len(aanroepen) == 2
    _niets_ingelezen(db)


@pytest.mark.csrf
def test_the_database_failing_while_writing_keeps_nothing_of_the_file(
    db, regeling_2015_2016, officier, monkeypatch
):
    """The decisions are written, then the database goes away before the payments are."""
    pagina = upload_via_formulier(officier, regeling_2015_2016, werkmap(*AMSTERDAM_2015)).location
    echte = bulk.Inlezing._voeg_in

    def weg_bij_de_betalingen(self, model, **kwargs):
        if model is Betaling:
            raise OperationalError("INSERT INTO betalingen", {}, Exception("verbinding verbroken"))
        return echte(self, model, **kwargs)

    monkeypatch.setattr(bulk.Inlezing, "_voeg_in", weg_bij_de_betalingen)

    antwoord = bevestig(officier, pagina)

    assert antwoord.status_code == 503
    _niets_ingelezen(db)


def _niets_ingelezen(db) -> None:
    for model in (Beschikking, Betaling, Verantwoording):
        assert db.session.execute(select(func.count(model.id))).scalar_one() == 0
    soorten = ["beschikking", "doelbedrag", "betaling", "verantwoording", "vaststelling"]
    assert (
        db.session.execute(
            select(func.count(AuditRegel.id)).where(AuditRegel.soort.in_(soorten))
        ).scalar_one()
        == 0
    )
    upload = db.session.execute(select(Upload)).scalar_one()
    assert upload.status is UploadStatus.GECONTROLEERD
    assert upload.geimporteerd_op is None


@pytest.mark.csrf
def test_a_change_since_the_check_refuses_the_import_until_checked_again(
    db, regeling_2015_2016, officier
):
    pagina = upload_via_formulier(officier, regeling_2015_2016, werkmap(*AMSTERDAM_2015)).location
    geopend = officier.get(pagina)
    f = formulier(geopend.text, "/bevestigen", pagina)
    jaar = regeling_2015_2016.jaren[0]
    services.wijzig_plafond(jaar, Decimal("2000000.00"), jaar.versie)
    db.session.commit()

    antwoord = officier.post(f.actie, data=f.velden)

    assert antwoord.status_code == 409
    assert (
        "Sinds de controle van dit bestand zijn gegevens van deze regeling gewijzigd. Er is "
        "niets ingelezen; laat het bestand opnieuw controleren." in html(antwoord)
    )
    assert db.session.execute(select(func.count(Beschikking.id))).scalar_one() == 0
    geopend = officier.get(pagina)
    assert "Laat het bestand opnieuw controleren voordat u het inleest." in html(geopend)
    opnieuw = formulier(geopend.text, "/opnieuw", pagina)
    assert officier.post(opnieuw.actie, data=opnieuw.velden).status_code == 302
    assert bevestig(officier, pagina).status_code == 302
    assert db.session.execute(select(func.count(Beschikking.id))).scalar_one() == 1


@pytest.mark.csrf
def test_a_refused_upload_shows_its_messages_and_the_error_workbook(
    db, regeling_2015_2016, officier
):
    rijen = [["toekenning", "GM0363", "Amsterdam", 2015, "kennisbevordering", "1.234,5x"]]

    pagina = upload_via_formulier(officier, regeling_2015_2016, werkmap(*rijen)).location
    antwoord = html(officier.get(pagina))

    assert "Het bestand is niet ingelezen: 1 fout." in antwoord
    assert "Blad1!F2" in antwoord
    assert (
        "&#34;1.234,5x&#34; is geen bedrag." in antwoord or '"1.234,5x" is geen bedrag.' in antwoord
    )
    werkmap_antwoord = officier.get(f"{pagina}/foutwerkmap.xlsx")
    assert werkmap_antwoord.status_code == 200
    boek = load_workbook(io.BytesIO(werkmap_antwoord.data))
    assert boek.sheetnames[0] == "Meldingen"
    assert boek["Blad1"]["F2"].comment is not None
    assert "is geen bedrag" in boek["Blad1"]["F2"].comment.text


def test_the_empty_template_has_the_headings_and_instructions(db, regeling_2015_2016, officier):
    antwoord = officier.get(
        f"/versterkingsgelden/regelingen/{regeling_2015_2016.id}/import/sjabloon.xlsx"
    )

    assert antwoord.status_code == 200
    boek = load_workbook(io.BytesIO(antwoord.data))
    assert boek.sheetnames == ["Gegevens", "Instructies"]
    assert [c.value for c in boek["Gegevens"][1]] == [*KOPPEN, "Kenmerk", "Regio", "Deelnemers"]
    instructies = [r[1] for r in boek["Instructies"].iter_rows(values_only=True)]
    assert "Een jaar van de regeling: 2015, 2016." in instructies
    # The template read back is a valid file without rows: refused for exactly that.
    upload = controleer(regeling_2015_2016, antwoord.data)
    assert meldingen(upload) == ["Gegevens!A2: Er staan geen regels onder de kopregel."]


@pytest.mark.parametrize("waarde", GEVAARLIJK)
def test_the_empty_template_writes_the_schemes_texts_as_text(
    db, regeling_2015_2016, officier, waarde
):
    regeling_2015_2016.naam = waarde
    regeling_2015_2016.doelen[0].naam = waarde
    db.session.commit()

    antwoord = officier.get(
        f"/versterkingsgelden/regelingen/{regeling_2015_2016.id}/import/sjabloon.xlsx"
    )

    instructies = load_workbook(io.BytesIO(antwoord.data))["Instructies"]
    als_tekst_gelezen(instructies["B1"], waarde)
    [rij] = [r for r in instructies.iter_rows() if r[0].value == regeling_2015_2016.doelen[0].code]
    als_tekst_gelezen(rij[1], waarde)


@pytest.mark.parametrize("rol", [Rol.GEMEENTE, Rol.FINANCIEN])
def test_only_officers_import(db, regeling_2015_2016, rol, login_as):
    gemeente = maak_gemeente("GM0344", "Utrecht", "Utrecht") if rol is Rol.GEMEENTE else None
    gebruiker = maak_gebruiker(rol, gemeente=gemeente)
    db.session.commit()
    client = login_as(gebruiker)
    basis = f"/versterkingsgelden/regelingen/{regeling_2015_2016.id}/import"
    upload = controleer(regeling_2015_2016, werkmap(*AMSTERDAM_2015))
    db.session.commit()

    assert client.get(basis).status_code == 403
    assert client.post(basis, data={}).status_code == 403
    assert client.get(f"{basis}/sjabloon.xlsx").status_code == 403
    assert client.get(f"{basis}/{upload.id}").status_code == 403
    assert client.post(f"{basis}/{upload.id}/bevestigen", data={}).status_code == 403
    assert client.post(f"{basis}/{upload.id}/opnieuw", data={}).status_code == 403
    assert client.get(f"{basis}/{upload.id}/foutwerkmap.xlsx").status_code == 403
    assert "Historische gegevens importeren" not in html(
        client.get(f"/versterkingsgelden/regelingen/{regeling_2015_2016.id}")
    )


def test_an_upload_of_another_scheme_is_not_found(db, regeling_2015_2016, officier):
    andere = maak_regeling(naam="Andere regeling")
    upload = controleer(andere, werkmap(*AMSTERDAM_2015))
    db.session.commit()

    assert (
        officier.get(
            f"/versterkingsgelden/regelingen/{regeling_2015_2016.id}/import/{upload.id}"
        ).status_code
        == 404
    )


def test_the_preview_pages_fifty_rows_at_a_time(db, officier):
    grote_regeling = maak_regeling(plafond=Decimal("100000000.00"))
    rijen = []
    for nummer in range(1, 21):
        maak_gemeente(f"GM{nummer:04d}", f"Gemeente {nummer}", "Utrecht")
        rijen += toekenningen(f"GM{nummer:04d}", f"Gemeente {nummer}", 2015, 1, 2, 3)
    upload = controleer(grote_regeling, werkmap(*rijen))
    db.session.commit()
    pagina = f"/versterkingsgelden/regelingen/{grote_regeling.id}/import/{upload.id}"

    eerste, tweede = html(officier.get(pagina)), html(officier.get(f"{pagina}?pagina=2"))

    assert "Pagina 1 van 2" in eerste
    assert "Pagina 2 van 2" in tweede
    assert "Gemeente 16" in eerste
    assert "Gemeente 16" not in tweede
    assert "Gemeente 18" not in eerste
    assert "Gemeente 18" in tweede
    assert tweede.count("<td rowspan=") == 10 * 5


# --- Every check, with its message ------------------------------------------------------------


def test_headings_missing_or_misspelled_name_the_expected_heading(regeling_2015_2016):
    koppen = [
        "soort ",
        "CBS code",
        None,
        "Jaar",
        "Doel",
        "Bedrag",
        "Cumulatief",
        "Datum",
        "Opmerking",
    ]

    upload = controleer(regeling_2015_2016, werkmap(["toekenning"], koppen=koppen))

    assert meldingen(upload) == [
        'Blad1!B1: Hier hoort de kolomkop "CBS-code" te staan, niet "CBS code".',
        'Blad1!C1: Hier hoort de kolomkop "Gemeente" te staan.',
        'Blad1!I1: De kolom "Opmerking" wordt niet gelezen.',
    ]


def test_an_extra_column_is_a_warning_and_is_not_read(regeling_2015_2016):
    rijen = [
        [*r, None, None, None, None, "notitie"]
        for r in toekenningen("GM0363", "Amsterdam", 2015, 1, 2, 3)
    ]

    upload = controleer(regeling_2015_2016, werkmap(*rijen, koppen=[*KOPPEN, "Bron"]))

    assert upload.status is UploadStatus.GECONTROLEERD
    assert meldingen(upload) == [
        'Blad1!I1: De kolom "Bron" wordt niet gelezen.',
        "Blad1!K2: Kolom K heeft geen kop en wordt niet gelezen.",
    ]


VOLGORDE = "zet de kolommen in deze volgorde: " + ", ".join(KOPPEN) + "."


def test_an_inserted_column_is_refused_not_read_shifted(regeling_2015_2016):
    # "Jaar" typed in a column inserted before "Bedrag": every amount would move one column.
    koppen = [*KOPPEN[:5], "Opmerking", *KOPPEN[5:]]
    rijen = [
        [*r[:5], "zie notitie", *r[5:]] for r in toekenningen("GM0363", "Amsterdam", 2015, 1, 2, 3)
    ]

    upload = controleer(regeling_2015_2016, werkmap(*rijen, koppen=koppen))

    assert upload.status is UploadStatus.GEWEIGERD
    assert meldingen(upload) == [f"Blad1!F1: Er is een kolom ingevoegd vóór kolom F; {VOLGORDE}"]


def test_a_deleted_column_is_refused(regeling_2015_2016):
    koppen = [k for k in KOPPEN if k != "Gemeente"]
    rijen = [[*r[:2], *r[3:]] for r in toekenningen("GM0363", "Amsterdam", 2015, 1, 2, 3)]

    assert fouten(regeling_2015_2016, *rijen, koppen=koppen) == [
        f'Blad1!C1: De kolom "Gemeente" is verwijderd; {VOLGORDE}'
    ]


def test_moved_columns_are_refused(regeling_2015_2016):
    koppen = [*KOPPEN[:5], "Cumulatief", "Bedrag", "Datum"]

    assert fouten(regeling_2015_2016, ["toekenning"], koppen=koppen) == [
        f'Blad1!F1: Hier hoort de kolomkop "Bedrag" te staan, niet "Cumulatief"; de kolommen '
        f"zijn verplaatst, {VOLGORDE}",
        f'Blad1!G1: Hier hoort de kolomkop "Cumulatief" te staan, niet "Bedrag"; de kolommen '
        f"zijn verplaatst, {VOLGORDE}",
    ]


def test_an_empty_first_row_is_no_heading(regeling_2015_2016):
    boek = Workbook()
    boek.active["A3"] = "toekenning"
    uit = io.BytesIO()
    boek.save(uit)

    upload = controleer(regeling_2015_2016, uit.getvalue())

    assert meldingen(upload) == [
        "Sheet!A1: Rij 1 is leeg; daar horen de kolomkoppen te staan: Soort, CBS-code, Gemeente, "
        "Jaar, Doel, Bedrag, Cumulatief, Datum, Kenmerk, Regio, Deelnemers."
    ]


def test_a_file_that_is_no_workbook_is_refused_with_the_readers_message(regeling_2015_2016):
    upload = controleer(regeling_2015_2016, b"Soort;CBS-code\ntoekenning;GM0363\n")

    assert upload.status is UploadStatus.GEWEIGERD
    assert len(upload.fouten) == 1
    assert upload.fouten[0].cel == ""
    with pytest.raises(ExcelFout):  # no error workbook: the page says so (kern.uploads_views)
        foutwerkmap(upload.inhoud, upload.alle_meldingen)


@pytest.mark.parametrize(
    ("rij", "melding"),
    [
        (
            ["toekening", "GM0363", "Amsterdam", 2015, "kennisbevordering", 1],
            'Blad1!A2: "toekening" is geen soort; kies toekenning, betaling, besteding of '
            "vaststelling.",
        ),
        (
            [None, "GM0363", "Amsterdam", 2015, "kennisbevordering", 1],
            "Blad1!A2: Vul de soort in: toekenning, betaling, besteding of vaststelling.",
        ),
        (
            ["toekenning", "GM9999", "Nergens", 2015, "kennisbevordering", 1],
            "Blad1!B2: Er is geen gemeente met code GM9999.",
        ),
        (
            ["toekenning", "Amsterdam", "Amsterdam", 2015, "kennisbevordering", 1],
            'Blad1!B2: "Amsterdam" is geen gemeentecode (zoals GM0363).',
        ),
        (
            ["toekenning", "GM0363", "Rotterdam", 2015, "kennisbevordering", 1],
            "Blad1!C2: GM0363 is Amsterdam, niet Rotterdam.",
        ),
        (
            ["toekenning", "GM0363", None, 2015, "kennisbevordering", 1],
            "Blad1!C2: Vul de naam van de gemeente in.",
        ),
        (
            ["toekenning", "GM0363", "Amsterdam", 2013, "kennisbevordering", 1],
            "Blad1!D2: Versterkingsgelden heeft geen jaar 2013; de jaren zijn 2015 en 2016.",
        ),
        (
            ["toekenning", "GM0363", "Amsterdam", "vorig jaar", "kennisbevordering", 1],
            'Blad1!D2: "vorig jaar" is geen geheel getal.',
        ),
        (
            ["besteding", "GM0363", "Amsterdam", 2015, None, 1],
            "Blad1!E2: Vul het bestedingsdoel in.",
        ),
        (
            ["toekenning", "GM0363", "Amsterdam", 2015, "preventie", 1],
            'Blad1!E2: "preventie" is geen bestedingsdoel van Versterkingsgelden; kies uit: '
            "kennisbevordering, vroegsignalering, persoonsgerichte_aanpak.",
        ),
        (
            ["toekenning", "GM0363", "Amsterdam", 2015, "kennisbevordering", "1.234,5x"],
            'Blad1!F2: "1.234,5x" is geen bedrag.',
        ),
        (
            ["toekenning", "GM0363", "Amsterdam", 2015, "kennisbevordering", 1234.567],
            'Blad1!F2: "1234,567" heeft meer dan twee decimalen.',
        ),
        (
            ["toekenning", "GM0363", "Amsterdam", 2015, "kennisbevordering", -5],
            'Blad1!F2: "-5" is negatief; een bedrag is nul of meer.',
        ),
        (
            ["toekenning", "GM0363", "Amsterdam", 2015, "kennisbevordering", None],
            "Blad1!F2: Vul een bedrag in.",
        ),
        (
            ["toekenning", "GM0363", "Amsterdam", 2015, "kennisbevordering", 1, 1],
            "Blad1!G2: Alleen een besteding heeft een cumulatief bedrag; laat deze cel leeg.",
        ),
        (
            ["besteding", "GM0363", "Amsterdam", 2015, "kennisbevordering", 1, None, "1-1-2015"],
            "Blad1!H2: Alleen een betaling, een toekenning en een vaststelling hebben een datum; "
            "laat deze cel leeg.",
        ),
        (
            ["betaling", "GM0363", "Amsterdam", 2015, "kennisbevordering", 1, None, "1-1-2015"],
            "Blad1!E2: Een betaling heeft geen bestedingsdoel; laat deze cel leeg.",
        ),
        (
            ["betaling", "GM0363", "Amsterdam", 2015, None, 0, None, "1-1-2015"],
            "Blad1!F2: Een betaling is groter dan nul.",
        ),
        (
            ["betaling", "GM0363", "Amsterdam", 2015, None, 1],
            "Blad1!H2: Vul een datum in.",
        ),
        (
            ["betaling", "GM0363", "Amsterdam", 2015, None, 1, None, "31-02-2015"],
            'Blad1!H2: "31-02-2015" is geen datum.',
        ),
    ],
)
def test_a_bad_cell_is_refused_with_its_message(regeling_2015_2016, rij, melding):
    assert melding in fouten(regeling_2015_2016, rij)


def test_a_cumulative_below_the_years_spending_is_refused(regeling_2015_2016):
    assert fouten(
        regeling_2015_2016,
        *toekenningen("GM0363", "Amsterdam", 2015, 100, 100, 100),
        ["besteding", "GM0363", "Amsterdam", 2015, "kennisbevordering", 50, 40],
        ["besteding", "GM0363", "Amsterdam", 2015, "vroegsignalering", 0],
        ["besteding", "GM0363", "Amsterdam", 2015, "persoonsgerichte_aanpak", 0],
    ) == ["Blad1!G5: Het cumulatieve bedrag (€ 40,00) is kleiner dan het bedrag in 2015 (€ 50,00)."]


def test_codes_names_years_and_amounts_in_every_spelling_are_one_and_the_same(regeling_2015_2016):
    rijen = [
        ["Toekenning ", "GM0518", "den haag", "2015", "kennisbevordering", "€ 1.000,50"],
        ["toekenning", 518, "'s-Gravenhage", 2015.0, "Vroegsignalering", 0.1 + 0.2],
        ["toekenning", "0518", "  Den  Haag ", 2015, "persoonsgerichte_aanpak", 7],
    ]

    upload = controleer(regeling_2015_2016, werkmap(*rijen))

    assert meldingen(upload) == []
    assert [g for _, g in uploads.gestaged(upload)] == [
        {
            "soort": "toekenning",
            "cbs": "GM0518",
            "jaar": 2015,
            "bedrag": centen,
            "doel": doel,
            "uitkomst": "nieuw",
        }
        for doel, centen in zip(DOELEN, (100050, 30, 700), strict=True)
    ]


# Staged rows as uploads checked before the rows were typed keep them (kern.uploads, JSON).
GESTAGED = [
    {"soort": "toekenning", "cbs": "GM0363", "jaar": 2015, "bedrag": 9000000, "doel": "vroeg",
     "oud": {"bedrag": 10000000}, "uitkomst": "gewijzigd"},
    {"soort": "besteding", "cbs": "GM0363", "jaar": 2015, "bedrag": 500000, "doel": "vroeg",
     "cumulatief": 750000, "oud": {"bedrag": 0, "cumulatief": 0}, "uitkomst": "gewijzigd"},
    {"soort": "besteding", "cbs": "GM0599", "jaar": 2016, "bedrag": 1, "doel": "kennis",
     "cumulatief": 1, "uitkomst": "nieuw"},
    {"soort": "betaling", "cbs": "GM0363", "jaar": 2015, "bedrag": 100000,
     "datum": "2015-12-02", "uitkomst": "nieuw"},
]  # fmt: skip


@pytest.mark.parametrize("gegevens", GESTAGED, ids=lambda g: f"{g['soort']}-{g['uitkomst']}")
def test_a_staged_row_reads_and_writes_the_stored_form(gegevens):
    wijziging = historische_import.Wijziging.van_json(gegevens)

    assert wijziging.als_json() == gegevens
    assert wijziging.bedrag == gegevens["bedrag"]
    assert wijziging.oud_bedrag == gegevens.get("oud", {}).get("bedrag")
    if gegevens["soort"] == "betaling":
        assert wijziging.datum == date(2015, 12, 2)


def test_blank_rows_are_skipped(regeling_2015_2016):
    rijen = [*toekenningen("GM0363", "Amsterdam", 2015, 1, 2, 3), [None], ["  ", None, " "]]

    upload = controleer(regeling_2015_2016, werkmap(*rijen[:1], [], *rijen[1:]))

    assert upload.status is UploadStatus.GECONTROLEERD
    assert [r for r, _ in uploads.gestaged(upload)] == [2, 4, 5]


def test_a_duplicate_names_the_earlier_row(regeling_2015_2016):
    assert fouten(
        regeling_2015_2016,
        *toekenningen("GM0363", "Amsterdam", 2015, 1, 2, 3),
        ["toekenning", "363", "Amsterdam", 2015, "vroegsignalering", 9],
        ["betaling", "GM0363", "Amsterdam", 2015, None, 1, None, "01-11-2015"],
        ["betaling", "GM0363", "Amsterdam", 2015, None, 2, None, datetime(2015, 11, 1)],
    ) == [
        "Blad1!A5: Rij 3 heeft al dezelfde soort, gemeente, jaar en doel.",
        "Blad1!A7: Rij 6 heeft al dezelfde soort, gemeente, jaar en datum.",
    ]


def test_spending_names_every_missing_purpose(regeling_2015_2016):
    assert fouten(
        regeling_2015_2016,
        *toekenningen("GM0363", "Amsterdam", 2015, 1, 2, 3),
        ["besteding", "GM0363", "Amsterdam", 2015, "vroegsignalering", 1],
    ) == [
        "Blad1!E5: Bij de besteding van Amsterdam in 2015 ontbreken de bestedingsdoelen "
        "Kennisbevordering (kennisbevordering) en Persoonsgerichte aanpak "
        "(persoonsgerichte_aanpak).",
    ]


def test_payments_and_spending_need_a_decision(regeling_2015_2016):
    assert fouten(
        regeling_2015_2016,
        ["betaling", "GM0599", "Rotterdam", 2015, None, 1, None, "01-11-2015"],
        *bestedingen("GM0599", "Rotterdam", 2015, 1, 1, 1),
    ) == [
        "Blad1!B2: Er is geen beschikking voor Rotterdam in 2015; neem de toekenning op in dit "
        "bestand of maak eerst de beschikking.",
        "Blad1!B3: Er is geen beschikking voor Rotterdam in 2015; neem de toekenning op in dit "
        "bestand of maak eerst de beschikking.",
    ]


def test_a_decision_in_the_database_is_enough_for_payments_and_spending(db, regeling_2015_2016):
    gemeente = db.session.execute(select(Gemeente).filter_by(cbs_code="GM0599")).scalar_one()
    maak_beschikking(gemeente, regeling_2015_2016, Decimal("10000.00"))
    db.session.commit()

    upload = controleer(
        regeling_2015_2016,
        werkmap(
            ["betaling", "GM0599", "Rotterdam", 2015, None, 4000, None, "01-11-2015"],
            *bestedingen("GM0599", "Rotterdam", 2015, 1000, 0, 0),
        ),
    )

    assert upload.status is UploadStatus.GECONTROLEERD, meldingen(upload)
    assert upload.gegevens["gevolgen"] == {
        "beschikkingen_nieuw": 0,
        "beschikkingen_gewijzigd": 0,
        "betalingen": 1,
        "verantwoordingen": 1,
        "vaststellingen": 0,
    }


def test_the_grants_of_a_year_must_fit_under_the_ceiling(db, regeling_2015_2016):
    rotterdam = db.session.execute(select(Gemeente).filter_by(cbs_code="GM0599")).scalar_one()
    maak_beschikking(rotterdam, regeling_2015_2016, Decimal("400000.00"))
    db.session.commit()

    assert fouten(
        regeling_2015_2016,
        *toekenningen("GM0363", "Amsterdam", 2015, 300_000, 200_000, "100.000,01"),
        *toekenningen("GM0363", "Amsterdam", 2016, 300_000, 200_000, 100_000),
    ) == [
        "Blad1!F4: De toekenningen voor 2015 komen samen op € 1.000.000,01. Dit overschrijdt het "
        "plafond van € 1.000.000,00 voor 2015 met € 0,01."
    ]


def test_spending_above_the_grant_is_a_warning(regeling_2015_2016):
    upload = controleer(
        regeling_2015_2016,
        werkmap(
            *toekenningen("GM0363", "Amsterdam", 2015, 100, 100, 100),
            ["besteding", "GM0363", "Amsterdam", 2015, "kennisbevordering", 100, 250],
            *bestedingen("GM0363", "Amsterdam", 2015, 0, 0, 51)[1:],
        ),
    )

    assert upload.status is UploadStatus.GECONTROLEERD
    assert meldingen(upload) == [
        "Blad1!G5: De cumulatieve besteding van Amsterdam in 2015 (€ 301,00) is hoger dan het "
        "toegekende bedrag (€ 300,00)."
    ]


def test_payments_may_not_exceed_the_grant(regeling_2015_2016):
    assert fouten(
        regeling_2015_2016,
        *toekenningen("GM0363", "Amsterdam", 2015, 100, 100, 100),
        ["betaling", "GM0363", "Amsterdam", 2015, None, 200, None, "01-11-2015"],
        ["betaling", "GM0363", "Amsterdam", 2015, None, 100.01, None, "01-12-2015"],
    ) == [
        "Blad1!F6: De betalingen aan Amsterdam voor 2015 komen samen op € 300,01; dat is € 0,01 "
        "meer dan het toegekende bedrag van € 300,00."
    ]


def test_a_registered_payment_is_not_changed(db, regeling_2015_2016):
    rotterdam = db.session.execute(select(Gemeente).filter_by(cbs_code="GM0599")).scalar_one()
    beschikking = maak_beschikking(rotterdam, regeling_2015_2016, Decimal("10000.00"))
    betaling = services.plan_betaling(
        beschikking,
        soort=BetalingSoort.VOORSCHOT,
        bedrag=Decimal("5000"),
        gepland_op=date(2015, 11, 1),
    )
    services.registreer_betaling(betaling, betaald_op=date(2015, 11, 1), versie=betaling.versie)
    db.session.commit()

    assert fouten(
        regeling_2015_2016,
        ["betaling", "GM0599", "Rotterdam", 2015, None, 6000, None, "01-11-2015"],
    ) == [
        "Blad1!F2: Op 01-11-2015 is al € 5.000,00 aan Rotterdam betaald; een geregistreerde "
        "betaling wordt niet gewijzigd."
    ]
    same = controleer(
        regeling_2015_2016,
        werkmap(["betaling", "GM0599", "Rotterdam", 2015, None, 5000, None, "01-11-2015"]),
    )
    assert same.gegevens["aantallen"]["betaling"] == {"nieuw": 0, "gewijzigd": 0, "ongewijzigd": 1}


def test_a_draft_decision_is_not_changed_by_the_import(db, regeling_2015_2016):
    rotterdam = db.session.execute(select(Gemeente).filter_by(cbs_code="GM0599")).scalar_one()
    maak_beschikking(rotterdam, regeling_2015_2016, Decimal("10000.00"), beschikt=False)
    db.session.commit()

    assert fouten(regeling_2015_2016, *toekenningen("GM0599", "Rotterdam", 2015, 1, 2, 3)) == [
        "Blad1!F2: De beschikking van Rotterdam voor 2015 is nog een concept; de toekenning kan "
        "niet worden gewijzigd."
    ]


def test_a_grant_cannot_drop_below_what_was_paid(db, regeling_2015_2016):
    rotterdam = db.session.execute(select(Gemeente).filter_by(cbs_code="GM0599")).scalar_one()
    beschikking = maak_beschikking(rotterdam, regeling_2015_2016, Decimal("10000.00"))
    betaling = services.plan_betaling(
        beschikking,
        soort=BetalingSoort.VOORSCHOT,
        bedrag=Decimal("5000"),
        gepland_op=date(2015, 11, 1),
    )
    services.registreer_betaling(betaling, betaald_op=date(2015, 11, 1), versie=betaling.versie)
    db.session.commit()

    assert fouten(
        regeling_2015_2016, *toekenningen("GM0599", "Rotterdam", 2015, 1000, 1000, 1000)
    ) == [
        "Blad1!F2: Aan Rotterdam is voor 2015 al € 5.000,00 betaald; het toegekende bedrag kan "
        "niet lager worden (€ 3.000,00)."
    ]


def test_an_ended_municipality_gets_no_new_decision(db, regeling_2015_2016):
    rotterdam = db.session.execute(select(Gemeente).filter_by(cbs_code="GM0599")).scalar_one()
    rotterdam.geldig_tot = date(2018, 12, 31)
    db.session.commit()

    assert fouten(regeling_2015_2016, *toekenningen("GM0599", "Rotterdam", 2015, 1, 2, 3)) == [
        "Blad1!B2: Rotterdam bestaat niet meer; voor een opgeheven gemeente kan geen nieuwe "
        "beschikking worden gemaakt."
    ]


def test_many_errors_are_all_reported_but_kept_within_bounds(regeling_2015_2016):
    rijen = [["toekenning", "GM0363", "Amsterdam", "x", "kennisbevordering", 1]] * 1500

    upload = controleer(regeling_2015_2016, werkmap(*rijen))

    assert upload.aantal_fouten == 1500
    assert len(upload.meldingen) == 1001
    assert meldingen(upload)[-1] == "En nog 500 fouten die hier niet worden getoond."


def test_a_changed_purpose_resubmits_the_return_with_the_others_as_they_were(
    db, regeling_2015_2016
):
    eerste = controleer(regeling_2015_2016, werkmap(*AMSTERDAM_2015))
    historische_import.importeer(
        regeling_2015_2016, eerste, door="test", versie=eerste.versie, vandaag=VANDAAG
    )
    db.session.commit()
    gewijzigd = [list(r) for r in AMSTERDAM_2015]
    gewijzigd[-1][5:7] = [5_000, 7_500]  # persoonsgerichte aanpak: 0 -> 5.000 (cum. 7.500)

    tweede = controleer(regeling_2015_2016, werkmap(*gewijzigd), naam="correctie.xlsx")

    assert tweede.gegevens["aantallen"]["besteding"] == {
        "nieuw": 0,
        "gewijzigd": 1,
        "ongewijzigd": 2,
    }
    assert tweede.aantal_regels == 1  # only what changes is staged
    resultaat = historische_import.importeer(
        regeling_2015_2016, tweede, door="test", versie=tweede.versie, vandaag=VANDAAG
    )
    db.session.commit()
    assert str(resultaat) == (
        "0 nieuwe beschikkingen, 0 gewijzigde beschikkingen, 0 betalingen en 1 nieuwe versie van "
        "een verantwoording"
    )
    assert tweede.resultaat == "1 regels ingelezen"
    beschikking = db.session.execute(select(Beschikking)).scalar_one()
    versie_1, versie_2 = beschikking.verantwoordingen
    assert versie_1.status.value == "vervangen"
    assert {r.doel.code: (r.besteed_in_jaar, r.besteed_cumulatief) for r in versie_2.regels} == {
        "kennisbevordering": (Decimal("30000.00"), Decimal("30000.00")),
        "vroegsignalering": (Decimal("12500.50"), Decimal("12500.50")),
        "persoonsgerichte_aanpak": (Decimal("5000.00"), Decimal("7500.00")),
    }
    with pytest.raises(services.SubsidieFout, match=r"^Deze upload is al ingelezen\.$"):
        historische_import.importeer(
            regeling_2015_2016, tweede, door="test", versie=tweede.versie, vandaag=VANDAAG
        )


def test_the_preview_rows_show_old_and_new_per_cell(db, regeling_2015_2016):
    eerste = controleer(regeling_2015_2016, werkmap(*AMSTERDAM_2015))
    historische_import.importeer(
        regeling_2015_2016, eerste, door="test", versie=eerste.versie, vandaag=VANDAAG
    )
    gewijzigd = [list(r) for r in AMSTERDAM_2015]
    gewijzigd[0][5] = 90_000
    gewijzigd[-1][5:7] = [5_000, 7_500]
    gewijzigd.append(["betaling", "GM0363", "Amsterdam", 2015, None, 1_000, None, "02-12-2015"])

    upload = controleer(regeling_2015_2016, werkmap(*gewijzigd), naam="correctie.xlsx")
    regels = historische_import.voorbeeldregels(
        db.session.execute(historische_import.wijzigingen(upload)).scalars()
    )

    assert [(r.rij, r.soort, r.uitkomst, r.naam, r.doel) for r in regels] == [
        (2, "toekenning", "gewijzigd", "Amsterdam", "kennisbevordering"),
        (8, "besteding", "gewijzigd", "Amsterdam", "persoonsgerichte_aanpak"),
        (9, "betaling", "nieuw", "Amsterdam", None),
    ]
    assert [[(c.kolom, c.oud, c.nieuw) for c in r.cellen] for r in regels] == [
        [("Bedrag", Decimal("100000.00"), Decimal("90000.00"))],
        [
            ("Bedrag", Decimal("0.00"), Decimal("5000.00")),
            ("Cumulatief", Decimal("0.00"), Decimal("7500.00")),
        ],
        [("Bedrag", None, Decimal("1000.00")), ("Datum", None, date(2015, 12, 2))],
    ]


@pytest.mark.csrf
def test_a_crash_while_checking_keeps_the_file_and_says_so(
    app, db, regeling_2015_2016, officier, monkeypatch, caplog
):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the bug is answered

    def kapot(self, *args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(Controle, "regels", kapot)
    inhoud = werkmap(*AMSTERDAM_2015)

    antwoord = upload_via_formulier(officier, regeling_2015_2016, inhoud)

    assert antwoord.status_code == 302
    assert (
        "Het bestand kon door een fout in de toepassing niet worden gecontroleerd. Het is "
        "bewaard; probeer het later opnieuw of neem contact op met de beheerder van de toepassing."
        in html(officier.get(antwoord.location))
    )
    upload = db.session.execute(select(Upload)).scalar_one()
    assert upload.status is UploadStatus.GEWEIGERD
    assert upload.inhoud == inhoud
    assert "Exception on /versterkingsgelden/regelingen/" in caplog.text  # with its traceback
    assert "RuntimeError: bug" in caplog.text


@pytest.mark.csrf
def test_a_crash_while_checking_again_keeps_the_earlier_check(
    app, db, regeling_2015_2016, officier, monkeypatch
):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the bug is answered
    pagina = upload_via_formulier(officier, regeling_2015_2016, werkmap(*AMSTERDAM_2015)).location
    upload = db.session.execute(select(Upload)).scalar_one()
    staged = list(uploads.gestaged(upload))
    geopend = officier.get(pagina)

    def kapot(self, *args, **kwargs):
        yield 2, {"soort": "half"}  # staged before the failure: rolled back with it
        raise RuntimeError("bug")

    monkeypatch.setattr(Controle, "regels", kapot)
    opnieuw = formulier(geopend.text, "/opnieuw", pagina)
    antwoord = officier.post(opnieuw.actie, data=opnieuw.velden)

    assert antwoord.status_code == 302
    assert antwoord.location == pagina
    assert (
        "Het opnieuw controleren is mislukt door een fout in de toepassing; er is niets "
        "veranderd. Probeer het later opnieuw." in html(officier.get(pagina))
    )
    assert upload.status is UploadStatus.GECONTROLEERD
    assert list(uploads.gestaged(upload)) == staged
