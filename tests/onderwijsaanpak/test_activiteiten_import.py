"""Activities sent as Excel: download the template, fill it in as a clerk would (openpyxl),
upload it, read the messages per cell or the preview, confirm. Every workbook is built here
from the real template."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from kern.accounts.models import Rol
from kern.audit import AuditRegel
from kern.db import db as database
from kern.uploads import Upload, UploadStatus
from onderwijsaanpak.activiteiten_import.basis import BLAD
from onderwijsaanpak.models import Activiteit, ActiviteitSoort, Fase, Niveau
from tests.formulieren import formulier
from tests.onderwijsaanpak.factories import (
    maak_activiteit,
    maak_cohortlid,
    maak_rapportage,
    maak_ronde,
)
from tests.pagina import meldingen, tekst

TRAINING = "Training voor onderwijsprofessionals"
BESTUUR = "Training voor schoolbesturen"
LEERLINGEN = "Burgerschaps- of debatactiviteit voor leerlingen"
EERSTE = 7  # the template's first activity row


def basis(gemeente_code: str) -> str:
    return f"/onderwijsaanpak/gemeenten/{gemeente_code}/activiteiten"


def sjabloon(client, code: str = "GM0363") -> Workbook:
    antwoord = client.get(f"{basis(code)}.xlsx")
    assert antwoord.status_code == 200, antwoord.status_code
    return load_workbook(io.BytesIO(antwoord.data))


def regel(
    soort: object = TRAINING,
    datum: object = None,
    school: object = "Het Amstel Lyceum",
    brin: object = "12AB",
    niveau: object = "VO",
    deelnemers: object = 20,
    aanbieder: object = "Stichting Weerbaar",
    opmerkingen: object = None,
) -> tuple[object, ...]:
    return (
        soort,
        datetime(2016, 3, 10) if datum is None else datum,
        school,
        brin,
        niveau,
        deelnemers,
        aanbieder,
        opmerkingen,
    )


def ingevuld(
    client,
    *regels: tuple[object, ...],
    code: str = "GM0363",
    bewerk: Callable[[Workbook], None] | None = None,
) -> bytes:
    """The template as a clerk saves it after typing ``regels`` from the first row."""
    werkmap = sjabloon(client, code)
    blad = werkmap[BLAD]
    for rij, waarden in enumerate(regels or (regel(),), EERSTE):
        for kolom, waarde in enumerate(waarden, 1):
            blad.cell(row=rij, column=kolom, value=waarde)
    if bewerk:
        bewerk(werkmap)
    uit = io.BytesIO()
    werkmap.save(uit)
    return uit.getvalue()


def stuur(client, inhoud: bytes, code: str = "GM0363", naam: str = "activiteiten.xlsx"):
    return client.post(
        f"{basis(code)}/upload",
        data={"bestand": (io.BytesIO(inhoud), naam)},
        content_type="multipart/form-data",
    )


def bevestig(client, antwoord):
    """Follow the upload to its preview and press the confirm button."""
    pagina = client.get(antwoord.headers["Location"])
    assert pagina.status_code == 200
    f = formulier(pagina.text, "/inlezen")
    return client.post(f.actie, data=f.velden)


def laatste_upload() -> Upload:
    return database.session.execute(sa.select(Upload).order_by(Upload.id.desc())).scalars().first()


def fouten(upload: Upload) -> list[str]:
    return [str(m) for m in upload.fouten]


def activiteiten(gemeente) -> list[Activiteit]:
    return list(
        database.session.execute(
            sa.select(Activiteit).filter_by(gemeente_id=gemeente.id).order_by(Activiteit.id)
        ).scalars()
    )


@pytest.fixture
def pilot(amsterdam):
    return maak_cohortlid(amsterdam, Fase.PILOT)


@pytest.fixture
def klerk(login_as, amsterdam, pilot):
    return login_as(Rol.GEMEENTE, gemeente=amsterdam)


# --- The round trip ---------------------------------------------------------------------------


def test_a_municipality_reports_activities_by_excel(klerk, amsterdam):
    inhoud = ingevuld(
        klerk,
        regel(),
        regel(
            LEERLINGEN,
            "15-06-2016",
            "ROC van Amsterdam",
            " 25 ab 01 ",
            "mbo",
            120,
            None,
            "Debat over vrijheid",
        ),
        regel(BESTUUR, datetime(2015, 11, 2), "Stichting Openbaar Onderwijs", None, "VO", 6, None),
    )

    antwoord = stuur(klerk, inhoud, naam="Activiteiten Amsterdam.xlsx")
    assert antwoord.status_code == 302
    upload = laatste_upload()
    assert upload.status is UploadStatus.GECONTROLEERD, fouten(upload)
    assert activiteiten(amsterdam) == []  # nothing yet: first the preview

    preview = tekst(klerk.get(antwoord.headers["Location"]))
    assert "3 nieuwe activiteiten, samen 146 deelnemers" in preview
    assert "0 al gemeld" in preview
    assert "ROC van Amsterdam (BRIN 25AB01)" in preview

    bevestigd = bevestig(klerk, antwoord)
    assert bevestigd.status_code == 302
    assert bevestigd.headers["Location"].endswith("/onderwijsaanpak/gemeenten/GM0363#activiteiten")
    pagina = klerk.get("/onderwijsaanpak/gemeenten/GM0363")
    assert meldingen(pagina) == [
        ("succes", "Ingelezen: 3 activiteiten uit Activiteiten Amsterdam.xlsx.")
    ]
    gemeld = activiteiten(amsterdam)
    assert [
        (a.soort, a.datum, a.school, a.brin, a.niveau, a.deelnemers, a.aanbieder, a.opmerkingen)
        for a in gemeld
    ] == [
        (
            ActiviteitSoort.TRAINING_PROFESSIONALS,
            date(2016, 3, 10),
            "Het Amstel Lyceum",
            "12AB",
            Niveau.VO,
            20,
            "Stichting Weerbaar",
            None,
        ),
        (
            ActiviteitSoort.BURGERSCHAP,
            date(2016, 6, 15),
            "ROC van Amsterdam",
            "25AB01",
            Niveau.MBO,
            120,
            None,
            "Debat over vrijheid",
        ),
        (
            ActiviteitSoort.TRAINING_SCHOOLBESTUUR,
            date(2015, 11, 2),
            "Stichting Openbaar Onderwijs",
            None,
            Niveau.VO,
            6,
            None,
            None,
        ),
    ]
    assert {a.bron for a in gemeld} == {"excel"}
    assert {a.gemeld_door for a in gemeld} == {upload.geupload_door}
    assert upload.status is UploadStatus.GEIMPORTEERD
    assert upload.resultaat == "activiteiten:3"
    audit = database.session.execute(
        sa.select(AuditRegel.object_id).filter_by(soort="activiteit")
    ).scalars()
    assert sorted(audit) == [a.id for a in gemeld]


def test_an_officer_reports_for_a_municipality_with_its_own_template(
    login_as, amsterdam, rotterdam, pilot
):
    maak_cohortlid(rotterdam)
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    inhoud = ingevuld(officier, regel(school="Wolfert van Borselen"), code="GM0599")

    bevestig(officier, stuur(officier, inhoud, code="GM0599"))

    assert [a.school for a in activiteiten(rotterdam)] == ["Wolfert van Borselen"]
    assert activiteiten(amsterdam) == []

    # Rotterdam's template on Amsterdam's page: refused, naming only the file's own code.
    stuur(officier, inhoud, code="GM0363")
    assert fouten(laatste_upload()) == [
        "Dit sjabloon hoort bij een andere gemeente (CBS-code GM0599). Download het sjabloon "
        "van Amsterdam en upload dat."
    ]
    assert activiteiten(amsterdam) == []


# --- Once only --------------------------------------------------------------------------------


def test_a_confirmed_upload_cannot_be_confirmed_twice(klerk, amsterdam):
    antwoord = stuur(klerk, ingevuld(klerk))
    pagina = klerk.get(antwoord.headers["Location"])
    f = formulier(pagina.text, "/inlezen")
    assert klerk.post(f.actie, data=f.velden).status_code == 302

    nogmaals = klerk.post(f.actie, data=f.velden)

    assert nogmaals.status_code == 400
    assert len(activiteiten(amsterdam)) == 1
    assert ("fout", "Deze upload is al ingelezen.") in meldingen(nogmaals)
    assert "Ingelezen op" in tekst(nogmaals)


def test_the_identical_file_again_stores_and_reports_nothing_new(klerk, amsterdam):
    inhoud = ingevuld(klerk)
    bevestig(klerk, stuur(klerk, inhoud))

    opnieuw = stuur(klerk, inhoud, naam="kopie.xlsx")

    pagina = tekst(klerk.get(opnieuw.headers["Location"]))
    assert "Dit bestand is al eerder geüpload" in pagina
    assert "Ingelezen op" in pagina
    assert len(activiteiten(amsterdam)) == 1
    assert database.session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 1


def test_a_new_file_with_activities_reported_before_adds_only_the_new_ones(klerk, amsterdam):
    bevestig(klerk, stuur(klerk, ingevuld(klerk, regel())))
    tweede = ingevuld(klerk, regel(), regel(school="Het Bredero Lyceum", deelnemers=12))

    antwoord = stuur(klerk, tweede)
    preview = tekst(klerk.get(antwoord.headers["Location"]))
    assert "1 nieuwe activiteit, samen 12 deelnemers" in preview
    assert "1 al gemeld" in preview
    assert "niet ingelezen: al gemeld" in preview
    bevestig(klerk, antwoord)

    assert [a.school for a in activiteiten(amsterdam)] == [
        "Het Amstel Lyceum",
        "Het Bredero Lyceum",
    ]

    # Everything in it reported already: no confirm button, nothing to import.
    derde = stuur(klerk, ingevuld(klerk, regel(school="Het Bredero Lyceum", deelnemers=12)))
    pagina = klerk.get(derde.headers["Location"]).text
    assert "Alle activiteiten in dit bestand zijn al gemeld" in pagina
    assert "/inlezen" not in pagina


def test_an_activity_reported_between_preview_and_confirm_shows_the_preview_again(klerk, amsterdam):
    antwoord = stuur(klerk, ingevuld(klerk))
    pagina = klerk.get(antwoord.headers["Location"])
    f = formulier(pagina.text, "/inlezen")
    maak_activiteit(amsterdam, brin="12AB", aanbieder="Stichting Weerbaar")  # by form, meanwhile

    geweigerd = klerk.post(f.actie, data=f.velden)

    assert geweigerd.status_code == 409
    assert "Sinds de voorvertoning zijn er activiteiten van Amsterdam gemeld" in tekst(geweigerd)
    assert "0 nieuwe activiteiten" in tekst(geweigerd)
    assert len(activiteiten(amsterdam)) == 1


# --- Every bad cell, in Dutch -------------------------------------------------------------------


def test_every_bad_cell_is_named_and_nothing_is_reported(klerk, amsterdam):
    inhoud = ingevuld(
        klerk,
        regel(soort="Voorlichting"),
        regel(datum="31-02-2016"),
        regel(datum=datetime(2018, 1, 5)),
        regel(datum="12-12-2014"),
        regel(deelnemers=-5),
        regel(deelnemers="twintig"),
        regel(brin="1234AB"),
        regel(niveau="HAVO"),
        regel(school=None),
    )

    stuur(klerk, inhoud)

    upload = laatste_upload()
    assert upload.status is UploadStatus.GEWEIGERD
    assert fouten(upload) == [
        f'{BLAD}!A7 (Het Amstel Lyceum, soort activiteit): "Voorlichting" is geen soort '
        f"activiteit. Kies uit de lijst: {BESTUUR}, {TRAINING}, {LEERLINGEN}.",
        f'{BLAD}!B8 (Het Amstel Lyceum, datum): "31-02-2016" is geen datum.',
        f"{BLAD}!B9 (Het Amstel Lyceum, datum): Meld een activiteit als die is gehouden; deze "
        "datum ligt in de toekomst.",
        f"{BLAD}!B10 (Het Amstel Lyceum, datum): De onderwijsaanpak begon in 2015; deze datum "
        "ligt ervoor.",
        f"{BLAD}!F11 (Het Amstel Lyceum, deelnemers): Een activiteit heeft minstens één deelnemer.",
        f'{BLAD}!F12 (Het Amstel Lyceum, deelnemers): "twintig" is geen geheel getal.',
        f"{BLAD}!D13 (Het Amstel Lyceum, BRIN-code (optioneel)): Een BRIN-code is twee cijfers "
        "en twee letters, zoals 12AB, eventueel met een vestigingsnummer van twee cijfers "
        "erachter (12AB01).",
        f'{BLAD}!E14 (Het Amstel Lyceum, niveau (VO of MBO)): "HAVO" is geen niveau. Vul VO of '
        "MBO in.",
        f"{BLAD}!C15: Vul de naam van de school of het schoolbestuur in.",
    ]
    assert activiteiten(amsterdam) == []

    # The error workbook: the clerk's own file with the bad cells marked.
    pagina = klerk.get(f"{basis('GM0363')}/uploads/{upload.id}")
    assert "met de fouten gemarkeerd" in pagina.text
    werkmap = klerk.get(f"{basis('GM0363')}/uploads/{upload.id}/foutwerkmap.xlsx")
    assert werkmap.status_code == 200
    gemarkeerd = load_workbook(io.BytesIO(werkmap.data))[BLAD]
    assert "geen datum" in gemarkeerd["B8"].comment.text


def test_a_date_in_a_submitted_report_is_refused_as_the_form_refuses_it(klerk, amsterdam):
    ronde = maak_ronde(
        "Schooljaar 2015-2016", date(2015, 8, 1), date(2016, 7, 31), date(2016, 10, 1)
    )
    maak_rapportage(ronde, amsterdam)

    stuur(
        klerk,
        ingevuld(klerk, regel(datum=datetime(2016, 3, 10)), regel(datum=datetime(2016, 9, 1))),
    )

    assert fouten(laatste_upload()) == [
        f"{BLAD}!B7 (Het Amstel Lyceum, datum): De rapportage over Schooljaar 2015-2016 (1 "
        "augustus 2015 tot en met 31 juli 2016) is ingediend; de activiteiten in die periode "
        "liggen daarmee vast. Het ministerie kan de rapportage terugsturen als er iets moet "
        "veranderen."
    ]
    assert activiteiten(amsterdam) == []


def test_a_report_submitted_after_the_check_refuses_the_import(klerk, amsterdam):
    antwoord = stuur(klerk, ingevuld(klerk))
    ronde = maak_ronde(
        "Schooljaar 2015-2016", date(2015, 8, 1), date(2016, 7, 31), date(2016, 10, 1)
    )
    maak_rapportage(ronde, amsterdam)

    geweigerd = bevestig(klerk, antwoord)

    assert geweigerd.status_code == 400
    assert "Regel 7: De rapportage over Schooljaar 2015-2016" in tekst(geweigerd)
    assert "Er is niets ingelezen." in tekst(geweigerd)
    assert activiteiten(amsterdam) == []
    assert laatste_upload().status is UploadStatus.GECONTROLEERD


# --- Hostile files ------------------------------------------------------------------------------


def _zonder_blad(werkmap: Workbook) -> None:
    werkmap[BLAD].title = "Blad1"


def _kolommen_verplaatst(werkmap: Workbook) -> None:
    blad: Worksheet = werkmap[BLAD]
    blad["B6"], blad["C6"] = "School of schoolbestuur", "Datum"


def _gewone_werkmap(_: Workbook) -> bytes:
    werkmap = Workbook()
    werkmap.active.append(["Soort", "Datum"])
    uit = io.BytesIO()
    werkmap.save(uit)
    return uit.getvalue()


@pytest.mark.parametrize(
    ("inhoud", "melding"),
    [
        pytest.param(
            lambda c: b"Soort;Datum\nTraining;10-03-2016\n",
            "geen Excel-werkmap",
            id="not-a-workbook",
        ),
        pytest.param(
            lambda c: _gewone_werkmap(None),
            "Dit bestand is niet gemaakt met het sjabloon voor activiteiten.",
            id="another-workbook",
        ),
        pytest.param(
            lambda c: ingevuld(c, bewerk=_zonder_blad),
            'Het werkblad "Activiteiten" ontbreekt.',
            id="without-the-sheet",
        ),
        pytest.param(
            lambda c: ingevuld(c, bewerk=_kolommen_verplaatst),
            'Hier hoort de kolomkop "Datum" te staan, niet "School of schoolbestuur"; de '
            "kolommen zijn verplaatst",
            id="moved-columns",
        ),
    ],
)
def test_a_hostile_file_is_refused_with_a_dutch_message_and_changes_nothing(
    klerk, amsterdam, inhoud, melding
):
    antwoord = stuur(klerk, inhoud(klerk))

    upload = laatste_upload()
    assert upload.status is UploadStatus.GEWEIGERD
    assert melding in " ".join(fouten(upload))
    pagina = tekst(klerk.get(antwoord.headers["Location"]))
    assert "Het bestand is niet ingelezen" in pagina
    assert "Er is geen activiteit gemeld." in pagina
    assert activiteiten(amsterdam) == []


def test_an_edited_signature_names_nothing_the_file_claims(klerk, amsterdam):
    def andere_gemeente(werkmap: Workbook) -> None:
        metadata = werkmap["Metadata"]
        for rij in metadata.iter_rows():
            if rij[0].value == "cbs_code":
                rij[1].value = "GM0599"

    stuur(klerk, ingevuld(klerk, bewerk=andere_gemeente))

    [fout] = fouten(laatste_upload())
    assert fout.startswith("De verborgen gegevens van dit sjabloon zijn gewijzigd")
    assert "GM0599" not in fout


# --- Isolation ----------------------------------------------------------------------------------


def test_a_municipality_user_never_imports_for_another_municipality(
    login_as, amsterdam, rotterdam, pilot
):
    maak_cohortlid(rotterdam)
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    van_rotterdam = ingevuld(officier, regel(), code="GM0599")
    bevestig(officier, stuur(officier, ingevuld(officier, regel(), code="GM0599"), code="GM0599"))
    rotterdam_upload = laatste_upload()
    klerk = login_as(Rol.GEMEENTE, gemeente=amsterdam)

    # Rotterdam in the URL: nothing there exists for Amsterdam's user.
    assert klerk.get(f"{basis('GM0599')}.xlsx").status_code == 404
    assert klerk.get(f"{basis('GM0599')}/upload").status_code == 404
    assert stuur(klerk, van_rotterdam, code="GM0599").status_code == 404
    assert klerk.get(f"{basis('GM0599')}/uploads/{rotterdam_upload.id}").status_code == 404
    # Rotterdam's upload under Amsterdam's code.
    assert klerk.get(f"{basis('GM0363')}/uploads/{rotterdam_upload.id}").status_code == 404
    bevestigen = f"{basis('GM0363')}/uploads/{rotterdam_upload.id}/inlezen"
    assert klerk.post(bevestigen, data={"versie": "2", "stand": "0-0-0"}).status_code == 404
    # Rotterdam's template on Amsterdam's page: refused.
    antwoord = stuur(klerk, van_rotterdam, code="GM0363")
    assert antwoord.status_code == 302
    assert "hoort bij een andere gemeente (CBS-code GM0599)" in fouten(laatste_upload())[0]
    assert "Rotterdam" not in klerk.get(antwoord.headers["Location"]).text

    assert len(activiteiten(rotterdam)) == 1
    assert activiteiten(amsterdam) == []
    assert (
        database.session.scalar(
            sa.select(sa.func.count()).select_from(Upload).filter_by(sleutel=str(rotterdam.id))
        )
        == 1
    )


def test_a_municipality_that_left_gets_no_upload_form(klerk, amsterdam, pilot):
    from tests.onderwijsaanpak.factories import verplaats

    verplaats(pilot, Fase.BEEINDIGD, date(2017, 1, 1))

    pagina = klerk.get(f"{basis('GM0363')}/upload")
    assert "neemt niet meer deel aan de onderwijsaanpak" in tekst(pagina)
    assert 'type="file"' not in pagina.text
    assert re.search(r"Download het Excel-sjabloon", pagina.text) is None


def test_a_column_beside_the_table_is_a_warning_and_not_read(klerk, amsterdam):
    def notitie(werkmap: Workbook) -> None:
        werkmap[BLAD]["J7"] = "intern: nog nabellen"

    antwoord = stuur(klerk, ingevuld(klerk, bewerk=notitie))

    upload = laatste_upload()
    assert upload.status is UploadStatus.GECONTROLEERD
    assert [str(m) for m in upload.waarschuwingen] == [
        f"{BLAD}!J7 (Het Amstel Lyceum): Kolom J hoort niet bij het sjabloon en wordt niet "
        "ingelezen."
    ]
    bevestig(klerk, antwoord)
    assert [a.opmerkingen for a in activiteiten(amsterdam)] == [None]


def test_the_same_activity_twice_in_a_file_is_a_warning_and_counts_twice(klerk, amsterdam):
    antwoord = stuur(klerk, ingevuld(klerk, regel(), regel()))

    assert [str(m) for m in laatste_upload().waarschuwingen] == [
        f"{BLAD}!A8 (Het Amstel Lyceum): Deze activiteit staat ook op regel 7; elke regel telt "
        "als een eigen activiteit. Verwijder er een als dat niet de bedoeling is."
    ]
    bevestig(klerk, antwoord)
    assert len(activiteiten(amsterdam)) == 2
