"""The archive: every record in one versioned file, and back into an empty database."""

from tracker.services.archive.export import ArchiveSummary, export_archive, record_export
from tracker.services.archive.restore import import_archive

__all__ = ["ArchiveSummary", "export_archive", "import_archive", "record_export"]
