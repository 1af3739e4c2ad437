"""Dataset exports read from the archive: JSON, JSONL, CSV, Parquet, WARC, and dataset directories."""

from .errors import EmptySelection, ExportError
from .exporter import FORMATS, ExportResult, export
from .records import FIELD_NAMES, FIELDS, SCHEMA_VERSION

__all__ = [
    "FIELDS",
    "FIELD_NAMES",
    "FORMATS",
    "SCHEMA_VERSION",
    "EmptySelection",
    "ExportError",
    "ExportResult",
    "export",
]
