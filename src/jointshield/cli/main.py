"""The ``jointshield`` command.

Each sub-command lives in its own module and registers itself on :data:`app`. Bad input raised as
:class:`~jointshield.errors.InputError` (or a pydantic validation error turned into one) becomes a
one-line message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from ..errors import InputError

app = typer.Typer(
    name="jointshield",
    help=(
        "Simulate and analyse a limited, jointly operated regional missile defence, "
        "at the kinematic, open-literature level. Every figure is in SI or says its unit."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err_console = Console(stderr=True, highlight=False)


@app.callback()
def _root() -> None:
    """Keep `jointshield` a group of sub-commands even while it has only one."""


def _register() -> None:
    # Imported for their side effect of adding commands to `app`.
    from . import catalogue_cmd, fly_cmd, validate_cmd  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning bad input into one line and exit code 2."""
    _register()
    try:
        rc = app(args=argv, standalone_mode=False)
    except InputError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
        return 2
    except SystemExit as exc:  # typer/click exit codes pass through
        return int(exc.code or 0)
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.exceptions.Abort):
            return 1
        if isinstance(exc, click.ClickException):
            exc.show()
            return 2
        raise
    return rc if isinstance(rc, int) else 0


if __name__ == "__main__":
    sys.exit(main())
