"""Dataset exports read from the archive (JSON, JSONL; more formats to come)."""

from .exporter import ExportResult, export
from .records import FIELD_NAMES, FIELDS, to_record

__all__ = ["ExportResult", "export", "FIELDS", "FIELD_NAMES", "to_record"]
