"""match text vectors: the matchmaker's embeddings of needs and offers, kept by text digest

Revision ID: b3f1c2d4e5a6
Revises: ea98914cc7b3
Create Date: 2026-12-02 18:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3f1c2d4e5a6'
down_revision = 'ea98914cc7b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('match_text_vectors',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('digest')
    )


def downgrade():
    op.drop_table('match_text_vectors')
