"""Imports every domain's models so that SQLAlchemy metadata and Alembic see all tables."""
from covenant_hub.accounts.models import User  # noqa: F401
from covenant_hub.orgs.models import Membership, Organisation, OrgLink  # noqa: F401
from covenant_hub.library.models import Attachment, Practice, PracticeSignatory  # noqa: F401
