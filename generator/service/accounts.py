"""Unit and office accounts: argon2id password hashes, disabling, login rate limits.

A unit account belongs to one unit (by name); it files and sees only that unit's
filings.  An office account (工作小组办公室) sees everything and files nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from generator.service import db
from generator.service.ledger import Ledger, parse_stamp, stamp, utcnow
from generator.service.tables import accounts, login_attempts, sessions, units

ROLES = {"unit": "单位", "office": "办公室"}
MIN_PASSWORD = 8

# Login throttling (the README states this policy).  Failed attempts are counted within
# WINDOW, for one account name from one address since that pair's last success:
# - after PAIR_FREE failures, each further attempt from that address on that account waits
#   PAIR_DELAY, doubling with every failure (2 s, 4 s, 8 s, … at most PAIR_DELAY_MAX);
# - once an account has ACCOUNT_CEILING failures from anywhere, addresses that failed on it
#   are refused until the window passes; an address with no failure on it may still try,
#   so the right password from a fresh address logs in (an attacker cannot lock a user out);
# - one address with ADDRESS_CEILING failures over all accounts is refused until the window
#   passes.  Behind a reverse proxy, start the service with --trusted-proxy: the client's
#   forwarded address then counts, not the proxy's (X-Forwarded-For is ignored otherwise).
WINDOW = timedelta(minutes=15)
PAIR_FREE = 3
PAIR_DELAY = 2.0
PAIR_DELAY_MAX = 300.0
ACCOUNT_CEILING = 10
ADDRESS_CEILING = 30



def end_sessions(conn: sa.Connection, account_id: int) -> None:
    """End every session of an account (inside the caller's write transaction): deleting
    its rows is enough, whatever cookie a browser still holds."""
    conn.execute(sa.delete(sessions).where(sessions.c.account_id == account_id))

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


def account_query():
    """Accounts with their unit's name (the columns `as_account` reads)."""
    return sa.select(
        accounts.c.id, accounts.c.username, accounts.c.role, accounts.c.unit_id, units.c.name.label("unit"),
        accounts.c.disabled, accounts.c.password_hash, accounts.c.created_at,
    ).select_from(accounts.outerjoin(units, units.c.id == accounts.c.unit_id))


def as_account(row) -> Account:
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
            unit_id = Ledger.ensure_unit(conn, unit) if unit else None
            made = db.insert_if_absent(conn, accounts, dict(
                username=username, role="office" if office else "unit", unit_id=unit_id,
                password_hash=digest, disabled=False, created_at=now, updated_at=now,
            ), ["username"])
            if not made:
                raise AccountError(f"账号「{username}」已存在。")
        return self.get(username)

    def get(self, username: str) -> Account | None:
        with db.read(self.engine) as conn:
            row = conn.execute(account_query().where(accounts.c.username == username)).first()
        return as_account(row) if row else None

    def by_id(self, account_id: int) -> Account | None:
        with db.read(self.engine) as conn:
            row = conn.execute(account_query().where(accounts.c.id == account_id)).first()
        return as_account(row) if row else None

    def all(self) -> list[Account]:
        with db.read(self.engine) as conn:
            return [as_account(r) for r in conn.execute(account_query().order_by(accounts.c.role.desc(), units.c.name, accounts.c.username))]

    def set_password(self, username: str, password: str) -> None:
        check_password_strength(password)
        self._update(username, password_hash=hash_password(password))

    def set_disabled(self, username: str, disabled: bool) -> None:
        self._update(username, disabled=disabled)

    def _update(self, username: str, **values) -> None:
        """Change an account and end all its sessions (a new password or disabling must
        log out every browser, and enabling again must not bring those sessions back)."""
        with db.write(self.engine) as conn:
            account_id = conn.scalar(sa.select(accounts.c.id).where(accounts.c.username == username))
            if account_id is None:
                raise AccountError(f"账号「{username}」不存在。")
            conn.execute(sa.update(accounts).where(accounts.c.id == account_id).values(updated_at=stamp(), **values))
            end_sessions(conn, account_id)

    # -- logging in --------------------------------------------------------------------

    def wait(self, username: str, remote: str, now=None) -> int:
        """Seconds before this address may try this account again (0: it may try now)."""
        now = now or utcnow()
        since = stamp(now - WINDOW)
        a = login_attempts.c
        with db.read(self.engine) as conn:
            last_ok = conn.scalar(sa.select(sa.func.max(a.at)).where(
                a.username == username, a.remote == remote, a.ok == sa.true(), a.at >= since))
            pair = conn.execute(sa.select(sa.func.count(), sa.func.min(a.at), sa.func.max(a.at)).where(
                a.username == username, a.remote == remote, a.ok == sa.false(), a.at >= max(since, last_ok or since),
            )).one()
            failures, first, last = pair[0], pair[1], pair[2]
            waits = [0.0]
            if failures >= PAIR_FREE:
                delay = min(PAIR_DELAY * 2 ** (failures - PAIR_FREE), PAIR_DELAY_MAX)
                waits.append((parse_stamp(last) - now).total_seconds() + delay)
            if failures:
                on_account = conn.scalar(sa.select(sa.func.count()).select_from(login_attempts).where(
                    a.username == username, a.ok == sa.false(), a.at >= since))
                if on_account >= ACCOUNT_CEILING:
                    waits.append((parse_stamp(first) + WINDOW - now).total_seconds())
            from_address = conn.execute(sa.select(sa.func.count(), sa.func.min(a.at)).where(
                a.remote == remote, a.ok == sa.false(), a.at >= since)).one()
            if from_address[0] >= ADDRESS_CEILING:
                waits.append((parse_stamp(from_address[1]) + WINDOW - now).total_seconds())
        return max(0, math.ceil(max(waits)))

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
