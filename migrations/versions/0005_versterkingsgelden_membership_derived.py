"""deelnames: membership of the versterkingsgelden follows from the decisions

The manual flags for the versterkingsgelden go: a municipality takes part when it has a decided
decision (`gemeenten.programmas`, registered by `subsidies`). Each removed flag is written to the
register's own history (gemeente_mutaties), with its note, so nothing is lost without a trace.
The downgrade sets a flag again for every municipality that has a decided decision.

Revision ID: 0005
Revises: 0004


"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

PROGRAMMA = 'versterkingsgelden'
DOOR = 'migratie 0005'

deelnames = sa.table(
    'deelnames',
    sa.column('id', sa.Integer),
    sa.column('gemeente_id', sa.Integer),
    sa.column('programma', sa.String),
    sa.column('toelichting', sa.String),
    sa.column('demo', sa.Boolean),
)
mutaties = sa.table(
    'gemeente_mutaties',
    sa.column('gemeente_id', sa.Integer),
    sa.column('soort', sa.String),
    sa.column('oud', sa.String),
    sa.column('nieuw', sa.String),
    sa.column('uitgevoerd_op', sa.DateTime(timezone=True)),
    sa.column('uitgevoerd_door', sa.String),
)


def upgrade():
    verbinding = op.get_bind()
    vlaggen = verbinding.execute(
        sa.select(deelnames.c.gemeente_id, deelnames.c.toelichting).where(
            deelnames.c.programma == PROGRAMMA
        )
    ).all()
    nu = datetime.now(UTC)
    if vlaggen:
        op.bulk_insert(
            mutaties,
            [
                {
                    'gemeente_id': gemeente_id,
                    'soort': 'deelname',
                    'oud': f'Versterkingsgelden (met de hand){": " + toelichting if toelichting else ""}'[:100],
                    'nieuw': 'Versterkingsgelden: volgt uit de beschikkingen',
                    'uitgevoerd_op': nu,
                    'uitgevoerd_door': DOOR,
                }
                for gemeente_id, toelichting in vlaggen
            ],
        )
    verbinding.execute(sa.delete(deelnames).where(deelnames.c.programma == PROGRAMMA))


def downgrade():
    verbinding = op.get_bind()
    toegekend = ('beschikt', 'gewijzigd', 'vastgesteld')
    ontvangers = sa.text(
        'SELECT gemeente_id FROM beschikkingen WHERE status IN :toegekend '
        'UNION SELECT d.gemeente_id FROM beschikking_deelnemers d '
        'JOIN beschikkingen b ON b.id = d.beschikking_id WHERE b.status IN :toegekend'
    ).bindparams(sa.bindparam('toegekend', expanding=True))
    ids = sorted(verbinding.execute(ontvangers, {'toegekend': toegekend}).scalars())
    if ids:
        op.bulk_insert(
            deelnames,
            [
                {
                    'gemeente_id': i,
                    'programma': PROGRAMMA,
                    'toelichting': 'Uit de beschikkingen (migratie 0005 teruggedraaid)',
                    'demo': False,
                }
                for i in ids
            ],
        )
    verbinding.execute(sa.delete(mutaties).where(mutaties.c.uitgevoerd_door == DOOR))
