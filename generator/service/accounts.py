"""Unit and office accounts: argon2id password hashes, disabling, login rate limits.

A unit account belongs to one unit (by name); it files and sees only that unit's
filings.  An office account (工作小组办公室) sees everything and files nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from generator.service import db
from generator.service.ledger import Ledger, stamp, utcnow
from generator.service.tables import accounts, login_attempts, units

ROLES = {"unit": "单位", "office": "办公室"}
MIN_PASSWORD = 8

# Login rate limits: failed attempts within the window, per account name and per address.
WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_REMOTE = 30


class AccountError(Exception):
    """A refused account operation; the message is Chinese and says why."""


def _hasher():
    from argon2 import PasswordHasher

    # argon2id with the library's defaults (RFC 9106 "low memory": 64 MiB, t=3, p=4).
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符。")
    if password.strip() != password:
        raise AccountError("密码首尾不能是空格。")


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: str
    unit_id: int | None
    unit: str | None
    disabled: bool
    password_hash: str
    created_at: str

    @property
    def is_office(self) -> bool:
        return self.role == "office"

    @property
    def stamp(self) -> str:
        """Changes whenever the password changes or the account is disabled: sessions carry
        it, so a changed password or a disabled account ends existing sessions."""
        return hashlib.sha256(f"{self.password_hash}|{self.disabled}".encode()).hexdigest()[:24]


def _select():
    return sa.select(
        accounts.c.id, accounts.c.username, accounts.c.role, accounts.c.unit_id, units.c.name.label("unit"),
        accounts.c.disabled, accounts.c.password_hash, accounts.c.created_at,
    ).select_from(accounts.outerjoin(units, units.c.id == accounts.c.unit_id))


def _account(row) -> Account:
    return Account(row.id, row.username, row.role, row.unit_id, row.unit, bool(row.disabled), row.password_hash, row.created_at)


def _valid_username(username: str) -> str:
    username = (username or "").strip()
    if not username or len(username) > 100 or any(ch.isspace() or not ch.isprintable() for ch in username):
        raise AccountError("账号名不能为空、不能含空格，最长 100 个字符。")
    return username


class Accounts:
    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.engine = ledger.engine

    def add(self, username: str, password: str, *, unit: str | None = None, office: bool = False) -> Account:
        username = _valid_username(username)
        if office == bool(unit):
            raise AccountError("请指定账号所属单位（--unit 单位名称），或用 --office 创建办公室账号（二者选一）。")
        if unit is not None:
            unit = unit.strip()
            if not unit or len(unit) > 200:
                raise AccountError("单位名称不能为空，最长 200 个字符。")
        check_password_strength(password)
        digest = hash_password(password)
        now = stamp()
        with db.write(self.engine) as conn:
            if conn.scalar(sa.select(accounts.c.id).where(accounts.c.username == username)) is not None:
                raise AccountError(f"账号「{username}」已存在。")
            unit_id = Ledger.ensure_unit(conn, unit) if unit else None
            conn.execute(sa.insert(accounts).values(
                username=username, role="office" if office else "unit", unit_id=unit_id,
                password_hash=digest, disabled=False, created_at=now, updated_at=now,
            ))
        return self.get(username)

    def get(self, username: str) -> Account | None:
        with db.read(self.engine) as conn:
            row = conn.execute(_select().where(accounts.c.username == username)).first()
        return _account(row) if row else None

    def by_id(self, account_id: int) -> Account | None:
        with db.read(self.engine) as conn:
            row = conn.execute(_select().where(accounts.c.id == account_id)).first()
        return _account(row) if row else None

    def all(self) -> list[Account]:
        with db.read(self.engine) as conn:
            return [_account(r) for r in conn.execute(_select().order_by(accounts.c.role.desc(), units.c.name, accounts.c.username))]

    def set_password(self, username: str, password: str) -> None:
        check_password_strength(password)
        self._update(username, password_hash=hash_password(password))

    def set_disabled(self, username: str, disabled: bool) -> None:
        self._update(username, disabled=disabled)

    def _update(self, username: str, **values) -> None:
        with db.write(self.engine) as conn:
            done = conn.execute(
                sa.update(accounts).where(accounts.c.username == username).values(updated_at=stamp(), **values)
            ).rowcount
        if not done:
            raise AccountError(f"账号「{username}」不存在。")

    # -- logging in --------------------------------------------------------------------

    def throttled(self, username: str, remote: str) -> bool:
        """True when too many failed logins came for this name or from this address lately."""
        since = stamp(utcnow() - WINDOW)
        with db.read(self.engine) as conn:
            def failures(column, value):
                return conn.scalar(sa.select(sa.func.count()).select_from(login_attempts).where(
                    column == value, login_attempts.c.ok == sa.false(), login_attempts.c.at >= since,
                ))
            return failures(login_attempts.c.username, username) >= MAX_FAILURES_PER_USER or \
                failures(login_attempts.c.remote, remote) >= MAX_FAILURES_PER_REMOTE

    def authenticate(self, username: str, password: str, remote: str) -> Account | None:
        """The account if the password is right and it is enabled; every attempt is recorded."""
        from argon2.exceptions import InvalidHashError, VerificationError

        username = (username or "").strip()[:100]
        account = self.get(username) if username else None
        ok = False
        if account is not None:
            try:
                ok = _hasher().verify(account.password_hash, password or "")
            except (VerificationError, InvalidHashError):
                ok = False
        else:
            # Same cost whether or not the name exists: names are not revealed by timing.
            try:
                _hasher().verify(_dummy_hash(), password or "")
            except (VerificationError, InvalidHashError):
                pass
        if ok and account.disabled:
            ok = False
        with db.write(self.engine) as conn:
            conn.execute(sa.insert(login_attempts).values(username=username, remote=remote[:100], at=stamp(), ok=ok))
            if ok and _hasher().check_needs_rehash(account.password_hash):
                conn.execute(sa.update(accounts).where(accounts.c.id == account.id).values(password_hash=hash_password(password)))
        return self.get(username) if ok else None


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(hash_password("not-a-password-of-anyone"))
    return _DUMMY[0]
