"""Money is exact: typed the Dutch way, stored without losing a cent, never a float."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from kern.geld import BedragFout, lees_bedrag
from subsidies.models import RegelingJaar
from tests.subsidies.factories import maak_regeling


@pytest.mark.parametrize(
    ("tekst", "bedrag"),
    [
        ("€ 1.234,56", "1234.56"),
        ("€\xa01.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1.234", "1234.00"),
        ("1.234.567", "1234567.00"),
        ("12,5", "12.50"),
        (" 100 ", "100.00"),
        ("0", "0.00"),
        ("999.999.999.999,99", "999999999999.99"),
    ],
)
def test_amounts_typed_as_people_type_them(tekst, bedrag):
    assert lees_bedrag(tekst) == Decimal(bedrag)


@pytest.mark.parametrize(
    ("tekst", "melding"),
    [
        ("1.234,5x", '"1.234,5x" is geen bedrag.'),
        ("1,234.56", '"1,234.56" is geen bedrag.'),
        ("abc", '"abc" is geen bedrag.'),
        ("", '"" is geen bedrag.'),
        ("1e5", '"1e5" is geen bedrag.'),
        ("NaN", '"NaN" is geen bedrag.'),
        ("1234,567", '"1234,567" heeft meer dan twee decimalen.'),
        ("12.345,678", '"12.345,678" heeft meer dan twee decimalen.'),
        ("-5", '"-5" is negatief; een bedrag is nul of meer.'),
        ("9999999999999", '"9999999999999" is groter dan het hoogst mogelijke bedrag.'),
        ("9" * 40, f'"{"9" * 40}" is groter dan het hoogst mogelijke bedrag.'),
        ("9" * 40 + ",5", f'"{"9" * 40},5" is groter dan het hoogst mogelijke bedrag.'),
    ],
)
def test_unusable_amounts_are_refused_with_a_dutch_message(tekst, melding):
    with pytest.raises(BedragFout) as fout:
        lees_bedrag(tekst)
    assert str(fout.value) == melding


def test_a_negative_amount_where_allowed():
    assert lees_bedrag("-1.000,00", negatief_toegestaan=True) == Decimal("-1000.00")


def test_the_largest_amount_survives_the_database_to_the_cent(db):
    regeling = maak_regeling(plafond=Decimal("999999999999.99"))
    jaar = regeling.jaren[0]
    jaar.plafond = Decimal("999999999999.99")
    db.session.commit()

    opgehaald = db.session.get(RegelingJaar, jaar.id)

    assert opgehaald.plafond == Decimal("999999999999.99")
    assert isinstance(opgehaald.plafond, Decimal)


def test_sums_in_sql_stay_exact(db):
    for i in range(3):
        maak_regeling(naam=f"Regeling {i}", plafond=Decimal("0.10"))
    db.session.commit()

    totaal = db.session.execute(sa.select(sa.func.sum(RegelingJaar.plafond))).scalar_one()

    assert totaal == Decimal("0.30")  # 0.1 + 0.1 + 0.1 is not 0.30000000000000004 here


def test_a_float_is_refused_on_the_way_in(db):
    regeling = maak_regeling()
    regeling.jaren[0].plafond = 0.1  # type: ignore[assignment]
    with pytest.raises(sa.exc.StatementError, match="money must be Decimal"):
        db.session.flush()
    db.session.rollback()


def test_more_than_two_decimals_are_refused_not_rounded(db):
    regeling = maak_regeling()
    regeling.jaren[0].plafond = Decimal("1.005")
    with pytest.raises(sa.exc.StatementError, match="at most two decimals"):
        db.session.flush()
    db.session.rollback()


def test_a_negative_ceiling_is_stopped_by_the_named_check_constraint(db):
    regeling = maak_regeling()
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError, match=r"plafond_niet_negatief|CHECK constraint"):
        db.session.execute(
            sa.update(RegelingJaar)
            .where(RegelingJaar.id == regeling.jaren[0].id)
            .values(plafond=Decimal("-1.00"))
        )
    db.session.rollback()
