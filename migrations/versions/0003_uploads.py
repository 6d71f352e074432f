"""uploads: every uploaded file kept, with its check and staged rows

Revision ID: 0003
Revises: 0002


"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('soort', sa.String(length=40), nullable=False),
    sa.Column('sleutel', sa.String(length=80), nullable=False),
    sa.Column('bestandsnaam', sa.String(length=255), nullable=False),
    sa.Column('inhoud', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('grootte', sa.Integer(), nullable=False),
    sa.Column('geupload_door', sa.String(length=254), nullable=False),
    sa.Column('geupload_op', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('ontvangen', 'geweigerd', 'gecontroleerd', 'geimporteerd', name='uploadstatus', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('meldingen', sa.JSON(), nullable=False),
    sa.Column('aantal_fouten', sa.Integer(), nullable=False),
    sa.Column('aantal_waarschuwingen', sa.Integer(), nullable=False),
    sa.Column('gegevens', sa.JSON(), nullable=False),
    sa.Column('aantal_regels', sa.Integer(), nullable=False),
    sa.Column('gecontroleerd_op', sa.DateTime(timezone=True), nullable=True),
    sa.Column('geimporteerd_door', sa.String(length=254), nullable=True),
    sa.Column('geimporteerd_op', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resultaat', sa.String(length=80), nullable=True),
    sa.Column('versie', sa.Integer(), nullable=False),
    sa.CheckConstraint('grootte >= 0', name=op.f('ck_uploads_grootte_niet_negatief')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_uploads')),
    sa.UniqueConstraint('soort', 'sleutel', 'sha256', name='uq_uploads_bestand')
    )
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_uploads_sha256'), ['sha256'], unique=False)

    op.create_table('upload_regels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.Column('rij', sa.Integer(), nullable=False),
    sa.Column('gegevens', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['upload_id'], ['uploads.id'], name=op.f('fk_upload_regels_upload_id_uploads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_upload_regels'))
    )
    with op.batch_alter_table('upload_regels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_upload_regels_upload_id'), ['upload_id'], unique=False)


def downgrade():
    with op.batch_alter_table('upload_regels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_upload_regels_upload_id'))

    op.drop_table('upload_regels')
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_uploads_sha256'))

    op.drop_table('uploads')
