"""The organisations' interchange files (organisations.jsonl, links.jsonl), registered with the
framework in covenant_hub/interchange/ on import, and the organisation reference check the
other domains' files share (references.py)."""

from __future__ import annotations

from covenant_hub.interchange import register_handler
from covenant_hub.orgs.interchange.org_files import LinksFile, MembershipsFile, OrganisationsFile

register_handler(OrganisationsFile())
register_handler(LinksFile())
register_handler(MembershipsFile())
