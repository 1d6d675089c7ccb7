"""Uploaded files, stored by content (sha256) and never overwritten.

    store = FileStore(folder)
    with store.receive(stream, "月报.xlsx", limit) as incoming:   # hashed while written
        incoming.sha256, incoming.size, incoming.path               # a private temp copy
        store.keep(incoming)                                        # now under its hash

A file is written to a temp file in `tmp/`, flushed and fsynced, then given its final
name with `link()` — which, unlike rename, fails instead of replacing an existing file —
and the folder is fsynced.  So a stored file is either complete or absent, and the same
bytes uploaded twice are stored once.  The ledger records a submission only after
`keep` returns, so every recorded row has its file; a crash in between leaves at most
an unreferenced file (harmless) or a stale temp file (`sweep` removes old ones).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from contextlib import contextmanager
from typing import BinaryIO, Iterator

CHUNK = 1024 * 1024
_SHA = re.compile(r"^[0-9a-f]{64}$")


class TooLarge(Exception):
    """The upload passed the size limit while being received."""

    def __init__(self, size: int, limit: int):
        self.size, self.limit = size, limit
        super().__init__(size, limit)


@dataclass
class Incoming:
    path: Path  # the private temp copy, named as the filer named it
    filename: str
    sha256: str
    size: int


def safe_filename(name: str | None, default: str = "上传文件.xlsx") -> str:
    """The last part of a client-supplied name, without control or path characters, ≤ 120 chars."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip().lstrip(".")
    if not name:
        return default
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 110] + dot + ext[:9]) if dot and len(ext) <= 9 else name[:120]
    return name


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FileStore:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.tmp = self.root / "tmp"  # made on the first upload: opening the ledger creates nothing

    def path(self, sha256: str) -> Path:
        if not _SHA.match(sha256):
            raise ValueError("not a sha256")
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    @contextmanager
    def receive(self, stream: BinaryIO, filename: str | None, limit: int | None = None) -> Iterator[Incoming]:
        """Copy a stream into a private temp file, hashing it; removed again on exit."""
        self.tmp.mkdir(parents=True, exist_ok=True)
        folder = self.tmp / secrets.token_hex(12)
        folder.mkdir()
        name = safe_filename(filename)
        path = folder / name
        digest = hashlib.sha256()
        size = 0
        try:
            with open(path, "wb") as out:
                while True:
                    chunk = stream.read(CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if limit is not None and size > limit:
                        raise TooLarge(size, limit)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            yield Incoming(path, name, digest.hexdigest(), size)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def keep(self, incoming: Incoming) -> Path:
        """Give the received file its permanent, content-derived name (never replacing one)."""
        final = self.path(incoming.sha256)
        if final.is_file():
            return final
        if not final.parent.is_dir():
            final.parent.mkdir(exist_ok=True)
            _fsync_dir(self.root)
        os.chmod(incoming.path, 0o444)
        try:
            os.link(incoming.path, final)
        except FileExistsError:
            return final  # the same bytes, stored meanwhile by another upload
        _fsync_dir(final.parent)
        return final

    def put_bytes(self, data: bytes, filename: str = "file.xlsx") -> str:
        """Store bytes (tests and tools); returns the sha256."""
        import io

        with self.receive(io.BytesIO(data), filename) as incoming:
            self.keep(incoming)
            return incoming.sha256

    def sweep(self, older_than: float = 24 * 3600) -> int:
        """Remove temp folders left by a crash; returns how many."""
        removed = 0
        cutoff = time.time() - older_than
        if not self.tmp.is_dir():
            return 0
        for folder in self.tmp.iterdir():
            try:
                if folder.stat().st_mtime < cutoff:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed += 1
            except OSError:
                pass
        return removed
