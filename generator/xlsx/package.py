"""A bounded view of an OOXML package (a zip): entries, parts, content types and rels.

Nothing here trusts the zip's own numbers.  The central directory is sized before it is
listed; entry names must be unique (case-insensitively, as OPC part names are); a part
is inflated in chunks and counted, and reading stops as soon as it passes the part
size, the total size or the compression ratio allowed.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zlib

from generator.xlsx.limits import Limits, ReadError, unreadable
from generator.xlsx.xmltext import Element, flat_elements, parse_tree

_CHUNK = 1 << 20
_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_PERCENT = re.compile(rb"%([0-9A-Fa-f]{2})")

TRUNCATED = "文件不完整（找不到压缩包目录，可能在上传或复制时中断）"


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


class Entry:
    """One central-directory record (attribute names as zipfile.ZipInfo has them);
    `central` is the record's own bytes (the annotator copies it)."""

    __slots__ = ("filename", "raw_name", "flag_bits", "compress_type", "CRC", "compress_size", "file_size",
                 "header_offset", "central")

    def __init__(self, filename, raw_name, flag_bits, compress_type, crc, compress_size, file_size, header_offset,
                 central=b""):
        self.central = central
        self.filename = filename
        self.raw_name = raw_name
        self.flag_bits = flag_bits
        self.compress_type = compress_type
        self.CRC = crc
        self.compress_size = compress_size
        self.file_size = file_size
        self.header_offset = header_offset


STORED, DEFLATED = 0, 8
_CDH = struct.Struct("<4s6H3L5H2L")


def _end_record(data: bytes, limits: Limits) -> tuple[int, int, int]:
    """(entries, directory size, directory offset) from the end-of-central-directory
    record (zip64 when it says so), refusing a directory larger than the limits."""
    tail_start = max(0, len(data) - (1 << 16) - 22)
    pos = data.rfind(_EOCD, tail_start)
    if pos < 0 or len(data) - pos < 22:
        raise unreadable(TRUNCATED)
    (_sig, _disk, _cd_disk, _n_disk, entries, cd_size, cd_off, _clen) = struct.unpack(
        "<4s4H2LH", data[pos:pos + 22])
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF or cd_off == 0xFFFFFFFF:
        loc = pos - 20
        if loc >= 0 and data[loc:loc + 4] == _EOCD64_LOCATOR:
            (off64,) = struct.unpack("<Q", data[loc + 8:loc + 16])
            rec = data[off64:off64 + 56]
            if len(rec) == 56 and rec[:4] == b"PK\x06\x06":
                entries, cd_size, cd_off = struct.unpack("<QQQ", rec[32:56])
    if entries > limits.max_entries:
        raise ReadError("file-too-large", {"reason": f"压缩包内有 {entries} 个部件，超过上限 {limits.max_entries} 个"})
    if cd_size > limits.max_directory_size:
        raise ReadError("file-too-large", {"reason": "压缩包目录过大"})
    if cd_off + cd_size > pos:
        raise unreadable(TRUNCATED)
    return entries, cd_size, cd_off


def _zip64_extra(extra: bytes, usize: int, csize: int, offset: int) -> tuple[int, int, int]:
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        if tag == 1:
            body = extra[pos + 4:pos + 4 + size]
            vals = [struct.unpack_from("<Q", body, i)[0] for i in range(0, len(body) - 7, 8)]
            if usize == 0xFFFFFFFF and vals:
                usize = vals.pop(0)
            if csize == 0xFFFFFFFF and vals:
                csize = vals.pop(0)
            if offset == 0xFFFFFFFF and vals:
                offset = vals.pop(0)
            break
        pos += 4 + size
    return usize, csize, offset


def central_directory(data: bytes, limits: Limits) -> list[Entry]:
    """The zip's entries, read record by record within the limits."""
    entries, cd_size, cd_off = _end_record(data, limits)
    out = []
    pos, end = cd_off, cd_off + cd_size
    unpack = _CDH.unpack_from
    while pos < end:
        if pos + 46 > end or data[pos:pos + 4] != b"PK\x01\x02":
            raise unreadable("压缩包目录已损坏")
        (_sig, _made, _need, flags, method, _t, _d, crc, csize, usize, nlen, xlen, clen, _disk, _ia, _ea,
         offset) = unpack(data, pos)
        raw = data[pos + 46:pos + 46 + nlen]
        if 0xFFFFFFFF in (csize, usize, offset):
            usize, csize, offset = _zip64_extra(data[pos + 46 + nlen:pos + 46 + nlen + xlen], usize, csize, offset)
        name = raw.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        out.append(Entry(name, raw, flags, method, crc, csize, usize, offset,
                         data[pos:pos + 46 + nlen + xlen + clen]))
        if len(out) > limits.max_entries:
            raise ReadError("file-too-large", {"reason": f"压缩包内部件超过 {limits.max_entries} 个"})
        pos += 46 + nlen + xlen + clen
    if len(out) != entries and entries != 0xFFFF:
        raise unreadable("压缩包目录已损坏（部件数不符）")
    return out


