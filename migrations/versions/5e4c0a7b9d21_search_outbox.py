"""search outbox: keys to refresh in the index, written in the changes' own transactions

Revision ID: 5e4c0a7b9d21
Revises: e4d8ddc3ad55
Create Date: 2026-11-27 11:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e4c0a7b9d21'
down_revision = 'e4d8ddc3ad55'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade():
    op.drop_table('search_outbox')
