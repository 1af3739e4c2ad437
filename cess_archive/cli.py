"""The ``cess-archive`` console script and its subcommands.

Every error is caught here and reported as one line on stderr with a documented exit status
(see ``cess_archive.errors``); no traceback reaches the user.
"""

from __future__ import annotations

import sys

import click

from .errors import EXIT_ABORTED, EXIT_OK, EXIT_USAGE, CliError

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cess-archive")
def cli():
    """Archive the publications of the Centre Européen de Sécurité et de Stratégie, with every version."""


def _register_commands() -> None:
    from .crawl_command import crawl
    from .export_command import export
    from .runs_command import runs
    from .tracking import COMMANDS

    for command in (crawl, export, runs, *COMMANDS):
        cli.add_command(command)


_register_commands()


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the CLI, turning every error into one line and an exit status."""
    try:
        status = cli.main(args=argv, prog_name="cess-archive", standalone_mode=False)
    except CliError as exc:
        click.echo(f"cess-archive: error: {exc}", err=True)
        return exc.status
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("cess-archive: aborted", err=True)
        return EXIT_ABORTED
    except click.UsageError as exc:
        click.echo(f"cess-archive: error: {exc.format_message()}", err=True)
        return EXIT_USAGE
    except click.ClickException as exc:
        click.echo(f"cess-archive: error: {exc.format_message()}", err=True)
        return exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except KeyboardInterrupt:
        click.echo("cess-archive: interrupted", err=True)
        return EXIT_ABORTED
    return status if isinstance(status, int) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
