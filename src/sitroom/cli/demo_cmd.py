"""`sitroom demo`: a realistic crisis scenario into an embedded archive, then the dashboard."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from sitroom.cli.output import note, stdout
from sitroom.demo_run import build_demo


@click.command()
@click.option("--folder", type=click.Path(path_type=Path), default=Path("sitroom-demo"),
              show_default=True, help="Where to write the scenario files and the archive.")
@click.option("--scale", type=click.IntRange(1, 1000), default=1, show_default=True,
              help="Multiply the scenario's volume (1 is about 2,500 messages).")
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="Serve the dashboard over the demo archive when done.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def demo(folder: Path, scale: int, serve: bool, host: str, port: int) -> None:
    """Build the fictional besieged-city scenario archive, analyse it, serve the dashboard."""
    note(f"writing the scenario to {folder / 'inputs'} and ingesting it into "
         f"{folder / 'archive'} ...")
    result = build_demo(folder, scale=scale)
    table = Table(title="demo: Qasr al-Nahr, 12-16 December 2016 (fictional)",
                  title_justify="left")
    for column in ("input", "format", "read", "new", "duplicate", "notices", "rejected"):
        table.add_column(column, justify="left" if column in ("input", "format") else "right")
    for f in result.report.files:
        table.add_row(Path(f.source).name, f.importer, str(f.read), str(f.new), str(f.duplicate),
                      str(f.notices), str(f.rejected))
    stdout.print(table)
    stats = result.stats
    stdout.out(
        f"archive {result.archive_root}: {stats['messages']} messages, {stats['notices']} "
        f"notices, log size {stats['log_size']}, {stats['checkpoints']} signed checkpoint(s)",
        highlight=False,
    )
    places = ", ".join(f"{name} ({count:,})" for name, count in result.top_places)
    stdout.out(f"analysed: {result.calls_for_help:,} calls for help, distress or farewell; "
               f"places named most: {places or 'none'}", highlight=False)
    stdout.out(f"try: sitroom -a {result.archive_root} search \"حلب OR aleppo\"", highlight=False)
    if serve:
        from sitroom.web.server import serve as serve_dashboard

        serve_dashboard(result.archive_root, host=host, port=port, read_only=False)


COMMANDS = [demo]
