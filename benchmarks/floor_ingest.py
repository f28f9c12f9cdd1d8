"""The floor: parse, hash, compress, insert one row and one full-text row per message.

Single-threaded and minimal on purpose: what any ingest must at least do. sitroom is
compared against it in the same run (bench_ingest.py).
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import time

import orjson
import zstandard


def main() -> None:
    path, db_path, fmt = sys.argv[1], sys.argv[2], sys.argv[3]
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE m (id INTEGER PRIMARY KEY, sha TEXT, text TEXT)")
    db.execute("CREATE TABLE b (sha TEXT PRIMARY KEY, raw BLOB) WITHOUT ROWID")
    db.execute("CREATE VIRTUAL TABLE f USING fts5(body, content='')")
    compressor = zstandard.ZstdCompressor(level=3)
    started = time.perf_counter()
    count = 0
    rows: list[tuple[int, str, str]] = []
    blobs: list[tuple[str, bytes]] = []
    with open(path, "rb") as handle:
        for line in handle:
            doc = orjson.loads(line)
            sha = hashlib.sha256(line).hexdigest()
            blobs.append((sha, compressor.compress(line)))
            tweets = doc.get("data", []) if fmt == "v2" else [doc]
            for tweet in tweets:
                text = tweet.get("full_text") or tweet.get("text") or ""
                rows.append((count, sha, text))
                count += 1
            if len(rows) >= 1000:
                _flush(db, rows, blobs)
    _flush(db, rows, blobs)
    print(f"{count} {time.perf_counter() - started:.3f}")


def _flush(
    db: sqlite3.Connection, rows: list[tuple[int, str, str]], blobs: list[tuple[str, bytes]]
) -> None:
    db.execute("BEGIN")
    db.executemany("INSERT OR IGNORE INTO b VALUES (?, ?)", blobs)
    db.executemany("INSERT INTO m VALUES (?, ?, ?)", rows)
    db.executemany("INSERT INTO f(rowid, body) VALUES (?, ?)", [(r[0], r[2]) for r in rows])
    db.execute("COMMIT")
    rows.clear()
    blobs.clear()


if __name__ == "__main__":
    main()
