"""Operating-system errors in the user's words: "File exists" never reaches a clerk."""

from __future__ import annotations

import errno

_REASONS = {
    errno.ENOENT: "文件或目录不存在",
    errno.EEXIST: "已有同名的文件或目录",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "所在磁盘是只读的",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已用完",
    errno.ENAMETOOLONG: "文件名太长",
    errno.ELOOP: "符号链接循环指向自身",
    errno.EMFILE: "打开的文件过多",
    errno.EBUSY: "文件正被占用",
    errno.ENOTEMPTY: "目录不是空的",
    errno.EXDEV: "不能跨磁盘移动",
    errno.EIO: "磁盘读写出错",
    errno.EADDRINUSE: "该端口已被占用",
    errno.EADDRNOTAVAIL: "本机没有这个地址",
}


def reason(exc: OSError) -> str:
    """What went wrong, in Chinese (never the system's English text)."""
    text = _REASONS.get(exc.errno or 0)
    if text is None:
        text = f"系统错误（{errno.errorcode.get(exc.errno, exc.errno) if exc.errno else type(exc).__name__}）"
    return text
