"""`sitroom ingest`: read exports into the archive, with progress and a summary."""

from __future__ import annotations

import os
import sys

import click
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from sitroom.analyzing import ArchiveAnalyzer
from sitroom.archive_folder import ArchiveFolder
from sitroom.cli.context import open_archive
from sitroom.cli.output import emit_json, stderr
from sitroom.errors import AnalysisError
from sitroom.evidence.checkpoints import make_checkpoint
from sitroom.pipeline import IngestPipeline, IngestReport
from sitroom.reading import InputSpec
from sitroom.sources.base import SourceSettings

EXIT_REJECTED = 1


def _total_size(paths: tuple[str, ...]) -> int | None:
    total = 0
    for path in paths:
        if path == "-":
            return None
        try:
            total += os.path.getsize(path)
        except OSError:
            continue
    return total


def _print_summary(report: IngestReport) -> None:
    table = Table(title="ingest summary", title_justify="left")
    for column in ("input", "format", "read", "new", "duplicate", "notices", "rejected"):
        table.add_column(column, justify="left" if column in ("input", "format") else "right",
                         overflow="fold")
    for f in report.files:
        table.add_row(
            f.source, f.importer, str(f.read), str(f.new), str(f.duplicate),
            str(f.notices), str(f.rejected), style="red" if f.rejected else None,
        )
    stderr.print(table)
    for f in report.files:
        for locator, reason in f.reject_samples:
            stderr.print(f"rejected {f.source} {locator}: {reason}", markup=False, highlight=False)
        if f.rejected > len(f.reject_samples):
            stderr.print(f"... and {f.rejected - len(f.reject_samples)} more from {f.source}",
                         markup=False)
    new, dup = report.total("new"), report.total("duplicate")
    rate = report.total("read") / report.seconds if report.seconds else 0.0
    message = f"{new} new, {dup} already in the archive; log size {report.log_size}"
    stderr.print(message + f" ({report.seconds:.1f}s, {rate:,.0f} records/s)", markup=False)
    if new == 0 and dup and not report.total("rejected"):
        stderr.print("nothing new: every message was already in the archive", markup=False)


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", default=None, help="Input format (default: sniffed per file).")
@click.option("--text-column", default=None, help="CSV: column holding the message text.")
@click.option("--id-column", default=None, help="CSV: column holding the platform id.")
@click.option("--time-column", default=None, help="CSV: column holding the time.")
@click.option("--author-column", default=None, help="CSV: column holding the author.")
@click.option("--lang-column", default=None, help="CSV: column holding the language.")
@click.option("--url-column", default=None, help="CSV: column holding the URL.")
@click.option("--label-column", "label_columns", multiple=True,
              help="CSV: label column(s) to keep.")
@click.option("--platform", default=None, help="Platform name for CSV and generic JSONL inputs.")
@click.option("--timezone", default=None, help="IANA zone for times without offset (WhatsApp).")
@click.option("--date-order", type=click.Choice(["dmy", "mdy", "ymd"]), default=None,
              help="WhatsApp: date order when it cannot be told from the file.")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--no-analyze", is_flag=True,
              help="Store only; analyse later with `sitroom analyze` (fast bulk loads).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.pass_context
def ingest(ctx: click.Context, /, inputs: tuple[str, ...], fmt: str | None, as_json: bool,
           batch_size: int, no_analyze: bool, label_columns: tuple[str, ...],
           **columns: str | None) -> None:
    """Ingest export files (or - for stdin) into the archive."""
    archive = open_archive(ctx)
    settings = SourceSettings(
        text_column=columns["text_column"], id_column=columns["id_column"],
        time_column=columns["time_column"], author_column=columns["author_column"],
        lang_column=columns["lang_column"], url_column=columns["url_column"],
        label_columns=label_columns, platform=columns["platform"],
        timezone=columns["timezone"] or archive.config.timezone,
        date_order=columns["date_order"],
    )
    specs = [InputSpec(path, fmt) for path in inputs]
    show_progress = sys.stderr.isatty() and not as_json
    with Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
        TextColumn("{task.fields[stored]} stored"), TimeRemainingColumn(),
        console=stderr, disable=not show_progress, transient=True, auto_refresh=False,
    ) as progress:
        task = progress.add_task("ingest", total=_total_size(inputs), stored=0)
        done_bytes: dict[str, int] = {}

        def on_batch(source: str, bytes_read: int, stored: int) -> None:
            done_bytes[source] = bytes_read
            progress.update(task, completed=sum(done_bytes.values()), stored=stored,
                            description=os.path.basename(source), refresh=True)

        analyzer = None if no_analyze else _analyzer_or_none(archive)
        pipeline = IngestPipeline(archive, settings, batch_size=batch_size, progress=on_batch,
                                  analyzer=analyzer)
        report = pipeline.run(specs)
    if report.total("new") or report.total("notices"):
        report.checkpoint = make_checkpoint(archive).note
    if as_json:
        emit_json(report.to_json())
    else:
        _print_summary(report)
    if report.total("rejected") or (analyzer is None and not no_analyze):
        ctx.exit(EXIT_REJECTED)


def _analyzer_or_none(archive: ArchiveFolder) -> ArchiveAnalyzer | None:
    """The archive's analyzer; None (and a warning) when a resource of it is broken.

    A malformed model, taxonomy, gazetteer or names file must not cost the evidence: the
    messages are stored unanalysed, and `sitroom analyze --missing` reads them once fixed.
    """
    try:
        return ArchiveAnalyzer(archive)
    except AnalysisError as exc:
        stderr.print(f"warning: messages are stored but not analysed: {exc}. Fix it, then run "
                     "`sitroom analyze --missing`.", markup=False, highlight=False)
        return None


COMMANDS = [ingest]
