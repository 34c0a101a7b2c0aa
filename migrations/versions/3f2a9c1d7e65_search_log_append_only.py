"""search outbox as an append-only change log: ids never reused, created_at indexed

Every node follows the log from its own mark, so an id must never come back: AUTOINCREMENT on
SQLite (PostgreSQL sequences never reuse one). created_at is indexed for the retention prune.

Revision ID: 3f2a9c1d7e65
Revises: ea98914cc7b3
Create Date: 2026-12-02 18:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f2a9c1d7e65'
down_revision = 'ea98914cc7b3'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # A rowid table reuses the highest id once its row is deleted: a follower whose mark
        # is above it would never see the new row. Copy the rows into an AUTOINCREMENT table.
        with op.batch_alter_table('search_outbox', recreate='always',
                                  table_kwargs={'sqlite_autoincrement': True}) as batch_op:
            batch_op.create_index('ix_search_outbox_created_at', ['created_at'], unique=False)
    else:
        op.create_index('ix_search_outbox_created_at', 'search_outbox', ['created_at'], unique=False)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('search_outbox', recreate='always') as batch_op:
            batch_op.drop_index('ix_search_outbox_created_at')
    else:
        op.drop_index('ix_search_outbox_created_at', table_name='search_outbox')
