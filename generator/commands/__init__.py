"""One module per `yaojian` command; each keeps module-level imports light."""

from __future__ import annotations

import argparse
import sys


def project_or_exit(args: argparse.Namespace, *, installed: bool = True):
    """The project named by --root (or found upwards, or the one installed); prints a Chinese
    message and exits 2 if none.  `check` and `build` pass installed=False: they work on the
    maintainer's sources, never on a project found elsewhere."""
    from generator.project import ProjectNotFound, find_project

    try:
        return find_project(getattr(args, "root", None), installed=installed)
    except ProjectNotFound as exc:
        print(f"yaojian: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
