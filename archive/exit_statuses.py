"""The exit statuses of ``cess-archive``, a public contract documented in the README ("Exit statuses"):
defined once, here, for the command line and for the exports' errors, which carry one."""

EXIT_OK = 0
EXIT_PAGE_ERRORS = 1  # the crawl completed, but some pages could not be fetched or cleaned (db check: upgrade due)
EXIT_USAGE = 2  # bad usage or bad input: nothing was done
EXIT_CANNOT_RUN = 3  # the command could not run at all (database unusable, site unreachable, …)
EXIT_LOCKED = 4  # another crawl is running on the same archive
EXIT_INTERRUPTED = 5  # stopped by a signal or --max-runtime: what was stored is kept; the next run completes the rest
EXIT_ABORTED = 130  # a command other than crawl stopped by Ctrl-C (or SIGTERM): nothing half-written is left
