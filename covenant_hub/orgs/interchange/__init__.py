"""The interchange format (spec/DATA_FORMAT.md): a registry of per-file handlers.

Other domains register their files with `register_handler`; organisations.jsonl and
links.jsonl are registered here.
"""
from __future__ import annotations

from covenant_hub.orgs.interchange.org_files import LinksFile, OrganisationsFile
from covenant_hub.orgs.interchange.registry import (
    FileHandler,
    ImportContext,
    ImportOptions,
    LineError,
    ParsedLine,
    handlers,
    register_handler,
)
from covenant_hub.orgs.interchange.runner import ImportReport, export_folder, import_folder

register_handler(OrganisationsFile())
register_handler(LinksFile())

__all__ = [
    "FileHandler", "ImportContext", "ImportOptions", "ImportReport", "LineError", "ParsedLine",
    "export_folder", "handlers", "import_folder", "register_handler",
]
