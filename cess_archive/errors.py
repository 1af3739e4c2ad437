"""The error that carries an exit status (``archive.exit_statuses``) to the CLI edge."""

from __future__ import annotations

from archive.exit_statuses import (
    EXIT_ABORTED,
    EXIT_CANNOT_RUN,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PAGE_ERRORS,
    EXIT_USAGE,
)

__all__ = [
    "EXIT_ABORTED",
    "EXIT_CANNOT_RUN",
    "EXIT_INTERRUPTED",
    "EXIT_LOCKED",
    "EXIT_OK",
    "EXIT_PAGE_ERRORS",
    "EXIT_USAGE",
    "CliError",
]


class CliError(Exception):
    """A failure to report as one line on stderr, with an exit status."""

    def __init__(self, message: str, status: int = EXIT_USAGE):
        super().__init__(message)
        self.status = status
