"""The one tree of sitroom errors: every failure a user can meet is one of these."""

from __future__ import annotations


class SitroomError(Exception):
    """Base of every error sitroom raises on purpose; the CLI prints it without a traceback."""


class ConfigError(SitroomError):
    """The archive's configuration is missing, unreadable or invalid."""


class ArchiveNotFoundError(ConfigError):
    """No archive at the given path (or none could be found from the environment)."""


class ArchiveExistsError(ConfigError):
    """`init` was asked to create an archive where one already exists."""


class ArchiveBusyError(SitroomError):
    """Another process holds the archive's write lock."""


class UnknownFormatError(SitroomError):
    """No adapter recognises an input file, or `--format` names no adapter."""


class SourceError(SitroomError):
    """An input file cannot be read at all (missing, unreadable, wrong container)."""


class RecordRejected(SitroomError):
    """One record of an input is malformed; the pipeline stores it as a reject and goes on."""


class QueryError(SitroomError):
    """A search query cannot be turned into a search (for example: only excluded words)."""


class MessageNotFoundError(SitroomError):
    """No message with the given id."""


class IntegrityError(SitroomError):
    """Stored evidence does not match what was recorded (altered blob, broken log)."""


class StoreUnreadableError(IntegrityError):
    """The archive's store cannot be read where it should be (a damaged SQLite page, say)."""


class AnalysisError(SitroomError):
    """An analysis resource (model, taxonomy, gazetteer) is missing or malformed."""


class NotEnoughLabelsError(AnalysisError):
    """Retraining was asked for, but the archive holds too few usable labels yet."""
