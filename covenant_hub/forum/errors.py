"""The forum's refusals: a message for the person who tried, and nothing written."""

from covenant_hub import errors
from covenant_hub.errors import DomainError


class ForumError(DomainError):
    """A refused change; `str(error)` is a translated message."""


class NotAllowed(ForumError, errors.NotAllowed):
    """The person may not do this at all (views answer 403)."""
