"""`sitroom analyze`: re-run the analysis steps over the whole archive."""

from __future__ import annotations

import sys

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from sitroom.analyzing import ArchiveAnalyzer
from sitroom.cli.context import open_archive
from sitroom.cli.output import emit_json, stderr, stdout


@click.command()
@click.option("--missing", "only_missing", is_flag=True,
              help="Only messages not analysed yet (after `ingest --no-analyze`).")
@click.option("--no-embeddings", is_flag=True,
              help="Skip sentence embeddings (faster; n-gram classifier only).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def analyze(ctx: click.Context, only_missing: bool, no_embeddings: bool, as_json: bool) -> None:
    """Run language, near-duplicates, category, help, places, entities, counts, quotes."""
    archive = open_archive(ctx)
    archive.lock_for_writing()
    analyzer = ArchiveAnalyzer(archive, embeddings=not no_embeddings)
    with Progress(TextColumn("analyse"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=stderr, auto_refresh=False,
                  disable=as_json or not sys.stderr.isatty(), transient=True) as progress:
        task = progress.add_task("analyse", total=None)

        def on_batch(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, refresh=True)

        report = analyzer.analyze_archive(only_missing=only_missing, progress=on_batch)
    if as_json:
        emit_json(report.to_json())
        return
    data = report.to_json()
    stdout.out(f"analysed {report.messages} messages in {report.seconds:.1f}s "
               f"({data['messages_per_second']} messages/s)", highlight=False)
    for step, seconds in report.steps.items():
        stdout.out(f"  {step:<14} {seconds:7.2f}s", highlight=False)


COMMANDS = [analyze]
