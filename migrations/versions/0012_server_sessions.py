"""accounts: sessions on the server instead of one session key per user

Each sign-in becomes a row of `sessies` (the SHA-256 of the cookie's token, its user, when it
began and was last active, from which address and browser, when it ended), so that a session
can end on its own (signing out, idle, too old) and a user can see and end theirs. The per-user
`gebruikers.sessiesleutel` goes: every session it opened ends with this migration, and users
sign in again.

Revision ID: 0012
Revises: 0011
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sessies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sleutel", sa.String(length=64), nullable=False),
        sa.Column("gebruiker_id", sa.Integer(), nullable=False),
        sa.Column("begonnen_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("laatst_actief_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("adres", sa.String(length=45), nullable=False),
        sa.Column("browser", sa.String(length=200), nullable=False),
        sa.Column("beeindigd_op", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["gebruiker_id"],
            ["gebruikers.id"],
            name=op.f("fk_sessies_gebruiker_id_gebruikers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessies")),
        sa.UniqueConstraint("sleutel", name=op.f("uq_sessies_sleutel")),
    )
    op.create_index(op.f("ix_sessies_gebruiker_id"), "sessies", ["gebruiker_id"], unique=False)
    with op.batch_alter_table("gebruikers") as batch_op:
        batch_op.drop_constraint(op.f("uq_gebruikers_sessiesleutel"), type_="unique")
        batch_op.drop_column("sessiesleutel")


def downgrade():
    with op.batch_alter_table("gebruikers") as batch_op:
        batch_op.add_column(
            sa.Column("sessiesleutel", sa.String(length=32), nullable=False, server_default="")
        )
    # Every user gets a new random key (the old ones are gone: everyone signs in anew).
    gebruikers = sa.table("gebruikers", sa.column("id", sa.Integer), sa.column("sessiesleutel"))
    verbinding = op.get_bind()
    for (gebruiker_id,) in verbinding.execute(sa.select(gebruikers.c.id)).all():
        verbinding.execute(
            gebruikers.update()
            .where(gebruikers.c.id == gebruiker_id)
            .values(sessiesleutel=secrets.token_hex(16))
        )
    with op.batch_alter_table("gebruikers") as batch_op:
        batch_op.alter_column("sessiesleutel", server_default=None)
        batch_op.create_unique_constraint(op.f("uq_gebruikers_sessiesleutel"), ["sessiesleutel"])
    op.drop_index(op.f("ix_sessies_gebruiker_id"), table_name="sessies")
    op.drop_table("sessies")