class Package:
    """An opened zip package.  Raises ReadError; never anything else for bad bytes."""

    def __init__(self, data: bytes, limits: Limits = Limits()):
        self.limits = limits
        self.data = data
        self.inflated = 0
        self._rels: dict[str, list[tuple[str, str, str, bool]]] = {}
        self._types: tuple[dict[str, str], dict[str, str]] | None = None
        self.entries: dict[str, Entry] = {}
        self.order: list[Entry] = central_directory(data, limits)
        for info in self.order:
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

    def find(self, name: str) -> Entry | None:
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

    def read_info(self, info: Entry, what: str = "") -> bytes:
        """Inflate one entry from the bytes in memory: the local header checked against
        the central directory, the output counted chunk by chunk, then its size and
        CRC checked against the directory's."""
        limits = self.limits
        if info.flag_bits & 0x1:
            raise ReadError("encrypted-file")
        method = info.compress_type
        if method not in (STORED, DEFLATED):
            raise unreadable(f"部件「{info.filename}」使用了不支持的压缩方式")
        data = self.data
        off = info.header_offset
        header = data[off:off + 30]
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise unreadable(f"部件「{info.filename}」已损坏（本地文件头无效）")
        nlen, xlen = struct.unpack("<HH", header[26:30])
        if data[off + 30:off + 30 + nlen] != info.raw_name:
            raise unreadable(f"部件「{info.filename}」已损坏（文件头与目录不符）")
        start = off + 30 + nlen + xlen
        end = start + info.compress_size
        if end > len(data):
            raise unreadable(f"部件「{info.filename}」已损坏（数据不完整）")
        raw = memoryview(data)[start:end]
        cap = limits.max_part_size
        ratio_cap = max(limits.ratio_grace, limits.max_ratio * max(info.compress_size, 1))
        if method == STORED:
            out = bytes(raw)
            self._count(info, len(out), cap, ratio_cap)
        else:
            inflater = zlib.decompressobj(-15)
            chunks = []
            total = 0
            buf = raw
            try:
                while not inflater.eof:
                    chunk = inflater.decompress(buf, _CHUNK)
                    left = len(inflater.unconsumed_tail)
                    if not chunk and (not left or left == len(buf)):
                        break  # no progress: the stream ends early
                    buf = inflater.unconsumed_tail
                    if chunk:
                        total += len(chunk)
                        self._count(info, total, cap, ratio_cap, len(chunk))
                        chunks.append(chunk)
            except zlib.error:
                raise unreadable(f"部件「{info.filename}」已损坏（压缩数据无效）") from None
            if not inflater.eof:
                raise unreadable(f"部件「{info.filename}」已损坏（压缩数据不完整）")
            out = b"".join(chunks)
        if len(out) != info.file_size:
            raise unreadable(f"部件「{info.filename}」已损坏（大小与目录不符）")
        if zlib.crc32(out) != info.CRC:
            raise unreadable(f"部件「{info.filename}」已损坏（校验和不符）")
        return out

    def _count(self, info: Entry, total: int, cap: int, ratio_cap: int, added: int | None = None) -> None:
        self.inflated += total if added is None else added
        if total > cap:
            raise ReadError("file-too-large", {"reason": f"部件「{info.filename}」解压后超过 {_mib(cap)}"})
        if self.inflated > self.limits.max_total_size:
            raise ReadError("file-too-large", {"reason": f"解压后总大小超过 {_mib(self.limits.max_total_size)}"})
        if total > ratio_cap:
            raise ReadError("file-too-large", {"reason": f"部件「{info.filename}」的压缩比异常（疑似压缩炸弹）"})

    def tree(self, name: str, what: str = "") -> Element:
        return parse_tree(self.read(name, what), what or name)

    # -- OPC: content types and relationships ----------------------------------------

    def content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        """(defaults by extension, overrides by part name), lower-cased keys without
        the leading "/"; empty when `[Content_Types].xml` is absent."""
        if self._types is not None:
            return self._types
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        if self.has("[Content_Types].xml"):
            data = self.read("[Content_Types].xml")
            elements = flat_elements(data, b"Default|Override")
            if elements is None:
                elements = [(e.tag, e.attrs) for e in parse_tree(data, "[Content_Types].xml").children]
            for tag, a in elements:
                if tag == "Default":
                    defaults[(a.get("Extension") or "").lower()] = a.get("ContentType") or ""
                elif tag == "Override":
                    overrides[(a.get("PartName") or "").lstrip("/").lower()] = a.get("ContentType") or ""
        self._types = (defaults, overrides)
        return self._types

    def rels(self, part: str) -> list[tuple[str, str, str, bool]]:
        """Relationships of a part ("" for the package): (id, type tail, resolved
        target, external).  The type tail is the type URI's last segment, lower-cased
        without "-" (transitional and Strict spell some differently)."""
        part = part.lstrip("/")
        if part in self._rels:
            return self._rels[part]
        base = posixpath.dirname(part)
        rels_name = posixpath.join(base, "_rels", posixpath.basename(part) + ".rels") if part else "_rels/.rels"
        out = []
        if self.has(rels_name):
            data = self.read(rels_name)
            elements = flat_elements(data, b"Relationship")
            if elements is None:
                elements = [(e.tag, e.attrs) for e in parse_tree(data, rels_name).children]
            for tag, a in elements:
                if tag != "Relationship":
                    continue
                rtype = (a.get("Type") or "").rstrip("/").rsplit("/", 1)[-1].lower().replace("-", "")
                target = a.get("Target") or ""
                external = (a.get("TargetMode") or "").lower() == "external"
                if not external:
                    target = resolve(base, target)
                out.append((a.get("Id") or "", rtype, target, external))
        self._rels[part] = out
        return out


def resolve(base: str, target: str) -> str:
    """A relationship target as a part name (no leading "/")."""
    target = target.split("#", 1)[0]
    if target.startswith("/"):
        path = target
    else:
        path = posixpath.join("/" + base, target)
    return posixpath.normpath(path).lstrip("/")
