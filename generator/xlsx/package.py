"""A bounded view of an OOXML package (a zip): entries, parts, content types and rels.

Nothing here trusts the zip's own numbers.  The central directory is sized before it is
listed; entry names must be unique (case-insensitively, as OPC part names are); a part
is inflated in chunks and counted, and reading stops as soon as it passes the part
size, the total size or the compression ratio allowed.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib

from generator.xlsx.limits import Limits, ReadError, unreadable
from generator.xlsx.xmltext import Element, parse_tree

_CHUNK = 1 << 20
_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_PERCENT = re.compile(rb"%([0-9A-Fa-f]{2})")

TRUNCATED = "文件不完整（找不到压缩包目录，可能在上传或复制时中断）"


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def _directory_bounds(data: bytes, limits: Limits) -> None:
    """Read the end-of-central-directory record ourselves and refuse a directory larger
    than the limits before zipfile builds an entry object for each record."""
    tail_start = max(0, len(data) - (1 << 16) - 22)
    pos = data.rfind(_EOCD, tail_start)
    if pos < 0 or len(data) - pos < 22:
        raise unreadable(TRUNCATED)
    (_sig, _disk, _cd_disk, _n_disk, entries, cd_size, _cd_off, _clen) = struct.unpack(
        "<4s4H2LH", data[pos:pos + 22])
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
        loc = pos - 20
        if loc >= 0 and data[loc:loc + 4] == _EOCD64_LOCATOR:
            (off64,) = struct.unpack("<Q", data[loc + 8:loc + 16])
            rec = data[off64:off64 + 56]
            if len(rec) == 56 and rec[:4] == b"PK\x06\x06":
                entries, cd_size = struct.unpack("<QQ", rec[32:48])
    if entries > limits.max_entries:
        raise ReadError("file-too-large", {"reason": f"压缩包内有 {entries} 个部件，超过上限 {limits.max_entries} 个"})
    if cd_size > limits.max_directory_size or cd_size > len(data):
        raise ReadError("file-too-large", {"reason": "压缩包目录过大"})


class Package:
    """An opened zip package.  Raises ReadError; never anything else for bad bytes."""

    def __init__(self, data: bytes, limits: Limits = Limits()):
        self.limits = limits
        self.inflated = 0
        _directory_bounds(data, limits)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, struct.error, OSError,
                UnicodeDecodeError, IndexError, KeyError, NotImplementedError) as exc:
            raise unreadable(f"压缩包结构损坏（{type(exc).__name__}）") from None
        if len(infos) > limits.max_entries:
            raise ReadError("file-too-large", {"reason": f"压缩包内有 {len(infos)} 个部件，超过上限 {limits.max_entries} 个"})
        self.entries: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            key = info.filename.lower()
            if key in self.entries:
                raise unreadable(f"压缩包内有重名的部件「{info.filename}」")
            self.entries[key] = info
            if info.file_size > limits.max_total_size:
                raise ReadError("file-too-large", {"reason": f"部件「{info.filename}」解压后超过 {_mib(limits.max_total_size)}"})
            if info.file_size > limits.ratio_grace and info.file_size > limits.max_ratio * max(info.compress_size, 1):
                raise ReadError("file-too-large", {"reason": f"部件「{info.filename}」的压缩比异常（疑似压缩炸弹）"})

    # -- entries -------------------------------------------------------------------

    def names(self) -> list[str]:
        return [i.filename for i in self.entries.values()]

    def find(self, name: str) -> zipfile.ZipInfo | None:
        """The entry of a part name (leading "/" and case ignored; %XX decoded as a
        second try), or None."""
        key = name.lstrip("/").lower()
        info = self.entries.get(key)
        if info is None and "%" in key:
            decoded = _PERCENT.sub(lambda m: bytes([int(m.group(1), 16)]), key.encode("utf-8"))
            info = self.entries.get(decoded.decode("utf-8", "replace").lower())
        return info

    def has(self, name: str) -> bool:
        return self.find(name) is not None

    def read(self, name: str, what: str = "") -> bytes:
        """Inflate one part, in chunks, within the limits."""
        info = self.find(name)
        if info is None:
            raise unreadable(f"缺少部件「{name}」")
        return self.read_info(info, what)

    def read_info(self, info: zipfile.ZipInfo, what: str = "") -> bytes:
        limits = self.limits
        if info.flag_bits & 0x1:
            raise ReadError("encrypted-file")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise unreadable(f"部件「{info.filename}」使用了不支持的压缩方式")
        chunks = []
        total = 0
        ratio_cap = limits.max_ratio * max(info.compress_size, 1)
        try:
            with self.zip.open(info) as f:
                while True:
                    chunk = f.read(_CHUNK)
                    if not chunk:
                        break
                    total += len(chunk)
                    self.inflated += len(chunk)
                    if total > limits.max_part_size:
                        raise ReadError("file-too-large", {"reason": f"部件「{info.filename}」解压后超过 {_mib(limits.max_part_size)}"})
                    if self.inflated > limits.max_total_size:
                        raise ReadError("file-too-large", {"reason": f"解压后总大小超过 {_mib(limits.max_total_size)}"})
                    if total > limits.ratio_grace and total > ratio_cap:
                        raise ReadError("file-too-large", {"reason": f"部件「{info.filename}」的压缩比异常（疑似压缩炸弹）"})
                    chunks.append(chunk)
        except ReadError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, struct.error,
                NotImplementedError, UnicodeDecodeError) as exc:
            detail = "校验和不符" if "CRC" in str(exc) else type(exc).__name__
            raise unreadable(f"部件「{info.filename}」已损坏（{detail}）") from None
        except RuntimeError:  # zipfile: "File ... is encrypted, password required"
            raise ReadError("encrypted-file") from None
        return b"".join(chunks)

    def tree(self, name: str, what: str = "") -> Element:
        return parse_tree(self.read(name, what), what or name)

    # -- OPC: content types and relationships ----------------------------------------

    def content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        """(defaults by extension, overrides by part name), lower-cased keys without
        the leading "/"; empty when `[Content_Types].xml` is absent."""
        if not self.has("[Content_Types].xml"):
            return {}, {}
        root = self.tree("[Content_Types].xml", "[Content_Types].xml")
        defaults = {}
        overrides = {}
        for e in root.children:
            if e.tag == "Default":
                defaults[(e.get("Extension") or "").lower()] = e.get("ContentType") or ""
            elif e.tag == "Override":
                overrides[(e.get("PartName") or "").lstrip("/").lower()] = e.get("ContentType") or ""
        return defaults, overrides

    def content_type(self, part: str, types=None) -> str:
        defaults, overrides = types or self.content_types()
        key = part.lstrip("/").lower()
        if key in overrides:
            return overrides[key]
        return defaults.get(posixpath.splitext(key)[1].lstrip("."), "")

    def rels(self, part: str) -> list[tuple[str, str, str, bool]]:
        """Relationships of a part ("" for the package): (id, type tail, resolved
        target, external).  The type tail is the type URI's last segment, lower-cased
        without "-" (transitional and Strict spell some differently)."""
        part = part.lstrip("/")
        base = posixpath.dirname(part)
        rels_name = posixpath.join(base, "_rels", posixpath.basename(part) + ".rels") if part else "_rels/.rels"
        if not self.has(rels_name):
            return []
        root = self.tree(rels_name, rels_name)
        out = []
        for e in root.children:
            if e.tag != "Relationship":
                continue
            rtype = (e.get("Type") or "").rstrip("/").rsplit("/", 1)[-1].lower().replace("-", "")
            target = e.get("Target") or ""
            external = (e.get("TargetMode") or "").lower() == "external"
            if not external:
                target = resolve(base, target)
            out.append((e.get("Id") or "", rtype, target, external))
        return out


def resolve(base: str, target: str) -> str:
    """A relationship target as a part name (no leading "/")."""
    target = target.split("#", 1)[0]
    if target.startswith("/"):
        path = target
    else:
        path = posixpath.join("/" + base, target)
    return posixpath.normpath(path).lstrip("/")
