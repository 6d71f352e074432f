"""Exports: a page's list as an Excel workbook or a CSV file, from the page's own query.

A page that can be exported declares what it shows as an `Export`: one or more `Tabel`s, each
with its `Kolom`s (heading, value, kind, what it means, whether it is totalled) and a callable
that gives the rows. The view marks itself `@exporteerbaar` and answers with `toon(...)`
instead of ``render_template``: without ``?formaat=`` that renders the page; with
``?formaat=xlsx`` or ``?formaat=csv`` it sends the file, built from the same filters and sort
order as the page (the export link is the page's own address with ``formaat`` added; pagination
is the page's business, the export has every row). The rows are only asked for when a file is
made, so the page pays nothing for being exportable.

The workbook is written by xlsxwriter in its constant-memory mode to a temporary file, row by
row, so that memory does not grow with the number of rows, and sent from disk:

- amounts are numbers in a euro format, never text; a totalled column ends in a ``SUM`` formula
  that stores its computed value too, so that a reader that does not calculate sees the total;
- dates are dates (Dutch local time for moments);
- text is always a text cell, through the same rules as every workbook the application writes
  (`kern.excel.schrijven`): control characters left out, a text that starts like a formula
  marked with a quote prefix;
- the header row is frozen and has an autofilter, columns are as wide as their content, and
  a sheet prints landscape, one page wide, with the header on every page;
- a last sheet *Toelichting* says what was exported: the title, the filters, who made it and
  when (the moment the rows were read), and what each column means.

CSV is one table (the first), separated by semicolons with decimal commas and Dutch dates, in
UTF-8 with a byte-order mark, as Dutch Excel opens it; a text that starts like a formula gets a
leading apostrophe. Every export answer carries ``Cache-Control: no-store`` and a file name the
server chooses (``gemeenten-20261201.xlsx``).
"""

from __future__ import annotations

import csv
import dataclasses
import enum
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import IO, Any, TypeVar

import xlsxwriter
from flask import Flask, Response, render_template, request, send_file, stream_with_context, url_for
from flask_login import current_user
from xlsxwriter.utility import xl_rowcol_to_cell

from kern import beveiligingslog
from kern.beveiligingslog import Gebeurtenis, Resultaat
from kern.excel.schrijven import lijkt_formule, zonder_stuurtekens
from kern.formatting import datumtijd
from kern.tijd import TIJDZONE, nu, vandaag

FORMATEN = ("xlsx", "csv")
TABEL = "tabel"  # the query argument that picks a CSV file's table
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BREEDTE = 60
KOP_BREEDTE = 14
EURO = "€ #,##0.00;€ -#,##0.00"
DATUM = "dd-mm-yyyy"
MOMENT = "dd-mm-yyyy hh:mm"
PROCENT = '0.0" %"'  # the value is already in percent: no % sign that multiplies by 100

V = TypeVar("V", bound=Callable[..., Any])


class Soort(enum.Enum):
    TEKST = "tekst"
    GELD = "geld"
    GETAL = "getal"
    JAAR = "jaar"  # a number without a thousands separator
    DATUM = "datum"
    MOMENT = "moment"
    PROCENT = "procent"  # a percentage as a number to one decimal: 42.9 shows "42,9 %"
    DECIMAAL = "decimaal"  # a number to two decimals, such as a mean


@dataclass(frozen=True)
class Kolom:
    """One column: its heading, how a row gives its value, and what it means."""

    kop: str
    waarde: Callable[[Any], Any]
    soort: Soort = Soort.TEKST
    uitleg: str = ""
    totaal: bool = False


@dataclass(frozen=True)
class Tabel:
    """One sheet: columns and the rows (a callable, asked only when a file is made)."""

    naam: str
    kolommen: Sequence[Kolom]
    rijen: Callable[[], Iterable[Any]]


@dataclass(frozen=True)
class Export:
    """What a page exports. ``naam`` starts the file name; ``filters`` are (label, value)
    pairs of the filters in force, as the page shows them."""

    naam: str
    titel: str
    tabellen: Sequence[Tabel]
    filters: Sequence[tuple[str, str]] = field(default_factory=tuple)


