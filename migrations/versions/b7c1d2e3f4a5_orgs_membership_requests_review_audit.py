"""orgs: membership requests (joins and claims), review of new organisations, audit, invitation reminders

Revision ID: b7c1d2e3f4a5
Revises: b7d41c9e2f63
Create Date: 2026-12-02 18:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c1d2e3f4a5'
down_revision = 'b7d41c9e2f63'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_domain', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('review_state', sa.String(length=16), server_default='approved', nullable=False))
        batch_op.add_column(sa.Column('review_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_organisations_created_by_id_users', 'users', ['created_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_organisations_review_state', ['review_state'], unique=False)

    with op.batch_alter_table('match_invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table('membership_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('evidence', sa.String(length=16), nullable=True),
    sa.Column('evidence_file', sa.String(length=80), nullable=True),
    sa.Column('evidence_name', sa.String(length=200), nullable=True),
    sa.Column('routed_to', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('membership_requests', schema=None) as batch_op:
        batch_op.create_index('ix_membership_requests_org_state', ['org_id', 'state'], unique=False)

    op.create_table('org_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('org_audit', schema=None) as batch_op:
        batch_op.create_index('ix_org_audit_org', ['org_id'], unique=False)


def downgrade():
    with op.batch_alter_table('org_audit', schema=None) as batch_op:
        batch_op.drop_index('ix_org_audit_org')
    op.drop_table('org_audit')
    with op.batch_alter_table('membership_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_membership_requests_org_state')
    op.drop_table('membership_requests')
    with op.batch_alter_table('match_invitations', schema=None) as batch_op:
        batch_op.drop_column('reminded_at')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index('ix_organisations_review_state')
        batch_op.drop_constraint('fk_organisations_created_by_id_users', type_='foreignkey')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('review_note')
        batch_op.drop_column('review_state')
        batch_op.drop_column('email_domain')
