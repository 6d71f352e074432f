"""betalingen: what was actually paid, and the bank's payment reference

Finance registers a payment with the amount that actually went out (or came back, for a
clawback) and, optionally, the bank's reference. Payments registered before this migration were
paid as planned: their paid amount is their planned amount. The downgrade refuses when a
payment was registered with another amount than planned (the older schema would count the
planned one).

Revision ID: 0006
Revises: 0005


"""
from alembic import op
import sqlalchemy as sa

import kern.db

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('betalingen', schema=None) as batch_op:
        batch_op.add_column(sa.Column('betaald_bedrag', kern.db.Geld(), nullable=True))
        batch_op.add_column(sa.Column('betalingskenmerk', sa.String(length=60), nullable=True))
    op.execute('UPDATE betalingen SET betaald_bedrag = bedrag WHERE betaald_op IS NOT NULL')
    with op.batch_alter_table('betalingen', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_betalingen_betaald_met_bedrag'),
            '(betaald_op IS NULL) = (betaald_bedrag IS NULL)',
        )
        batch_op.create_check_constraint(
            op.f('ck_betalingen_betaald_bedrag_positief'), 'betaald_bedrag > 0'
        )


def downgrade():
    anders = op.get_bind().execute(
        sa.text('SELECT COUNT(*) FROM betalingen WHERE betaald_bedrag <> bedrag')
    ).scalar_one()
    if anders:
        raise RuntimeError(
            f'{anders} payment(s) were registered with another amount than planned; the older '
            'schema would count the planned amount. Not downgrading.'
        )
    with op.batch_alter_table('betalingen', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_betalingen_betaald_bedrag_positief'), type_='check')
        batch_op.drop_constraint(op.f('ck_betalingen_betaald_met_bedrag'), type_='check')
        batch_op.drop_column('betalingskenmerk')
        batch_op.drop_column('betaald_bedrag')
