"""Writing an output file whole or not at all, with the permissions of any other output.

`write_bytes(path, data)`: a temp file beside the target, fsynced, then renamed over it.
`tempfile.mkstemp` makes its file 0600; the result would then be private while every
other output (the site, the blank forms) follows the process umask.  The temp file is
given 0666 minus the umask before the rename, as `open()` would have made it (0644 under
the usual umask 022).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def umask() -> int:
    """The process umask, read without changing it (Linux), else by setting it back."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes(path: str | os.PathLike, data: bytes, *, prefix: str = ".tmp-") -> Path:
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
            os.fchmod(fh.fileno(), 0o666 & ~umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
