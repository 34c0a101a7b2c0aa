"""practices: language versions of one practice share a translation group (data only)

The demo data and earlier imports wrote each language version as its own practice, with ids
that differ only by a language suffix ("sample-practice-01-ky", "-ru", "-en"). This links such
versions of the same owner into one family: the group is the id of the oldest version.
Practices already in a group are left as they are. No schema change.

Revision ID: b7c1e0d5a914
Revises: b7c1d2e3f4a5
Create Date: 2026-12-02 18:40:00.000000

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c1e0d5a914'
down_revision = 'b7c1d2e3f4a5'
branch_labels = None
depends_on = None

practices = sa.table(
    "practices",
    sa.column("id", sa.Integer),
    sa.column("external_id", sa.String),
    sa.column("org_id", sa.Integer),
    sa.column("language", sa.String),
    sa.column("translation_group", sa.String),
)
SUFFIX = re.compile(r"^(?P<base>.+)-(?P<lang>[a-z]{2})$")


def families(rows):
    """(base id, owner) -> [(id, external id)] for ids ending in their own language's code."""
    found = {}
    for row in rows:
        match = SUFFIX.match(row.external_id)
        if match and match["lang"] == row.language:
            found.setdefault((match["base"], row.org_id), []).append((row.id, row.external_id))
    return {key: sorted(members) for key, members in found.items() if len(members) > 1}


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(practices.c.id, practices.c.external_id, practices.c.org_id, practices.c.language)
        .where(practices.c.translation_group.is_(None))
    ).all()
    for members in families(rows).values():
        group = members[0][1]
        connection.execute(
            practices.update()
            .where(practices.c.id.in_([member_id for member_id, _ in members]))
            .values(translation_group=group)
        )


def downgrade():
    # Only the groups this migration could have written (the oldest version's own id) are undone.
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(practices.c.id, practices.c.external_id, practices.c.org_id, practices.c.language)
    ).all()
    for members in families(rows).values():
        connection.execute(
            practices.update()
            .where(practices.c.id.in_([member_id for member_id, _ in members]))
            .where(practices.c.translation_group == members[0][1])
            .values(translation_group=None)
        )
