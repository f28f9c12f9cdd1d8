"""`sitroom serve`: the live dashboard and HTTP API over the archive."""

from __future__ import annotations

import click

from sitroom.cli.output import note
from sitroom.config import locate_archive


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (keep 127.0.0.1 unless others must reach it).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--read-only", is_flag=True, help="Serve with every write disabled.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, read_only: bool) -> None:
    """Serve the dashboard and API; prints the URL and the write token."""
    from sitroom.web.server import serve as run_server

    paths = locate_archive(ctx.find_root().obj.get("archive"))
    if host not in ("127.0.0.1", "localhost", "::1"):
        note(f"warning: binding {host}: anyone who can reach it can read the archive")
    run_server(paths.root, host, port, read_only, announce=note)


COMMANDS = [serve]
