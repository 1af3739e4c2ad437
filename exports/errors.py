"""Errors an export reports to its user as one line, with the exit status the command line uses."""

from __future__ import annotations

from archive.exit_statuses import EXIT_CANNOT_RUN, EXIT_USAGE


class ExportError(Exception):
    """Bad input or an impossible export: one line for the user, exit status ``status``; nothing written."""

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.status = status


class EmptySelection(ExportError, ValueError):
    """No longer raised: an empty selection now writes a valid empty output (exit status 0). Kept so that
    code catching it still imports."""

    def __init__(self, message: str = "the selection is empty: no record to export") -> None:
        super().__init__(message, EXIT_USAGE)


class IntegrityError(ExportError):
    """The archive contradicts itself (a raw body that does not match its SHA-256)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_CANNOT_RUN)
