"""betalingen: a planned payment is cancelled with a reason, never deleted

Revision ID: 0004
Revises: 0003


"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('betalingen', schema=None) as batch_op:
        batch_op.add_column(sa.Column('geannuleerd_op', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('geannuleerd_door', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('reden_annulering', sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_betalingen_betaald_of_geannuleerd'),
            'betaald_op IS NULL OR geannuleerd_op IS NULL',
        )


def downgrade():
    # A cancelled payment has no place in the older schema: it would count as planned again.
    # Refuse rather than lose the cancellation silently.
    geannuleerd = op.get_bind().execute(
        sa.text('SELECT COUNT(*) FROM betalingen WHERE geannuleerd_op IS NOT NULL')
    ).scalar_one()
    if geannuleerd:
        raise RuntimeError(
            f'{geannuleerd} cancelled payment(s) would count as planned again after this '
            'downgrade; not downgrading.'
        )
    with op.batch_alter_table('betalingen', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_betalingen_betaald_of_geannuleerd'), type_='check')
        batch_op.drop_column('reden_annulering')
        batch_op.drop_column('geannuleerd_door')
        batch_op.drop_column('geannuleerd_op')
