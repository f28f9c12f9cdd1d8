"""Evidence commands: `checkpoint`, `key`, `verify`, `prove`, `verify-bundle`."""

from __future__ import annotations

import base64
from pathlib import Path

import click

from sitroom.archive.bundle import verify_bundle
from sitroom.cli.context import open_archive
from sitroom.cli.output import emit_json, note, stdout
from sitroom.evidence.checkpoints import make_checkpoint
from sitroom.evidence.keys import verifier_key_text
from sitroom.evidence.prove import prove_message
from sitroom.evidence.verify import verify_archive

EXIT_FAILED = 1


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print size, root and note as JSON.")
@click.pass_context
def checkpoint(ctx: click.Context, as_json: bool) -> None:
    """Sign and store a checkpoint of the log (C2SP signed note) and print it."""
    archive = open_archive(ctx)
    archive.lock_for_writing()
    result = make_checkpoint(archive)
    if as_json:
        emit_json({"size": result.size, "root": base64.b64encode(result.root).decode(),
                   "note": result.note, "new": result.created,
                   "timestamped": result.timestamped, "timestamp_error": result.timestamp_error})
        return
    stdout.out(result.note, end="", highlight=False)
    if not result.created:
        note(f"(no new leaves since this checkpoint of size {result.size})")
    if result.timestamp_error:
        note(f"warning: no RFC 3161 timestamp: {result.timestamp_error}")


@click.command()
@click.pass_context
def key(ctx: click.Context) -> None:
    """Print the verifier key line others need to check this archive's evidence."""
    archive = open_archive(ctx, read_only=True)
    stdout.out(verifier_key_text(archive.paths), highlight=False)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def verify(ctx: click.Context, as_json: bool) -> None:
    """Re-hash every blob, rebuild the log, check every row and checkpoint."""
    archive = open_archive(ctx, read_only=True)
    report = verify_archive(archive, progress=None if as_json else note)
    if as_json:
        emit_json(report.to_json())
    else:
        for problem in report.problems:
            stdout.out(f"PROBLEM {problem}", highlight=False)
        verdict = "OK" if report.ok else f"FAILED: {len(report.problems)} problem(s)"
        seconds = max(report.seconds, 1e-9)
        stdout.out(
            f"{verdict}: {_count(report.messages, 'message')}, "
            f"{_count(report.notices, 'notice')}, {_count(report.blobs, 'blob')} "
            f"({report.raw_bytes / 1e6:,.1f} MB raw), log size {report.log_size:,}, "
            f"{_count(report.checkpoints, 'checkpoint')}, root {report.root or 'not rebuilt'} "
            f"({report.seconds:.1f} s, {report.raw_bytes / 1e6 / seconds:,.0f} MB/s)",
            highlight=False,
        )
    if not report.ok:
        ctx.exit(EXIT_FAILED)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


@click.command()
@click.argument("message_id")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Where to write the evidence bundle (.zip).")
@click.pass_context
def prove(ctx: click.Context, message_id: str, out: Path) -> None:
    """Write an evidence bundle for one message (raw bytes, entry, proof, checkpoint, key)."""
    archive = open_archive(ctx)
    archive.lock_for_writing()
    parts = prove_message(archive, message_id, out)
    stdout.out(
        f"wrote {out}: leaf {parts.leaf_index} of {parts.tree_size}, "
        f"{len(parts.inclusion)} proof hashes", highlight=False,
    )


@click.command(name="verify-bundle")
@click.argument("bundle", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--key", "key_text", required=True, help="The archive's verifier key line.")
@click.option("--tsa-root", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=None, help="PEM root certificate of the time-stamping authority.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def verify_bundle_cmd(ctx: click.Context, bundle: Path, key_text: str, tsa_root: Path | None,
                      as_json: bool) -> None:
    """Check an evidence bundle offline (no archive needed)."""
    report = verify_bundle(bundle, key_text,
                           tsa_root_pem=tsa_root.read_bytes() if tsa_root else None)
    if as_json:
        emit_json({
            "ok": report.ok,
            "problems": [str(p) for p in report.problems],
            "checked": list(report.checked),
            "notes": list(report.notes),
            "leaf_index": None if report.entry is None else report.entry.seq,
            "tree_size": None if report.checkpoint is None else report.checkpoint.size,
            "timestamped_at": report.timestamped_at,
        })
    else:
        for problem in report.problems:
            stdout.out(f"FAILED {problem}", highlight=False)
        for line in report.notes:
            stdout.out(f"note: {line}", highlight=False)
        if report.ok:
            stdout.out(f"OK: {', '.join(report.checked)}", highlight=False)
    if not report.ok:
        ctx.exit(EXIT_FAILED)


COMMANDS = [checkpoint, key, verify, prove, verify_bundle_cmd]
