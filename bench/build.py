"""How long `yaojian build` takes, and how it grows.

    python bench/build.py [--factor 20] [--repeat 1]

Builds (each in a fresh process, as `yaojian build` runs) the four documents with their
extracts, then a synthetic content set `factor` times larger (every file copied with its
ids renamed), and prints the time of each step beside a floor: a bare mkdocs-material build
(same mkdocs.yml, same search plugin) of as many empty pages.  If the repository's own
content does not check clean yet (extracts still being written), the site tests' fixture
extracts stand in for them, and the output says so.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ENTITY_KEYS = {
    "documents": ("id",),
    "procedures": ("id",),
    "campaigns": ("id",),
    "criteria": ("id",),
    "figures": ("id",),
}


def base_project(dest: Path) -> tuple[Path, str]:
    """The project to measure: the repository if it checks clean, else the site fixture."""
    from generator.project_check import check_project
    from generator.project import Project

    if (REPO / "forms").is_dir() and check_project(Project(REPO)).errors == 0:
        for name in ("content", "forms", "schemas"):
            shutil.copytree(REPO / name, dest / name)
        shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
        return dest, "本仓库 content/"
    sys.path.insert(0, str(REPO / "tests"))
    from site_project import make_project

    return make_project(dest), "四份文件 + tests/data/site-extracts（正式提取内容尚未齐备）"


def _ids(content_dir: Path) -> set[str]:
    import yaml

    ids: set[str] = set()
    for path in content_dir.glob("*/*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            continue
        if path.parent.name in ENTITY_KEYS and isinstance(data.get("id"), str):
            ids.add(data["id"])
        for key in ("organisations", "responsibilities"):
            for item in data.get(key, []) or []:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    ids.add(item["id"])
    return ids


def _rename(node, ids: set[str], suffix: str, k: int):
    if not suffix:
        return node
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in ("title", "short_title") and isinstance(value, str) and "clauses" in node:
                out[key] = f"{value}（{k}）"
            else:
                out[key] = _rename(value, ids, suffix, k)
        return out
    if isinstance(node, list):
        return [_rename(v, ids, suffix, k) for v in node]
    if isinstance(node, str):
        if node in ids:
            return node + suffix
        doc, sep, clause = node.partition("#")
        if sep and doc in ids:
            return f"{doc}{suffix}#{clause}"
    return node


def scale(src: Path, dest: Path, factor: int) -> Path:
    """`src`'s content `factor` times over, every copy with its own ids (the first keeps the
    original ones, which forms/ refers to)."""
    import yaml

    for name in ("forms", "schemas"):
        shutil.copytree(src / name, dest / name)
    shutil.copy(src / "mkdocs.yml", dest / "mkdocs.yml")
    ids = _ids(src / "content")
    for path in sorted((src / "content").glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out_dir = dest / "content" / path.parent.name
        out_dir.mkdir(parents=True, exist_ok=True)
        for k in range(1, factor + 1):
            copy = _rename(data, ids, f"-x{k}" if k > 1 else "", k)
            (out_dir / f"{path.stem}-x{k}.yaml").write_text(
                yaml.safe_dump(copy, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return dest


# -- measured in a fresh process ---------------------------------------------------------


def measure_build(project: str) -> dict:
    from datetime import date

    from generator.project import Project
    from generator.site.build import build

    t0 = time.perf_counter()
    result = build(Project(Path(project)), today=date(2022, 6, 15))
    total = time.perf_counter() - t0
    if not result.built:
        raise SystemExit(f"build failed: {result.check.errors} check errors; {result.problems[:5]}")
    documents = len(list((Path(project) / "content" / "documents").glob("*.yaml")))
    return {"documents": documents, "pages": result.pages, "total": total, "check": result.check_seconds,
            "generate": result.generate_seconds, "mkdocs": result.mkdocs_seconds}


def measure_floor(project: str, pages: int) -> dict:
    """A bare mkdocs-material build of `pages` empty pages with the same mkdocs.yml (and, as
    yaojian's large sections, a navigation that does not list them all)."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
        for n in range(1, pages):
            (docs / f"p{n}.md").write_text(f"# 第{n}页\n", encoding="utf-8")
        t0 = time.perf_counter()
        config = load_config(str(Path(project) / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(Path(tmp) / "site"),
                             nav=[{"首页": "index.md"}], not_in_nav="/p*.md")
        build(config)
        return {"pages": pages, "total": time.perf_counter() - t0}


def _fresh(kind: str, project: Path, pages: int = 0) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, f"--{kind}", str(project), "--pages", str(pages)],
        capture_output=True, text=True, check=False, cwd=str(REPO),
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr or out.stdout)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description="yaojian build 的耗时，以及内容增大时的增长")
    parser.add_argument("--factor", type=int, default=20, help="合成内容的倍数（默认 20）")
    parser.add_argument("--repeat", type=int, default=1, help="每项测几次，取最快的一次")
    parser.add_argument("--build", metavar="PROJECT", help=argparse.SUPPRESS)
    parser.add_argument("--floor", metavar="PROJECT", help=argparse.SUPPRESS)
    parser.add_argument("--pages", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        print(json.dumps(measure_build(args.build)))
        return 0
    if args.floor:
        print(json.dumps(measure_floor(args.floor, args.pages)))
        return 0

    with tempfile.TemporaryDirectory(prefix="yaojian-bench-") as tmp:
        base, label = base_project(Path(tmp) / "base")
        big = scale(base, Path(tmp) / "big", args.factor)
        print(f"内容：{label}；合成内容为其 {args.factor} 倍。每项在新进程中运行，取 {args.repeat} 次中最快。")
        print(f"{'内容':<14}{'文件':>5}{'页面':>6}{'检查':>8}{'生成':>8}{'mkdocs':>9}{'合计':>8}   {'下限：同样页数的空白页':}")
        rows = []
        for name, project in (("四份文件", base), (f"{args.factor} 倍合成", big)):
            build = min((_fresh("build", project) for _ in range(args.repeat)), key=lambda r: r["total"])
            floor = min((_fresh("floor", project, build["pages"]) for _ in range(args.repeat)), key=lambda r: r["total"])
            rows.append((build, floor))
            print(f"{name:<14}{build['documents']:>6}{build['pages']:>7}{build['check']:>9.2f}{build['generate']:>9.2f}"
                  f"{build['mkdocs']:>10.2f}{build['total']:>9.2f}   {floor['total']:.2f} 秒（{floor['pages']} 页）")
        (small, small_floor), (large, large_floor) = rows
        print(
            f"增长：内容 ×{args.factor}，页面 ×{large['pages'] / small['pages']:.1f}，"
            f"用时 ×{large['total'] / small['total']:.1f}"
            f"（每页 {small['total'] / small['pages'] * 1000:.0f} → {large['total'] / large['pages'] * 1000:.0f} 毫秒；"
            f"空白页下限每页 {small_floor['total'] / small_floor['pages'] * 1000:.0f} → "
            f"{large_floor['total'] / large_floor['pages'] * 1000:.0f} 毫秒）"
        )
        goal = "达到" if small["total"] < 10 else "未达到"
        print(f"目标：四份文件 10 秒内 —— {goal}（{small['total']:.1f} 秒）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
