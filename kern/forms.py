"""The base form and the form fields every domain uses."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from flask import flash
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, StringField
from wtforms.i18n import get_translations
from wtforms.validators import ValidationError

from kern.bestanden import XLSX
from kern.db import db
from kern.geld import BedragFout, lees_bedrag

# A count as typed: ASCII digits only (\d would take other scripts' digits too).
_CIJFERS = re.compile(r"[0-9]{1,9}")

# WTForms' own Dutch catalogue (wtforms/locale/nl), loaded once.
NEDERLANDS = get_translations(["nl"])


class Formulier(FlaskForm):
    """The base of every form: WTForms' built-in messages ("Ongeldige keuze.") in Dutch.

    Validators should still carry a message of their own that says what to do; this is the
    net under the ones that do not. Flask-WTF would translate only with Flask-Babel installed.
    """

    class Meta:
        def get_translations(self, form: Any) -> Any:
            return NEDERLANDS


class BedragField(StringField):
    """An amount in euros, typed the Dutch way; ``data`` is a `Decimal` or None when empty."""

    data: Decimal | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        self.raw_tekst = valuelist[0].strip() if valuelist else ""
        if valuelist and not self.raw_tekst:
            # Only whitespace is no amount: InputRequired looks at the raw input, so it must
            # see an empty one to refuse it with the field's own message.
            self.raw_data = [""]
        if self.raw_tekst:
            try:
                self.data = lees_bedrag(self.raw_tekst)
            except BedragFout as fout:
                raise ValueError(str(fout)) from None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if self.data is None:
            return ""
        return f"{self.data:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


class AantalField(StringField):
    """A count (participants, pupils), typed with the digits 0 to 9 only; ``data`` is an `int`,
    or None when empty. Signs, decimals, separators and the digits of other scripts (which
    Python's `int` would accept) are refused."""

    data: int | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        tekst = valuelist[0].strip() if valuelist else ""
        if valuelist and not tekst:
            self.raw_data = [""]  # only white space: InputRequired sees an empty field
        if tekst:
            if not _CIJFERS.fullmatch(tekst):
                raise ValueError("Vul een heel getal in, met alleen cijfers, zoals 25.")
            self.data = int(tekst)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)


class VersieField(HiddenField):
    """The version of the record the form was drawn from, to refuse lost updates."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if valuelist and valuelist[0]:
            try:
                self.data = int(valuelist[0])
            except ValueError:
                raise ValueError("Ongeldige versie; laad de pagina opnieuw.") from None

    def pre_validate(self, form: Any) -> None:
        if self.data is None:
            raise ValidationError("Versie ontbreekt; laad de pagina opnieuw.")


class DatumField(DateField):
    """A date as the browser's date picker sends it (2015-11-09), or typed as 9-11-2015.

    Dates outside 2000-2100 are refused: in this programme they are always typing errors.
    """

    EERSTE = date(2000, 1, 1)
    LAATSTE = date(2100, 12, 31)

    def __init__(self, label: str, **kwargs: Any) -> None:
        kwargs.setdefault(
            "invalid_value_message", "Dit is geen geldige datum; schrijf haar als 9-11-2015."
        )
        super().__init__(label, format=["%Y-%m-%d", "%d-%m-%Y"], **kwargs)

    def post_validate(self, form: Any, validation_stopped: bool) -> None:
        if self.data is not None and not self.EERSTE <= self.data <= self.LAATSTE:
            self.errors.append(f"Een datum ligt tussen {self.EERSTE:%Y} en {self.LAATSTE:%Y}.")


def xlsx_veld(label: str, ontbreekt: str) -> Any:
    """A file field for an Excel workbook. The content is checked on upload, not the name:
    the accept attribute only helps the file dialog."""
    return FileField(
        label,
        validators=[FileRequired(ontbreekt)],
        render_kw={"accept": f".xlsx,{XLSX}"},
    )


def weiger(
    fout: Exception, form: Formulier | None = None, obj: object = None, *, conflict: bool
) -> int:
    """Undo a refused change and tell the user why: beside the field the refusal names (its
    ``veld``, when the form has it), else as a message. Answer 409 for a concurrent edit
    (``conflict``; the form then carries the current version, so that a second try is an
    informed one), 400 for any other refusal."""
    db.session.rollback()
    naam = getattr(fout, "veld", None)
    if form is not None and naam is not None and naam in form:
        veld = form[naam]
        veld.errors = [*veld.errors, str(fout)]
    else:
        flash(str(fout), "fout")
    if conflict:
        if form is not None and obj is not None and "versie" in form:
            form.versie.data = getattr(obj, "versie")  # noqa: B009 (any versioned record)
        return 409
    return 400
