"""Writing an annotated package: untouched entries copied exactly as they were (local
header, compressed bytes, data descriptor), changed and new parts deflated afresh."""

from __future__ import annotations

import struct
import time
import zlib

from generator.xlsx.limits import unreadable
from generator.xlsx.package import Entry, Package


def write_package(pkg: Package, changed: dict[str, bytes]) -> bytes:
    """The zip of `pkg` with the parts in `changed` replaced (matched case-insensitively,
    in place) or added (at the end)."""
    out = bytearray()
    central = []
    seen = set()
    now = _dos_time()
    lower = {name.lower(): name for name in changed}
    for info in pkg.order:
        replaced = lower.get(info.filename.lower())
        offset = len(out)
        if replaced is None:
            out += _raw_entry(pkg.data, info)
            central.append(_central_copy(info, offset))
        else:
            seen.add(replaced)
            dos = struct.unpack("<HH", info.central[12:16]) if len(info.central) >= 16 else now
            local, cent = _new_entry(info.filename, changed[replaced], offset, dos)
            out += local
            central.append(cent)
    for name, content in changed.items():
        if name in seen:
            continue
        local, cent = _new_entry(name, content, len(out), now)
        out += local
        central.append(cent)
    cd_offset = len(out)
    for rec in central:
        out += rec
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), len(out) - cd_offset, cd_offset, 0)
    return bytes(out)


def _dos_time() -> tuple[int, int]:
    t = time.localtime()
    return ((t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec // 2),
            ((t.tm_year - 1980) << 9) | (t.tm_mon << 5) | t.tm_mday)


def _raw_entry(data: bytes, info: Entry) -> bytes:
    """An untouched entry exactly as it was: local header, compressed data and any data
    descriptor."""
    off = info.header_offset
    if data[off:off + 4] != b"PK\x03\x04":
        raise unreadable(f"部件「{info.filename}」已损坏（本地文件头无效）")
    nlen, xlen = struct.unpack("<HH", data[off + 26:off + 30])
    end = off + 30 + nlen + xlen + info.compress_size
    if info.flag_bits & 0x8:
        if data[end:end + 4] == b"PK\x07\x08":
            end += 16
        else:
            end += 12
    if end > len(data):
        raise unreadable(f"部件「{info.filename}」已损坏（数据不完整）")
    return data[off:end]


def _central_copy(info: Entry, offset: int) -> bytes:
    rec = bytearray(info.central)
    (old,) = struct.unpack("<L", rec[42:46])
    if old == 0xFFFFFFFF:  # offset in a zip64 extra field: patch it there
        nlen, xlen = struct.unpack("<HH", rec[28:32])
        extra_start = 46 + nlen
        pos = extra_start
        while pos + 4 <= extra_start + xlen:
            tag, size = struct.unpack("<HH", rec[pos:pos + 4])
            if tag == 1:
                usize, csize = struct.unpack("<LL", rec[24:28] + rec[20:24])
                field = pos + 4 + 8 * ((usize == 0xFFFFFFFF) + (csize == 0xFFFFFFFF))
                rec[field:field + 8] = struct.pack("<Q", offset)
                break
            pos += 4 + size
        return bytes(rec)
    rec[42:46] = struct.pack("<L", offset)
    return bytes(rec)


def _new_entry(name: str, content: bytes, offset: int, dos: tuple[int, int]) -> tuple[bytes, bytes]:
    raw_name = name.encode("utf-8")
    flags = 0 if raw_name.isascii() else 0x800
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = c.compress(content) + c.flush()
    crc = zlib.crc32(content)
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, 8, dos[0], dos[1], crc, len(packed), len(content),
                        len(raw_name), 0) + raw_name + packed
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, 8, dos[0], dos[1], crc, len(packed),
                          len(content), len(raw_name), 0, 0, 0, 0, 0, offset) + raw_name
    return local, central
