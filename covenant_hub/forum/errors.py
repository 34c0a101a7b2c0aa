"""The forum's refusals: a message for the person who tried, and nothing written."""


class ForumError(Exception):
    """A refused change; `str(error)` is a translated message."""


class NotAllowed(ForumError):
    """The person may not do this at all (views answer 403)."""
