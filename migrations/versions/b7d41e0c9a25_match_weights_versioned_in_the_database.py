"""match weights: versioned rows every node's workers build their model with

Revision ID: b7d41e0c9a25
Revises: b7c1e0d5a914
Create Date: 2026-12-02 18:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41e0c9a25'
down_revision = 'b7c1e0d5a914'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('match_weights',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )


def downgrade():
    op.drop_table('match_weights')