def exporteerbaar(view: V) -> V:
    """Mark a view as one that answers ``?formaat=xlsx`` and ``?formaat=csv`` (through
    `toon`); the export tests find every such view in the URL map."""
    view.exporteerbaar = True  # type: ignore[attr-defined]
    return view


def gevraagd_formaat() -> str | None:
    formaat = request.args.get("formaat")
    return formaat if formaat in FORMATEN else None


def toon(template: str, export: Export, **context: Any) -> str | Response:
    """The page, or its export when the address asks for one (``?formaat=xlsx|csv``)."""
    formaat = gevraagd_formaat()
    if formaat is not None:
        beveiligingslog.schrijf(
            Gebeurtenis.EXPORT,
            Resultaat.GELUKT,
            object=request.full_path[:300],
            toelichting=formaat,
        )
    if formaat == "xlsx":
        return xlsx_antwoord(export)
    if formaat == "csv":
        return csv_antwoord(export)
    return render_template(template, **context)


def export_url(formaat: str, tabel: int | None = None) -> str:
    """The current page's address with ``formaat`` added: same filters, same sort order.
    ``tabel`` (from 1) picks the table of a CSV file when the page shows several."""
    argumenten: dict[str, Any] = request.args.to_dict(flat=False)
    argumenten.pop("page", None)
    argumenten.pop(TABEL, None)
    argumenten["formaat"] = [formaat]
    if tabel is not None:
        argumenten[TABEL] = [str(tabel)]
    return url_for(request.endpoint or "", **(request.view_args or {}), **argumenten)


def bestandsnaam(export: Export, extensie: str) -> str:
    return f"{export.naam}-{vandaag():%Y%m%d}.{extensie}"


def _bijlage(antwoord: Response, naam: str) -> Response:
    antwoord.headers["Cache-Control"] = "no-store"
    antwoord.headers["Content-Disposition"] = f'attachment; filename="{naam}"'
    return antwoord


def door() -> str:
    """Who is exporting, for the Toelichting sheet."""
    if current_user.is_authenticated:
        return f"{current_user.naam} ({current_user.email})"
    return "onbekend"


# --- Excel -----------------------------------------------------------------------------------


def xlsx_antwoord(export: Export) -> Response:
    # Not a `with`: the answer sends the file and closes it (which removes it) when it is done.
    bestand = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        schrijf_xlsx(export, bestand, door=door(), moment=nu())
    except BaseException:
        bestand.close()
        raise
    bestand.seek(0)
    antwoord = send_file(bestand, mimetype=XLSX_MIMETYPE, max_age=0)
    return _bijlage(antwoord, bestandsnaam(export, "xlsx"))


class _Opmaak:
    """The workbook's formats, made once."""

    def __init__(self, werkmap: xlsxwriter.Workbook) -> None:
        self.kop = werkmap.add_format({"bold": True, "bottom": 1, "text_wrap": True})
        self.tekst = werkmap.add_format({})
        self.formule_tekst = werkmap.add_format({"quote_prefix": True})
        self.per_soort = {
            Soort.GELD: werkmap.add_format({"num_format": EURO}),
            Soort.GETAL: werkmap.add_format({"num_format": "#,##0"}),
            Soort.JAAR: werkmap.add_format({"num_format": "0"}),
            Soort.PROCENT: werkmap.add_format({"num_format": PROCENT}),
            Soort.DECIMAAL: werkmap.add_format({"num_format": "0.00"}),
            Soort.DATUM: werkmap.add_format({"num_format": DATUM}),
            Soort.MOMENT: werkmap.add_format({"num_format": MOMENT}),
        }
        self.totaal_label = werkmap.add_format({"bold": True, "top": 1})
        self.totaal_per_soort = {
            Soort.GELD: werkmap.add_format({"bold": True, "top": 1, "num_format": EURO}),
            Soort.GETAL: werkmap.add_format({"bold": True, "top": 1, "num_format": "#,##0"}),
        }
        self.titel = werkmap.add_format({"bold": True, "font_size": 14})
        self.omloop = werkmap.add_format({"text_wrap": True, "valign": "top"})


