"""The `sitroom` command group: global options, archive lookup, and one error handler."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from sitroom import __version__
from sitroom.cli.output import stderr
from sitroom.errors import SitroomError
from sitroom.store.sqlite_values import STORE_FAILURES, unreadable

EXIT_ERROR = 2


class SitroomGroup(click.Group):
    """A click group that turns sitroom errors into a clear message and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SitroomError as exc:
            self._fail(ctx, str(exc))
        except STORE_FAILURES as exc:
            self._fail(ctx, f"{unreadable(exc)} (if the file is damaged, `sitroom verify` "
                            "names what it can still check)")

    @staticmethod
    def _fail(ctx: click.Context, message: str) -> None:
        if ctx.obj and ctx.obj.get("debug"):
            raise
        stderr.print("[bold red]error:[/] ", end="")
        stderr.print(message, markup=False, highlight=False)
        sys.exit(EXIT_ERROR)


@click.group(cls=SitroomGroup)
@click.option(
    "-a", "--archive", "archive", envvar="SITROOM_ARCHIVE", default=None,
    help="Archive folder (default: $SITROOM_ARCHIVE, else the current folder).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.version_option(__version__, prog_name="sitroom")
@click.pass_context
def cli(ctx: click.Context, archive: str | None, debug: bool) -> None:
    """sitroom: take in crisis messages, keep them as evidence, read them, show them."""
    ctx.ensure_object(dict)
    ctx.obj["archive"] = archive
    ctx.obj["debug"] = debug
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING)


def _register() -> None:
    from sitroom.cli import (
        analyze_cmd,
        archive_cmds,
        demo_cmd,
        evidence_cmds,
        ingest_cmd,
        model_cmds,
        query_cmds,
        serve_cmd,
    )

    for module in (archive_cmds, demo_cmd, ingest_cmd, analyze_cmd, query_cmds, evidence_cmds,
                   model_cmds, serve_cmd):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    """Console entry point."""
    cli(obj={})
