"""What every command gets from the global options: the archive, opened once."""

from __future__ import annotations

import click

from sitroom.archive_folder import ArchiveFolder


def open_archive(ctx: click.Context, *, read_only: bool = False) -> ArchiveFolder:
    """Open the archive chosen by `-a`, `$SITROOM_ARCHIVE` or the current folder."""
    root = ctx.find_root()
    folder = ArchiveFolder.open(root.obj.get("archive"), read_only=read_only)
    ctx.call_on_close(folder.close)
    return folder
