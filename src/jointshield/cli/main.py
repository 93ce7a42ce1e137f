"""The ``jointshield`` command.

Each sub-command lives in its own module and registers itself on :data:`app`. Bad input raised as
:class:`~jointshield.errors.InputError` (or a pydantic validation error turned into one) becomes a
one-line message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console
from rich.markup import escape

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
    from . import (  # noqa: F401
        capability_cmd,
        catalogue_cmd,
        demo_cmd,
        fly_cmd,
        joint_cmd,
        overtake_cmd,
        reach_cmd,
        report_cmd,
        run_cmd,
        scenarios_cmd,
        track_cmd,
        validate_cmd,
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning bad input into one line and exit code 2.

    Typer's standalone mode handles usage errors itself (message, exit code 2); domain errors arrive
    here as :class:`InputError` and are printed as one line, never as a traceback.
    """
    _register()
    try:
        app(args=argv, prog_name="jointshield")
    except InputError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        return 2
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except Exception as exc:  # a bug, not bad input: one line, and the traceback on request
        if os.environ.get("JOINTSHIELD_DEBUG"):
            raise
        err_console.print(f"[bold red]internal error:[/] {escape(type(exc).__name__)}: {escape(str(exc))} "
                          "(set JOINTSHIELD_DEBUG=1 for the traceback, and please report it)", soft_wrap=True)
        return 1
    return 0


if __name__ == "__main__":
    # Run as `python -m jointshield.cli.main`: register on this module's app, not a second copy's.
    from jointshield.cli.main import main as _main

    sys.exit(_main())
