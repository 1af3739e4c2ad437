"""Exit statuses of the ``cess-archive`` command and the error that carries one to the CLI edge."""

from __future__ import annotations

EXIT_OK = 0
EXIT_PAGE_ERRORS = 1  # the crawl completed, but some pages could not be fetched or cleaned
EXIT_USAGE = 2  # bad usage or bad input: nothing was done
EXIT_CANNOT_RUN = 3  # the crawl could not run at all (database unusable, site unreachable, …)
EXIT_LOCKED = 4  # another crawl is running on the same archive
EXIT_INTERRUPTED = (
    5  # stopped by SIGINT/SIGTERM or --max-runtime: what was stored is kept; the next run completes the rest
)
EXIT_ABORTED = 130  # a command other than crawl stopped by Ctrl-C (or SIGTERM): nothing half-written is left


class CliError(Exception):
    """A failure to report as one line on stderr, with an exit status."""

    def __init__(self, message: str, status: int = EXIT_USAGE):
        super().__init__(message)
        self.status = status
