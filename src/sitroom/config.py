"""The archive folder: its layout, its typed configuration file, and how it is found."""

from __future__ import annotations

import os
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path

from sitroom.errors import ArchiveExistsError, ArchiveNotFoundError, ConfigError
from sitroom.timeutil import utc_now

CONFIG_FILE = "sitroom.toml"
# Optional settings; paths are relative to the archive folder.
_OPTIONAL_KEYS = ("tsa_url", "tsa_root_cert", "region", "gazetteer", "taxonomy", "model", "names")
ARCHIVE_ENV = "SITROOM_ARCHIVE"


@dataclass(frozen=True, slots=True)
class ArchiveConfig:
    """What `sitroom.toml` holds: the archive's stable id and its defaults."""

    archive_id: str
    name: str
    created_at: str
    timezone: str = "UTC"
    tsa_url: str | None = None
    tsa_root_cert: str | None = None
    region: str | None = None
    gazetteer: str | None = None
    taxonomy: str | None = None
    model: str | None = None
    names: str | None = None

    @property
    def origin(self) -> str:
        """The checkpoint origin line for this archive's log."""
        return f"sitroom/{self.archive_id}"


@dataclass(frozen=True, slots=True)
class ArchivePaths:
    """Where each part of an archive lives inside its folder."""

    root: Path

    @property
    def config(self) -> Path:
        """The configuration file."""
        return self.root / CONFIG_FILE

    @property
    def database(self) -> Path:
        """The embedded SQLite store."""
        return self.root / "store.sqlite3"

    @property
    def blobs(self) -> Path:
        """The content-addressed blob packs of raw bytes."""
        return self.root / "blobs"

    @property
    def signer_key(self) -> Path:
        """The Ed25519 signing key (mode 0600; never copied anywhere)."""
        return self.root / "keys" / "signer.key"

    @property
    def verifier_key(self) -> Path:
        """The public verifier key line."""
        return self.root / "keys" / "verifier.vkey"

    def resolve(self, setting: str | None) -> Path | None:
        """A path setting from the configuration, relative to the archive folder."""
        return None if not setting else self.root / setting

    @property
    def lock(self) -> Path:
        """The writers' lock file."""
        return self.root / ".lock"


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def write_config(paths: ArchivePaths, config: ArchiveConfig) -> None:
    """Write `sitroom.toml` for a new archive."""
    lines = [
        "# sitroom archive configuration",
        f"archive_id = {_toml_string(config.archive_id)}",
        f"name = {_toml_string(config.name)}",
        f"created_at = {_toml_string(config.created_at)}",
        f"timezone = {_toml_string(config.timezone)}",
    ]
    for key in _OPTIONAL_KEYS:
        value = getattr(config, key)
        if value:
            lines.append(f"{key} = {_toml_string(value)}")
    paths.config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_config(paths: ArchivePaths) -> ArchiveConfig:
    """Read and check `sitroom.toml`."""
    try:
        data = tomllib.loads(paths.config.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ArchiveNotFoundError(
            f"{paths.root}: not a sitroom archive (no {CONFIG_FILE})"
        ) from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{paths.config}: cannot read configuration: {exc}") from exc
    try:
        return ArchiveConfig(
            archive_id=str(data["archive_id"]),
            name=str(data.get("name", paths.root.name)),
            created_at=str(data["created_at"]),
            timezone=str(data.get("timezone", "UTC")),
            **{key: _optional(data, key) for key in _OPTIONAL_KEYS},
        )
    except KeyError as exc:
        raise ConfigError(f"{paths.config}: missing setting {exc.args[0]}") from exc


def _optional(data: dict[str, object], key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


def new_config(root: Path) -> ArchiveConfig:
    """A fresh configuration for an archive folder about to be created."""
    if (root / CONFIG_FILE).exists():
        raise ArchiveExistsError(f"{root}: an archive already exists here")
    return ArchiveConfig(archive_id=uuid.uuid4().hex[:16], name=root.name, created_at=utc_now())


def locate_archive(explicit: str | None, cwd: Path | None = None) -> ArchivePaths:
    """Find the archive: `-a/--archive`, then `$SITROOM_ARCHIVE`, then the current folder."""
    chosen = explicit or os.environ.get(ARCHIVE_ENV)
    root = Path(chosen) if chosen else (cwd or Path.cwd())
    paths = ArchivePaths(root)
    if not paths.config.is_file():
        hint = "" if chosen else " (give -a/--archive or set SITROOM_ARCHIVE)"
        raise ArchiveNotFoundError(
            f"{root}: not a sitroom archive{hint}; create one with `sitroom init`"
        )
    return paths
