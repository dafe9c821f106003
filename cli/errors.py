"""The one place where failures become exit codes (kzdata.pipelines.errors.ExitCode): an
expected error exits with its class's code, anything else with 3, a bug."""

from __future__ import annotations

import functools
import os
import traceback
from collections.abc import Callable
from typing import Any

import typer

from kzdata.pipelines.errors import ExitCode, KzdataError


def exit_codes(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command, turning expected errors into their exit code and message on stderr,
    and anything else into exit 3: an internal error is a bug, never shown as bad input."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except KzdataError as exc:
            typer.echo(f"kzdata: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except Exception as exc:
            if os.environ.get("KZDATA_DEBUG"):
                traceback.print_exc()
            typer.echo(
                f"kzdata: internal error (a bug in kzdata; please report it): "
                f"{type(exc).__name__}: {exc}. Set KZDATA_DEBUG=1 for the traceback.",
                err=True,
            )
            raise typer.Exit(ExitCode.INTERNAL) from None

    return wrapper