def schrijf_xlsx(export: Export, uitvoer: IO[bytes], *, door: str, moment: datetime) -> None:
    """Write ``export`` as a workbook to ``uitvoer`` (a binary file), one row at a time."""
    werkmap = xlsxwriter.Workbook(
        uitvoer, {"constant_memory": True, "tmpdir": tempfile.gettempdir()}
    )
    opmaak = _Opmaak(werkmap)
    for tabel in export.tabellen:
        _schrijf_blad(werkmap, opmaak, tabel)
    _schrijf_toelichting(werkmap, opmaak, export, door=door, moment=moment)
    werkmap.close()


def _schrijf_blad(werkmap: xlsxwriter.Workbook, opmaak: _Opmaak, tabel: Tabel) -> None:
    blad = werkmap.add_worksheet(tabel.naam[:31])
    kolommen = tabel.kolommen
    for kolom_nr, kolom in enumerate(kolommen):
        blad.write_string(0, kolom_nr, kolom.kop, opmaak.kop)
    laatste = _schrijf_rijen(blad, opmaak, tabel)
    breedtes = [
        max(_breedte_kop(k.kop), b) for k, b in zip(kolommen, laatste.breedtes, strict=True)
    ]
    if laatste.totalen:
        rij_nr = laatste.rij_nr + 1
        blad.write_string(rij_nr, 0, "Totaal", opmaak.totaal_label)
        for kolom_nr, som in laatste.totalen.items():
            soort = kolommen[kolom_nr].soort
            vorm = opmaak.totaal_per_soort.get(soort, opmaak.totaal_per_soort[Soort.GETAL])
            breedtes[kolom_nr] = max(breedtes[kolom_nr], _breedte_getal(som, soort))
            if laatste.rij_nr == 0:
                blad.write_number(rij_nr, kolom_nr, som, vorm)
                continue
            bereik = (
                f"{xl_rowcol_to_cell(1, kolom_nr)}:{xl_rowcol_to_cell(laatste.rij_nr, kolom_nr)}"
            )
            blad.write_formula(rij_nr, kolom_nr, f"=SUM({bereik})", vorm, som)
    for kolom_nr, breedte in enumerate(breedtes):
        blad.set_column(kolom_nr, kolom_nr, min(breedte + 2, MAX_BREEDTE))
    blad.freeze_panes(1, 0)
    blad.autofilter(0, 0, max(laatste.rij_nr, 1), max(len(kolommen) - 1, 0))
    blad.set_landscape()
    blad.fit_to_pages(1, 0)
    blad.repeat_rows(0)
    blad.set_paper(9)  # A4


@dataclass
class _Geschreven:
    """What writing a table's rows leaves for its last row and its column widths."""

    rij_nr: int  # the last row written (0: none)
    breedtes: list[int]  # per column, the widest value, in characters
    totalen: dict[int, Decimal]  # per totalled column, the sum of its values


def _schrijf_rijen(blad: Any, opmaak: _Opmaak, tabel: Tabel) -> _Geschreven:
    """Every row, one at a time. The hot loop of a large export: texts and numbers, by far the
    most cells, are written here directly; the rest through `_schrijf_cel`. A number's width is
    worked out once per column, from its largest value."""
    kolommen = tabel.kolommen
    waarden = [k.waarde for k in kolommen]
    getalvormen = [opmaak.per_soort.get(k.soort, opmaak.per_soort[Soort.GETAL]) for k in kolommen]
    breedtes = [0] * len(kolommen)
    grootste: list[Decimal | int] = [0] * len(kolommen)
    totalen = {nr: Decimal(0) for nr, k in enumerate(kolommen) if k.totaal}
    schrijf_tekst, schrijf_getal = blad.write_string, blad.write_number
    datumvormen = {datetime: opmaak.per_soort[Soort.MOMENT], date: opmaak.per_soort[Soort.DATUM]}
    rij_nr = 0
    for rij in tabel.rijen():
        rij_nr += 1
        for kolom_nr, waarde_van in enumerate(waarden):
            waarde = waarde_van(rij)
            soort = type(waarde)
            if soort is str:
                tekst = waarde if waarde.isprintable() else zonder_stuurtekens(waarde)
                vorm = opmaak.formule_tekst if lijkt_formule(tekst) else None
                schrijf_tekst(rij_nr, kolom_nr, tekst, vorm)
                breedte = len(tekst) if "\n" not in tekst else max(map(len, tekst.splitlines()))
            elif soort is Decimal or soort is int:
                schrijf_getal(rij_nr, kolom_nr, waarde, getalvormen[kolom_nr])
                if abs(waarde) > grootste[kolom_nr]:
                    grootste[kolom_nr] = abs(waarde)
                if kolom_nr in totalen:
                    totalen[kolom_nr] += waarde
                continue
            elif waarde is None:
                continue
            elif soort is datetime or soort is date:
                schrijf_getal(rij_nr, kolom_nr, excel_datum(waarde), datumvormen[soort])
                breedte = len(MOMENT) if soort is datetime else len(DATUM)
            else:
                breedte = _schrijf_cel(blad, opmaak, rij_nr, kolom_nr, waarde)
            if breedte > breedtes[kolom_nr]:
                breedtes[kolom_nr] = breedte
    for kolom_nr, kolom in enumerate(kolommen):
        if grootste[kolom_nr]:
            getal = _breedte_getal(-grootste[kolom_nr], kolom.soort)
            breedtes[kolom_nr] = max(breedtes[kolom_nr], getal)
    return _Geschreven(rij_nr, breedtes, totalen)


