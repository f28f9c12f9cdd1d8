"""Reading commands: `search`, `show`, `stats`, `export`."""

from __future__ import annotations

import click
from rich.table import Table

from sitroom.analysis.taxonomy import load_taxonomy
from sitroom.archive_folder import ArchiveFolder
from sitroom.cli.context import open_archive
from sitroom.cli.output import emit_json, stdout
from sitroom.errors import SitroomError
from sitroom.exporting import export_messages
from sitroom.store.base import SearchQuery


@click.command()
@click.argument("query", required=False, default="")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--offset", default=0, type=click.IntRange(0))
@click.option("--platform", default=None, help="Only this platform (twitter, telegram, ...).")
@click.option("--author", default=None, help="Only this author (screen name or display name).")
@click.option("--since", default=None, help="Only messages created at or after (ISO time).")
@click.option("--until", default=None, help="Only messages created before (ISO time).")
@click.option("--lang", default=None, help="Only this detected language (ar, en, ...).")
@click.option("--category", default=None, help="Only this humanitarian category.")
@click.option("--help-only", "help_only", is_flag=True,
              help="Only calls for help, distress and farewells.")
@click.option("--place", default=None, help="Only messages naming this place (name or id).")
@click.option("--min-priority", type=click.FloatRange(0, 1), default=None,
              help="Only calls for help at least this urgent (0..1).")
@click.option("--order", type=click.Choice(["relevance", "newest", "priority"]),
              default="relevance", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object (whole message) per line.")
@click.pass_context
def search(ctx: click.Context, /, query: str, as_json: bool, help_only: bool,
           **filters: object) -> None:
    """Full-text search (English and Arabic); words, "phrases", OR and -excluded words."""
    archive = open_archive(ctx, read_only=True)
    if filters.get("category"):
        _check_category(archive, str(filters["category"]))
    found = archive.store.search(
        SearchQuery(text=query or None, help=True if help_only else None,
                    **filters)  # type: ignore[arg-type]
    )
    if as_json:
        for message in found:
            emit_json(message.to_json())
        return
    table = Table(show_lines=False)
    for column in ("id", "created_at", "platform", "author", "text"):
        table.add_column(column, overflow="fold")
    for message in found:
        text = message.text if len(message.text) <= 280 else message.text[:277] + "..."
        table.add_row(message.id, message.created_at or "", message.platform,
                      message.author or "", text)
    stdout.print(table, markup=False)
    stdout.print(f"{len(found)} shown", markup=False)


def _check_category(archive: ArchiveFolder, category: str) -> None:
    """Refuse a category the collection's taxonomy does not have (a typo finds nothing)."""
    try:
        taxonomy = load_taxonomy(archive.paths.resolve(archive.config.taxonomy))
    except SitroomError:
        return  # a broken taxonomy file is reported by the commands that analyse
    if category not in taxonomy:
        raise click.BadParameter(
            f"unknown category {category!r}; this collection's categories are: "
            f"{', '.join(taxonomy.ids)}",
            param_hint="--category",
        )


@click.command()
@click.argument("message_id")
@click.option("--json", "as_json", is_flag=True, help="The whole message as JSON.")
@click.pass_context
def show(ctx: click.Context, message_id: str, as_json: bool) -> None:
    """Show one message with its provenance and annotations."""
    archive = open_archive(ctx, read_only=True)
    message = archive.store.get_message(message_id)
    data = message.to_json()
    if as_json:
        emit_json(data)
        return
    for key in ("id", "platform", "platform_id", "created_at", "author", "url", "lang",
                "raw_sha256", "log_seq"):
        stdout.print(f"{key:>12}: {data.get(key)}", markup=False, highlight=False)
    for key, value in message.to_json()["provenance"].items():  # type: ignore[union-attr]
        stdout.print(f"{key:>12}: {value}", markup=False, highlight=False)
    stdout.print("", markup=False)
    stdout.print(message.text, markup=False, highlight=False)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Counts as one JSON object.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts: messages, notices, rejects, platforms, blobs, log size."""
    archive = open_archive(ctx, read_only=True)
    numbers = archive.store.stats()
    if as_json:
        emit_json(numbers)
        return
    for key, value in numbers.items():
        stdout.print(f"{key:>18}: {value}", markup=False, highlight=False)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True)
@click.option("--out", "out", default="-", show_default=True, help="Output file, - for stdout.")
@click.pass_context
def export(ctx: click.Context, fmt: str, out: str) -> None:
    """Export every message (JSONL: whole messages; CSV: main columns, formula-safe)."""
    archive = open_archive(ctx, read_only=True)
    count = export_messages(archive.store.iter_messages(), fmt, out)
    if out != "-":
        stdout.print(f"exported {count} messages to {out}", markup=False)


COMMANDS = [search, show, stats, export]
