"""Imports every domain's models so that SQLAlchemy metadata and Alembic see all tables."""

from covenant_hub.accounts.api_tokens import ApiToken  # noqa: F401
from covenant_hub.accounts.mail_preferences import NotificationPreference  # noqa: F401
from covenant_hub.accounts.models import User  # noqa: F401
from covenant_hub.accounts.notifications import Notification  # noqa: F401
from covenant_hub.events.models import (  # noqa: F401
    Event,
    NewsItem,
    NewsletterDelivery,
    NewsletterIssue,
    NewsletterSubscription,
)
from covenant_hub.forum import models as _forum_models  # noqa: F401
from covenant_hub.idempotency import FormSubmission  # noqa: F401
from covenant_hub.jobs.models import MailDelivery  # noqa: F401
from covenant_hub.library.models import Attachment, Practice, PracticeSignatory  # noqa: F401
from covenant_hub.matching import models as _matching_models  # noqa: F401
from covenant_hub.orgs.models import Membership, Organisation, OrgLink  # noqa: F401
from covenant_hub.programme import models as _programme_models  # noqa: F401
from covenant_hub.search.outbox import SearchOutbox  # noqa: F401
from covenant_hub.search.vectors import SearchVector, SearchVectorPending  # noqa: F401
