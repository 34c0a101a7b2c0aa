"""organisation name key: every name in one folded Latin form, for search across scripts

Revision ID: b7d41c9e2f63
Revises: dc7f5714e859
Create Date: 2026-12-02 18:40:00

Derived from `name` (covenant_hub.language.names.name_key): "Ош" and "Osh" share the key
"osh". Existing rows are filled here; the model keeps it current afterwards.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7d41c9e2f63'
down_revision = 'dc7f5714e859'
branch_labels = None
depends_on = None


def upgrade():
    from covenant_hub.language.names import name_key

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=300), nullable=True))
        batch_op.create_index(batch_op.f('ix_organisations_name_key'), ['name_key'], unique=False)
    connection = op.get_bind()
    organisations = sa.table('organisations', sa.column('id', sa.Integer), sa.column('name', sa.String),
                             sa.column('name_key', sa.String))
    rows = connection.execute(sa.select(organisations.c.id, organisations.c.name)).all()
    if rows:
        connection.execute(
            organisations.update().where(organisations.c.id == sa.bindparam('row_id')),
            [{'row_id': row_id, 'name_key': name_key(name or '')} for row_id, name in rows],
        )


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_name_key'))
        batch_op.drop_column('name_key')
