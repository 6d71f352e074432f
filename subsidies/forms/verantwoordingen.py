# mypy: disallow-subclassing-any=False
# (Flask-WTF is untyped; pyproject's override for "*.forms" does not reach forms/ packages.)
"""Forms for the spending return, its review and the settlement."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from wtforms import BooleanField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, Optional, ValidationError

from kern import tijd
from kern.forms import BedragField, DatumField, Formulier, VersieField
from subsidies.models import Bestedingsdoel, Verantwoording

TOELICHTING_MAX = 5000


def in_jaar_naam(doel: Bestedingsdoel) -> str:
    return f"in_jaar_{doel.id}"


def cumulatief_naam(doel: Bestedingsdoel) -> str:
    return f"cumulatief_{doel.id}"


class VerantwoordingForm(Formulier):
    """The return: two amounts per purpose of the scheme (added by `voor`), final or not."""

    eindverantwoording = RadioField(
        "Is dit de eindverantwoording?",
        choices=[
            SelectChoice("nee", "Nee, een tussentijdse verantwoording"),
            SelectChoice("ja", "Ja, dit is de eindverantwoording"),
        ],
        validate_choice=False,
        validators=[
            InputRequired("Geef aan of dit de eindverantwoording is."),
            AnyOf(["ja", "nee"], "Kies ja of nee."),
        ],
    )
    toelichting = TextAreaField(
        "Toelichting afwijking",
        description="Licht toe waar de besteding afwijkt van de beschikking (optioneel).",
        validators=[
            Optional(),
            Length(
                max=TOELICHTING_MAX,
                message=f"Een toelichting is hooguit {TOELICHTING_MAX} tekens lang.",
            ),
        ],
    )

    @classmethod
    def voor(cls, doelen: Iterable[Bestedingsdoel], jaar: int, **kwargs: Any) -> VerantwoordingForm:
        """The form for a scheme's purposes, for spending in ``jaar``."""

        class Form(cls):  # type: ignore[valid-type,misc]
            pass

        for doel in doelen:
            setattr(
                Form,
                in_jaar_naam(doel),
                BedragField(
                    f"Besteding in {jaar}",
                    validators=[InputRequired(f"Vul de besteding in {jaar} in (0 als niets).")],
                ),
            )
            setattr(
                Form,
                cumulatief_naam(doel),
                BedragField(
                    f"Cumulatieve besteding tot en met {jaar}",
                    validators=[
                        InputRequired(
                            f"Vul de cumulatieve besteding tot en met {jaar} in (0 als niets)."
                        )
                    ],
                ),
            )
        form: VerantwoordingForm = Form(**kwargs)
        return form

    @staticmethod
    def gegevens_van(verantwoording: Verantwoording | None) -> dict[str, Any]:
        """The values of an earlier version, to start the next one from."""
        if verantwoording is None:
            return {}
        gegevens: dict[str, Any] = {
            "eindverantwoording": "ja" if verantwoording.eindverantwoording else "nee",
            "toelichting": verantwoording.toelichting_afwijking or "",
        }
        for regel in verantwoording.regels:
            gegevens[in_jaar_naam(regel.doel)] = regel.besteed_in_jaar
            gegevens[cumulatief_naam(regel.doel)] = regel.besteed_cumulatief
        return gegevens

    def bedrag(self, naam: str) -> Decimal:
        waarde = self[naam].data
        assert isinstance(waarde, Decimal)  # guaranteed by InputRequired after validation
        return waarde

    @property
    def is_eind(self) -> bool:
        return bool(self.eindverantwoording.data == "ja")


class GoedkeurForm(Formulier):
    versie = VersieField()
    reactie = TextAreaField(
        "Opmerking voor de gemeente (optioneel)",
        validators=[
            Optional(),
            Length(
                max=TOELICHTING_MAX,
                message=f"Een opmerking is hooguit {TOELICHTING_MAX} tekens lang.",
            ),
        ],
    )


class TerugstuurForm(Formulier):
    versie = VersieField()
    reden = TextAreaField(
        "Wat moet de gemeente verbeteren?",
        validators=[
            InputRequired("Geef aan wat de gemeente moet verbeteren."),
            Length(
                max=TOELICHTING_MAX,
                message=f"Een reden is hooguit {TOELICHTING_MAX} tekens lang.",
            ),
        ],
    )

    def validate_reden(self, field: TextAreaField) -> None:
        if not (field.data or "").strip():
            raise ValidationError("Geef aan wat de gemeente moet verbeteren.")


class VaststellingForm(Formulier):
    versie = VersieField()
    datum = DatumField(
        "Datum van de vaststelling",
        validators=[InputRequired("Vul de datum van de vaststelling in.")],
        default=tijd.vandaag,
    )
    bevestig = BooleanField(
        "Ik heb het voorstel gecontroleerd en stel de subsidie vast",
        validators=[InputRequired("Bevestig de vaststelling.")],
    )
