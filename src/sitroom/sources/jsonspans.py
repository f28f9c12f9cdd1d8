"""Cut the exact bytes of array elements out of a large JSON document without loading it.

Exports such as Telegram's `result.json` or Twitter v1.1 API responses are one JSON document
holding an array of messages. To keep each message's raw bytes untouched, and memory flat,
we scan the document's structure and yield each wanted element as the byte span it occupies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from sitroom.errors import SourceError

PathPart = str | int
JsonPath = tuple[PathPart, ...]

_CHUNK = 1 << 20
_STRUCTURAL = re.compile(rb'[{}\[\]",:]')
_STRING_END = re.compile(rb'(?:[^"\\]|\\.)*"', re.DOTALL)
_SKIP_INSIDE = re.compile(rb'[{}\[\]"]')


@dataclass(frozen=True, slots=True)
class JsonSpan:
    """One wanted array element: its path, byte offset in the document and exact bytes."""

    path: JsonPath
    offset: int
    raw: bytes


@dataclass(frozen=True, slots=True)
class ArrayOpened:
    """A wanted array starts; `parent_members` holds the parent object's earlier members.

    It is the parent object's bytes from its `{` up to the array's key, closed with `}`,
    so it parses as JSON (Telegram puts a chat's name, type and id before its messages).
    None when the parent is not an object or its prefix is larger than 1 MiB.
    """

    path: JsonPath
    parent_members: bytes | None


class JsonFramingError(SourceError):
    """The document's structure is broken outside any wanted element."""


@dataclass
class _Frame:
    kind: bytes  # b"{" or b"["
    start: int
    path: JsonPath
    index: int = 0
    key: str | None = None
    expect_key: bool = True
    wanted: bool = False
    element_start: int = 0
    element_done: bool = False


class _Reader:
    """A growing window over a binary stream, addressed by absolute offsets."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.buf = b""
        self.base = 0
        self.eof = False

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.stream.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def drop_before(self, offset: int) -> None:
        cut = offset - self.base
        if cut > _CHUNK:
            self.buf = self.buf[cut:]
            self.base = offset

    def slice(self, start: int, end: int) -> bytes:
        return self.buf[start - self.base : end - self.base]


def iter_json_spans(
    stream: BinaryIO, wanted: Callable[[JsonPath], bool]
) -> Iterator[JsonSpan | ArrayOpened]:
    """Yield every element of each array whose path `wanted` accepts, as exact bytes.

    Paths name object keys and array indexes from the root: `("messages",)` is the
    `messages` array of the top-level object, `()` the top-level array itself. A truncated
    document yields its last element's partial bytes (the parser then rejects it); broken
    structure outside wanted elements raises `JsonFramingError`.
    """
    reader = _Reader(stream)
    stack: list[_Frame] = []
    pos = 0
    seen_root = False
    while True:
        hit = _next_structural(reader, pos)
        if hit is None:
            if stack:
                raise JsonFramingError(f"document ends inside {_describe(stack[-1])}")
            if not seen_root:
                raise JsonFramingError("no JSON object or array found")
            return
        char, at = hit
        if char == b'"':
            end, text = _read_string(reader, at)
            top = stack[-1] if stack else None
            if top is not None and top.wanted:
                top.element_done = True
                yield JsonSpan((*top.path, top.index), at, reader.slice(at, end))
            elif top is not None and top.kind == b"{" and top.expect_key:
                top.key = text
                top.expect_key = False
            pos = end
            continue
        top = stack[-1] if stack else None
        if char in b"{[":
            if top is not None and top.wanted:
                end = _skip_value(reader, at)
                top.element_done = True
                yield JsonSpan((*top.path, top.index), at, reader.slice(at, end))
                pos = end
                continue
            seen_root = True
            path = _child_path(top)
            frame = _Frame(kind=char, start=at, path=path)
            if char == b"[" and wanted(path):
                frame.wanted = True
                frame.element_start = at + 1
                yield ArrayOpened(path, _parent_members(reader, top, at))
            stack.append(frame)
            pos = at + 1
        elif char in b"}]":
            if top is None or top.kind != (b"{" if char == b"}" else b"["):
                raise JsonFramingError(f"unexpected {char.decode()} at offset {at}")
            yield from _bare_element(reader, top, at)
            stack.pop()
            pos = at + 1
        elif char == b",":
            if top is None:
                raise JsonFramingError(f"unexpected , at offset {at}")
            if top.kind == b"[":
                yield from _bare_element(reader, top, at)
                top.index += 1
                top.element_start, top.element_done = at + 1, False
            else:
                top.expect_key = True
                top.key = None
            pos = at + 1
        else:  # b":"
            pos = at + 1
        reader.drop_before(_keep_from(stack, pos))


def _bare_element(reader: _Reader, frame: _Frame, end: int) -> Iterator[JsonSpan]:
    """A number, literal or junk element of a wanted array (strings and containers are
    yielded where they start), so a wrong-shaped element is still a record to reject."""
    if not frame.wanted or frame.element_done:
        return
    segment = reader.slice(frame.element_start, end)
    stripped = segment.strip()
    if stripped:
        offset = frame.element_start + (len(segment) - len(segment.lstrip()))
        yield JsonSpan((*frame.path, frame.index), offset, stripped)


def _keep_from(stack: list[_Frame], pos: int) -> int:
    """Keep the innermost open object's bytes while they are small (for ArrayOpened)."""
    if stack and stack[-1].wanted and not stack[-1].element_done:
        return stack[-1].element_start
    for frame in reversed(stack):
        if frame.kind == b"{":
            return frame.start if pos - frame.start <= _CHUNK else pos
    return pos


def _child_path(parent: _Frame | None) -> JsonPath:
    if parent is None:
        return ()
    if parent.kind == b"[":
        return (*parent.path, parent.index)
    return (*parent.path, parent.key if parent.key is not None else "")


def _parent_members(reader: _Reader, parent: _Frame | None, array_at: int) -> bytes | None:
    if parent is None or parent.kind != b"{" or parent.start < reader.base:
        return None
    if array_at - parent.start > _CHUNK:
        return None
    prefix = reader.slice(parent.start, array_at)
    key_at = prefix.rfind(b'"', 0, prefix.rfind(b":"))
    key_at = prefix.rfind(b'"', 0, key_at)
    if key_at < 0:
        return None
    return prefix[:key_at].rstrip().rstrip(b",") + b"}"


def _describe(frame: _Frame) -> str:
    what = "an object" if frame.kind == b"{" else "an array"
    return f"{what} opened at offset {frame.start}"


def _next_structural(reader: _Reader, pos: int) -> tuple[bytes, int] | None:
    while True:
        match = _STRUCTURAL.search(reader.buf, pos - reader.base)
        if match is not None:
            return match.group(), match.start() + reader.base
        if not reader.more():
            return None


def _read_string(reader: _Reader, at: int) -> tuple[int, str | None]:
    """Return the offset after the string opening at `at`, and its text when short."""
    while True:
        match = _STRING_END.match(reader.buf, at + 1 - reader.base)
        if match is not None:
            end = match.end() + reader.base
            body = reader.slice(at + 1, end - 1)
            short = len(body) < 256 and b"\\" not in body
            text = body.decode("utf-8", "replace") if short else None
            return end, text
        if not reader.more():
            raise JsonFramingError(f"document ends inside a string at offset {at}")


def _skip_value(reader: _Reader, at: int) -> int:
    """Return the offset just past the object or array opening at `at` (or -1 at EOF)."""
    depth = 0
    pos = at
    while True:
        match = _SKIP_INSIDE.search(reader.buf, pos - reader.base)
        if match is None:
            if not reader.more():
                return _truncated(reader)
            continue
        char = match.group()
        found = match.start() + reader.base
        if char == b'"':
            string = _STRING_END.match(reader.buf, found + 1 - reader.base)
            while string is None:
                if not reader.more():
                    return _truncated(reader)
                string = _STRING_END.match(reader.buf, found + 1 - reader.base)
            pos = string.end() + reader.base
            continue
        depth += 1 if char in b"{[" else -1
        pos = found + 1
        if depth == 0:
            return pos


def _truncated(reader: _Reader) -> int:
    return reader.base + len(reader.buf)
