"""The ``cess-archive`` console script and its subcommands.

Every error is caught here and reported as one line on stderr with a documented exit status
(see ``cess_archive.errors``); no traceback reaches the user.
"""

from __future__ import annotations

import os
import sys

import click

from archive.package import PROJECT_VERSION

from .errors import EXIT_ABORTED, EXIT_CANNOT_RUN, EXIT_OK, EXIT_USAGE, CliError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=PROJECT_VERSION, prog_name="cess-archive")
def cli():
    """Archive the publications of the Centre Européen de Sécurité et de Stratégie, with every version."""


def _register_commands() -> None:
    from .crawl_command import crawl
    from .db_command import db
    from .export_command import export
    from .runs_command import runs
    from .serve_command import serve
    from .tracking import COMMANDS

    for command in (crawl, db, export, runs, serve, *COMMANDS):
        cli.add_command(command)


_register_commands()


def _say(message: object) -> None:
    """One line on stderr, whatever the message holds (a database's reason may span several lines)."""
    line = " ".join(str(message).split())
    click.echo(f"cess-archive: error: {line}", err=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the CLI, turning every error into one line and an exit status.

    An error nobody foresaw is still one line (exit 3); ``CESS_ARCHIVE_DEBUG=1`` shows its traceback.
    """
    try:
        status = cli.main(args=argv, prog_name="cess-archive", standalone_mode=False)
    except CliError as exc:
        _say(exc)
        return exc.status
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("cess-archive: aborted", err=True)
        return EXIT_ABORTED
    except click.ClickException as exc:  # usage errors, bad option values, unreadable files named as options
        _say(exc.format_message())
        return EXIT_USAGE
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except KeyboardInterrupt:
        click.echo("cess-archive: interrupted", err=True)
        return EXIT_ABORTED
    except Exception as exc:
        if os.environ.get("CESS_ARCHIVE_DEBUG"):
            raise
        if isinstance(exc, UnicodeEncodeError) and exc.reason == "surrogates not allowed":
            # bytes of the command line that are not UTF-8 reach Python as lone surrogates
            undecodable = exc.object[exc.start : exc.end].encode("utf-8", "surrogateescape")
            _say(f"an argument is not UTF-8 text (bytes {undecodable!r}): give URLs, names and dates in UTF-8")
            return EXIT_USAGE
        kind = "cannot read or write the archive" if _is_database_error(exc) else "unexpected error"
        _say(f"{kind}: {type(exc).__name__}: {exc} (run with CESS_ARCHIVE_DEBUG=1 for details)")
        return EXIT_CANNOT_RUN
    return status if isinstance(status, int) else EXIT_OK


def _is_database_error(exc: BaseException) -> bool:
    from sqlalchemy.exc import SQLAlchemyError

    return isinstance(exc, SQLAlchemyError)


if __name__ == "__main__":
    sys.exit(main())
