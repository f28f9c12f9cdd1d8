"""Child process for the crash test: ingest a file, printing an ACK line after each commit."""

from __future__ import annotations

import sys

from sitroom.archive_folder import ArchiveFolder
from sitroom.config import ArchivePaths
from sitroom.pipeline import IngestPipeline
from sitroom.reading import InputSpec
from sitroom.sources.base import SourceSettings


def main() -> None:
    archive_dir, input_path = sys.argv[1], sys.argv[2]
    archive = ArchiveFolder(ArchivePaths(__import__("pathlib").Path(archive_dir)))

    def acknowledge(_source: str, _bytes_read: int, stored: int) -> None:
        sys.stdout.write(f"ACK {stored}\n")
        sys.stdout.flush()

    pipeline = IngestPipeline(archive, SourceSettings(), batch_size=50, progress=acknowledge)
    pipeline.run([InputSpec(input_path)])
    sys.stdout.write("DONE\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