def _schrijf_cel(blad: Any, opmaak: _Opmaak, rij: int, kolom: int, waarde: Any) -> int:
    """Write a value that is no plain text or number (yes/no, a date, a moment); returns the
    width it needs, in characters."""
    if isinstance(waarde, str):  # a subclass of str, such as a StrEnum
        tekst = _schrijf_tekst(blad, opmaak, rij, kolom, str(waarde), None)
        return max(map(len, tekst.splitlines()), default=0)
    if isinstance(waarde, bool):
        blad.write_string(rij, kolom, "ja" if waarde else "nee")
        return 3
    if isinstance(waarde, datetime):
        lokaal = waarde.astimezone(TIJDZONE).replace(tzinfo=None)
        blad.write_datetime(rij, kolom, lokaal, opmaak.per_soort[Soort.MOMENT])
        return len(MOMENT)
    if isinstance(waarde, date):
        blad.write_datetime(rij, kolom, waarde, opmaak.per_soort[Soort.DATUM])
        return len(DATUM)
    raise TypeError(f"an export cell cannot hold {type(waarde).__name__}")


EXCEL_NULPUNT = datetime(1899, 12, 30)  # day 0 of Excel's (and LibreOffice's) dates
DAG = timedelta(days=1)


def excel_datum(waarde: date) -> float:
    """A date, or a moment in Dutch local time, as the day number a spreadsheet stores: what
    xlsxwriter's ``write_datetime`` writes, without its checks on every cell of a large sheet
    (the application's dates lie between 2000 and 2100)."""
    if isinstance(waarde, datetime):
        lokaal = waarde.astimezone(TIJDZONE).replace(tzinfo=None) if waarde.tzinfo else waarde
        return (lokaal - EXCEL_NULPUNT) / DAG
    return float((waarde - EXCEL_NULPUNT.date()).days)


def _breedte_kop(kop: str) -> int:
    """A heading wraps (its format says so): it needs its longest word, and asks for no more
    than `KOP_BREEDTE` characters, so that a long heading over short amounts keeps the sheet
    narrow enough to print one page wide."""
    return max(max(map(len, kop.split()), default=0), min(len(kop), KOP_BREEDTE))


def _breedte_getal(getal: Decimal | int, soort: Soort) -> int:
    """The width of a number as the column's format shows it."""
    if soort is Soort.GELD:
        return _breedte_geld(getal)
    return len(f"{getal:,}") + 1


def _breedte_geld(bedrag: Decimal | int) -> int:
    return len(f"€ {bedrag:,.2f}")


