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
an unreferenced file or a stale temp folder, both removed when a server starts
(`claim` and `sweep_orphans`).

The filer's file name is data only (kept in the ledger): the temp copy is always named
`upload<ext>`, so a long, odd or hostile name never reaches the file system.

A running server `claim`s a folder of its own under `tmp/`, holding a lock on it for its
lifetime; at start-up the folders of servers that are gone (no lock held) are removed,
whatever their age, while those of servers still running are left alone.
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
    path: Path  # the private temp copy (named upload.<ext>, never by the filer's name)
    filename: str  # the filer's name, made safe for showing and for Content-Disposition
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


def temp_name(filename: str) -> str:
    """The temp copy's name: a fixed stem and the filer's extension when it is a plain one."""
    ext = Path(filename).suffix.lower()
    return "upload" + (ext if ext[1:].isascii() and ext[1:].isalnum() and len(ext) <= 8 else "")


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
        self._own: Path | None = None  # this process's claimed temp folder
        self._lock_fd: int | None = None

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
        folder = (self._own or self.tmp) / secrets.token_hex(12)
        folder.mkdir()
        name = safe_filename(filename)
        path = folder / temp_name(name)
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

    # -- start-up cleanup -------------------------------------------------------------

    def claim(self) -> int:
        """Clean up after servers that are gone, then take a temp folder for this process
        (locked while it lives).  Returns how many stale temp folders were removed."""
        import fcntl

        removed = self.sweep()
        self.tmp.mkdir(parents=True, exist_ok=True)
        token = f"{os.getpid()}-{secrets.token_hex(6)}"
        making = self.tmp / f"claim-{token}"  # locked before it gets its server- name
        making.mkdir()
        fd = os.open(making / ".lock", os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        own = self.tmp / f"server-{token}"
        os.rename(making, own)
        self._own, self._lock_fd = own, fd
        return removed

    def release(self) -> None:
        """Give up this process's temp folder (at a clean stop)."""
        if self._own is not None:
            shutil.rmtree(self._own, ignore_errors=True)
            if self._lock_fd is not None:
                os.close(self._lock_fd)
            self._own = self._lock_fd = None

    def live_servers(self) -> int:
        """How many other server processes hold a temp folder here now."""
        if not self.tmp.is_dir():
            return 0
        return sum(1 for folder in self.tmp.glob("server-*") if folder != self._own and _held(folder))

    def sweep(self, older_than: float = 24 * 3600) -> int:
        """Remove temp folders left behind: those of servers that are gone (at once), and
        loose ones (from tools, or older versions) after `older_than` seconds."""
        removed = 0
        cutoff = time.time() - older_than
        if not self.tmp.is_dir():
            return 0
        for folder in self.tmp.iterdir():
            try:
                if folder == self._own:
                    continue
                if folder.name.startswith("server-") and folder.is_dir():
                    stale = not _held(folder)
                else:
                    stale = folder.stat().st_mtime < cutoff
                if stale:
                    shutil.rmtree(folder, ignore_errors=True) if folder.is_dir() else folder.unlink()
                    removed += 1
            except OSError:
                pass
        return removed

    def stored(self) -> Iterator[tuple[str, Path]]:
        """(sha256, path) of every stored file."""
        if not self.root.is_dir():
            return
        for sub in self.root.iterdir():
            if len(sub.name) == 2 and sub.is_dir():
                for path in sub.iterdir():
                    if _SHA.match(path.name) and path.name[:2] == sub.name:
                        yield path.name, path

    def sweep_orphans(self, referenced: set[str], grace: float = 3600) -> int:
        """Remove stored files no ledger row refers to (left by a crash between `keep`
        and the ledger's record).  While other servers run, a file kept a moment ago may
        be about to be recorded: then only files older than `grace` seconds go."""
        others = self.live_servers()
        cutoff = time.time() - grace
        removed = 0
        for sha, path in list(self.stored()):
            if sha in referenced:
                continue
            try:
                if others and path.stat().st_ctime >= cutoff:
                    continue
                path.unlink()
                removed += 1
            except OSError:
                pass
        return removed


def _held(folder: Path) -> bool:
    """Whether a live process holds the lock of a claimed temp folder."""
    import fcntl

    try:
        fd = os.open(folder / ".lock", os.O_RDWR)
    except OSError:
        return False  # no lock file: the claim never finished, or it is being removed
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False
