"""The sitemap lists what the agenda, news and library publish: it reuses the events world."""

from tests.events.conftest import world  # noqa: F401 - a fixture, found by name
