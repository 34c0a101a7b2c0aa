"""search vectors: document embeddings (derived data) and the keys waiting to be embedded

Revision ID: 7b1e5c2d9a40
Revises: c407ea058bcf
Create Date: 2026-12-02 14:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b1e5c2d9a40'
down_revision = 'c407ea058bcf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_vectors',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('model', sa.String(length=80), nullable=False),
    sa.Column('content_hash', sa.String(length=40), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key'),
    sqlite_autoincrement=True,
    )
    op.create_table('search_vector_pending',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade():
    op.drop_table('search_vector_pending')
    op.drop_table('search_vectors')
