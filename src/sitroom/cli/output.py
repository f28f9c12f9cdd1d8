"""How the CLI writes results: JSON lines for scripts, rich tables and notes for people."""

from __future__ import annotations

import sys
from typing import Any

import orjson
from rich.console import Console

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)


def emit_json(value: Any) -> None:
    """Write one JSON value as one line on stdout (UTF-8, not ASCII-escaped)."""
    sys.stdout.buffer.write(orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE))
    sys.stdout.buffer.flush()


def note(text: str) -> None:
    """A line for the person at the terminal, on stderr, never parsed as markup."""
    stderr.print(text, markup=False, highlight=False)
