"""The interchange format (spec/DATA_FORMAT.md): a registry of per-file handlers and the runner
that imports and exports a folder of them. Every domain registers its files with
`register_handler` in its `init_app`; the framework knows no domain."""

from __future__ import annotations

from covenant_hub.interchange.registry import (
    FileHandler,
    ImportContext,
    ImportOptions,
    LineError,
    ParsedLine,
    handlers,
    register_handler,
)
from covenant_hub.interchange.runner import ImportReport, export_folder, import_folder

__all__ = [
    "FileHandler",
    "ImportContext",
    "ImportOptions",
    "ImportReport",
    "LineError",
    "ParsedLine",
    "export_folder",
    "handlers",
    "import_folder",
    "register_handler",
]
