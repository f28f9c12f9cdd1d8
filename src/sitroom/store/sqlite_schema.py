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
-- every write finds each pack's end (MAX(offset + length) per pack): from this index alone
CREATE INDEX IF NOT EXISTS blobs_ends ON blobs(pack, offset, length);
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
-- one author's messages newest first, in index order (messages_by_author predates it)
CREATE INDEX IF NOT EXISTS messages_by_author_time ON messages(author, created_at);
CREATE INDEX IF NOT EXISTS messages_by_platform_time ON messages(platform, created_at);
-- the timeline counts messages per hour when some are not analysed yet (API ingest)
CREATE INDEX IF NOT EXISTS messages_by_hour ON messages(substr(created_at, 1, 13));
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
CREATE TABLE IF NOT EXISTS annotations (
    seq INTEGER PRIMARY KEY,
    data TEXT NOT NULL,
    analyzed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS message_facets (
    seq INTEGER PRIMARY KEY,
    created_at TEXT,
    lang TEXT,
    category TEXT,
    informative REAL,
    help INTEGER NOT NULL DEFAULT 0,
    priority REAL NOT NULL DEFAULT 0,
    cluster_id TEXT,
    is_first INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS facets_lang ON message_facets(lang, created_at);
CREATE INDEX IF NOT EXISTS facets_category ON message_facets(category, created_at);
CREATE INDEX IF NOT EXISTS facets_help ON message_facets(help, priority);
CREATE INDEX IF NOT EXISTS facets_priority ON message_facets(priority);
CREATE INDEX IF NOT EXISTS facets_cluster ON message_facets(cluster_id);
-- pages newest first under a help or priority filter read these in order, no sort
CREATE INDEX IF NOT EXISTS facets_help_time ON message_facets(help, created_at);
CREATE INDEX IF NOT EXISTS facets_time ON message_facets(created_at);
CREATE INDEX IF NOT EXISTS facets_hour_category
    ON message_facets(substr(created_at, 1, 13), category);
CREATE INDEX IF NOT EXISTS facets_help_hour
    ON message_facets(help, substr(created_at, 1, 13), category);
CREATE INDEX IF NOT EXISTS facets_lang_hour
    ON message_facets(lang, substr(created_at, 1, 13), category);
CREATE INDEX IF NOT EXISTS facets_category_hour
    ON message_facets(category, substr(created_at, 1, 13));
CREATE TABLE IF NOT EXISTS message_places (
    seq INTEGER NOT NULL,
    place_key TEXT NOT NULL,
    name TEXT NOT NULL,
    lat REAL,
    lon REAL,
    PRIMARY KEY (place_key, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS places_by_seq ON message_places(seq);
CREATE INDEX IF NOT EXISTS places_by_name ON message_places(name);
CREATE TABLE IF NOT EXISTS message_entities (
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (kind, name, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entities_by_seq ON message_entities(seq);
CREATE TABLE IF NOT EXISTS message_counts (
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    value INTEGER,
    qualifier TEXT,
    created_at TEXT,
    PRIMARY KEY (kind, seq, value)
) WITHOUT ROWID;
-- re-annotating a message deletes its counts by seq: without this, a scan per message
CREATE INDEX IF NOT EXISTS counts_by_seq ON message_counts(seq);
-- the latest figures of a kind (overview) without sorting every report of it
CREATE INDEX IF NOT EXISTS counts_by_kind_time ON message_counts(kind, created_at);
CREATE TABLE IF NOT EXISTS labels (
    rowid INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    labelled_by TEXT NOT NULL,
    labelled_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS labels_by_seq ON labels(seq);
CREATE TABLE IF NOT EXISTS checkpoints (
    size INTEGER PRIMARY KEY,
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL,
    timestamp_reply BLOB
);
"""
