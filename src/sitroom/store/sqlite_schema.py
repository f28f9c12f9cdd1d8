"""The SQLite schema of an embedded archive, created once and versioned."""

from __future__ import annotations

SCHEMA_VERSION = 1

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA cache_size=-65536",
    "PRAGMA temp_store=MEMORY",
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS blobs (
    sha256 TEXT PRIMARY KEY,
    pack INTEGER NOT NULL,
    offset INTEGER NOT NULL,
    length INTEGER NOT NULL,
    raw_length INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS blobs_by_place ON blobs(pack, offset);
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    identity TEXT NOT NULL UNIQUE,
    platform TEXT NOT NULL,
    platform_id TEXT,
    text TEXT NOT NULL,
    created_at TEXT,
    author TEXT,
    author_id TEXT,
    lang TEXT,
    url TEXT,
    raw_sha256 TEXT NOT NULL,
    source TEXT NOT NULL,
    locator TEXT NOT NULL,
    importer TEXT NOT NULL,
    received_at TEXT NOT NULL,
    extra TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_time ON messages(created_at);
CREATE INDEX IF NOT EXISTS messages_by_author ON messages(author);
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(
    body, content='', tokenize='unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS notices (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    identity TEXT NOT NULL UNIQUE,
    platform TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    platform_id TEXT,
    created_at TEXT,
    raw_sha256 TEXT NOT NULL,
    source TEXT NOT NULL,
    locator TEXT NOT NULL,
    importer TEXT NOT NULL,
    received_at TEXT NOT NULL,
    extra TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rejects (
    rowid INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    locator TEXT NOT NULL,
    reason TEXT NOT NULL,
    raw_sha256 TEXT,
    importer TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (source, locator, raw_sha256)
);
CREATE TABLE IF NOT EXISTS log_leaves (
    seq INTEGER PRIMARY KEY,
    entry BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS log_nodes (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
    size INTEGER PRIMARY KEY,
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL,
    timestamp_reply BLOB
);
"""
