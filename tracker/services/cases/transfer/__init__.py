"""Import and export cases with their status histories (CSV pairs and one JSON document)."""

from tracker.services.cases.transfer.export import (
    events_path_for,
    export_cases,
    export_to_strings,
    record_export,
)
from tracker.services.cases.transfer.importing import import_cases
from tracker.services.cases.transfer.read import EVENT_COLUMNS
from tracker.services.cases.transfer.write import ImportResult

__all__ = [
    "EVENT_COLUMNS",
    "ImportResult",
    "events_path_for",
    "export_cases",
    "export_to_strings",
    "import_cases",
    "record_export",
]