def _schrijf_toelichting(
    werkmap: xlsxwriter.Workbook, opmaak: _Opmaak, export: Export, *, door: str, moment: datetime
) -> None:
    blad = werkmap.add_worksheet("Toelichting")
    blad.set_column(0, 0, 28)
    blad.set_column(1, 1, 80)
    blad.fit_to_pages(1, 0)
    blad.set_paper(9)  # A4
    regels: list[tuple[str, str]] = [
        ("Gemaakt op", datumtijd(moment)),
        ("Gemaakt door", door),
        ("Stand van de gegevens", f"{datumtijd(moment)} (toen deze export werd gemaakt)"),
    ]
    regels += [(label, waarde) for label, waarde in export.filters] or [("Filters", "geen")]
    _schrijf_tekst(blad, opmaak, 0, 0, export.titel, opmaak.titel)
    rij = 2
    for label, waarde in regels:
        _schrijf_paar(blad, opmaak, rij, label, waarde)
        rij += 1
    for tabel in export.tabellen:
        rij += 1
        blad.write_string(rij, 0, f"Kolommen van blad {tabel.naam[:31]}", opmaak.kop)
        rij += 1
        for kolom in tabel.kolommen:
            _schrijf_paar(blad, opmaak, rij, kolom.kop, kolom.uitleg)
            rij += 1


def _schrijf_paar(blad: Any, opmaak: _Opmaak, rij: int, label: str, waarde: str) -> None:
    _schrijf_tekst(blad, opmaak, rij, 0, label, opmaak.omloop)
    _schrijf_tekst(blad, opmaak, rij, 1, waarde, opmaak.omloop)


def _schrijf_tekst(blad: Any, opmaak: _Opmaak, rij: int, kolom: int, waarde: str, vorm: Any) -> str:
    """A text cell, never a formula; returns the text as written."""
    tekst = zonder_stuurtekens(waarde)
    blad.write_string(rij, kolom, tekst, opmaak.formule_tekst if lijkt_formule(tekst) else vorm)
    return tekst


# --- CSV -------------------------------------------------------------------------------------


def csv_antwoord(export: Export) -> Response:
    nummer = gevraagde_tabel(export)
    tabel = export.tabellen[nummer - 1]
    antwoord = Response(
        stream_with_context(csv_regels(tabel)), content_type="text/csv; charset=utf-8"
    )
    if nummer > 1:
        export = dataclasses.replace(export, naam=f"{export.naam}-{slug(tabel.naam)}")
    return _bijlage(antwoord, bestandsnaam(export, "csv"))


def gevraagde_tabel(export: Export) -> int:
    """The table a CSV file holds: ``?tabel=N`` (from 1), the first when absent or unknown."""
    waarde = request.args.get(TABEL, "")
    if waarde.isdigit() and 1 <= int(waarde) <= len(export.tabellen):
        return int(waarde)
    return 1


def slug(tekst: str) -> str:
    """``Terug te vorderen`` as ``terug-te-vorderen``, for a file name."""
    return "-".join(
        "".join(t if t.isascii() and t.isalnum() else " " for t in tekst.lower()).split()
    )


def csv_regels(tabel: Tabel) -> Iterator[str]:
    """The table as CSV text, a line at a time, starting with a byte-order mark."""
    buffer = io.StringIO()
    schrijver = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def regel(velden: Sequence[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        schrijver.writerow(velden)
        return buffer.getvalue()

    yield "\ufeff" + regel([_csv_tekst(k.kop) for k in tabel.kolommen])
    for rij in tabel.rijen():
        yield regel([_csv_waarde(k.waarde(rij)) for k in tabel.kolommen])


def _csv_waarde(waarde: Any) -> str:
    if waarde is None:
        return ""
    if isinstance(waarde, bool):
        return "ja" if waarde else "nee"
    if isinstance(waarde, str):
        return _csv_tekst(waarde)
    if isinstance(waarde, datetime):
        return f"{waarde.astimezone(TIJDZONE):%d-%m-%Y %H:%M}"
    if isinstance(waarde, date):
        return f"{waarde:%d-%m-%Y}"
    if isinstance(waarde, Decimal):
        return f"{waarde:.2f}".replace(".", ",")
    if isinstance(waarde, int):
        return str(waarde)
    raise TypeError(f"an export cell cannot hold {type(waarde).__name__}")


def _csv_tekst(waarde: str) -> str:
    tekst = zonder_stuurtekens(waarde)
    return "'" + tekst if lijkt_formule(tekst) else tekst


def register(app: Flask) -> None:
    app.add_template_global(export_url)
