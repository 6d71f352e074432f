"""The kernel's form fields, on their own."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.validators import InputRequired, Optional

from kern.forms import BedragField


class _Bedragen(FlaskForm):
    class Meta:
        csrf = False

    verplicht = BedragField("Bedrag", validators=[InputRequired("Vul een bedrag in.")])
    vrij = BedragField("Optioneel", validators=[Optional()])


@pytest.mark.parametrize("leeg", ["", " ", "\t", "  \u00a0 "])
def test_an_amount_of_only_whitespace_is_empty_and_required_says_so(app, leeg):
    with app.test_request_context(method="POST"):
        form = _Bedragen(formdata=MultiDict({"verplicht": leeg, "vrij": leeg}))

        assert not form.validate()
        assert form.errors == {"verplicht": ["Vul een bedrag in."]}
        assert form.verplicht.data is None
        assert form.vrij.data is None


def test_an_amount_with_spaces_around_it_is_read(app):
    with app.test_request_context(method="POST"):
        form = _Bedragen(formdata=MultiDict({"verplicht": " 1.234,56 ", "vrij": ""}))

        assert form.validate()
        assert form.verplicht.data == Decimal("1234.56")
