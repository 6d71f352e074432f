"""Form fields every domain uses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from wtforms import HiddenField, StringField
from wtforms.validators import ValidationError

from kern.geld import BedragFout, lees_bedrag


class BedragField(StringField):
    """An amount in euros, typed the Dutch way; ``data`` is a `Decimal` or None when empty."""

    data: Decimal | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        self.raw_tekst = valuelist[0].strip() if valuelist else ""
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
