"""match changes: records every process's match model must reload, written with the changes

Revision ID: c407ea058bcf
Revises: 5e4c0a7b9d21
Create Date: 2026-11-27 12:47:11.686072

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c407ea058bcf'
down_revision = '5e4c0a7b9d21'
branch_labels = None
depends_on = None


def upgrade():
    # AUTOINCREMENT: SQLite must never hand out the id of a pruned row again.
    op.create_table('match_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    op.create_index('ix_match_changes_created_at', 'match_changes', ['created_at'], unique=False)


def downgrade():
    op.drop_index('ix_match_changes_created_at', table_name='match_changes')
    op.drop_table('match_changes')
