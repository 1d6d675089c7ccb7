"""Logged-in sessions, kept in the ledger so that the server can end them.

The browser's cookie carries a random token; the ledger keeps only its sha256, the
account, when the session began and when it was last used.  A session ends:

- at 登出 (its row is deleted);
- when the account's password is changed or the account is disabled (every row of the
  account is deleted in the same transaction, so re-enabling it brings none back);
- after IDLE without a request, or ABSOLUTE after login, whichever comes first.

`seen_at` is written at most once per TOUCH_EVERY, so a busy session costs one read per
request and an occasional write.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from generator.service import db
from generator.service.ledger import Ledger, parse_stamp, stamp, utcnow
from generator.service.tables import accounts, sessions

IDLE = timedelta(hours=2)
ABSOLUTE = timedelta(hours=8)
TOUCH_EVERY = timedelta(minutes=1)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class Sessions:
    def __init__(self, ledger: Ledger):
        self.engine = ledger.engine
        self.ledger = ledger

    def start(self, account_id: int, now: datetime | None = None) -> str:
        """A new session for the account; returns the token for the cookie."""
        token = secrets.token_urlsafe(32)
        moment = stamp(now)
        with db.write(self.engine) as conn:
            conn.execute(sa.insert(sessions).values(id=_key(token), account_id=account_id, created_at=moment, seen_at=moment))
        return token

    def account(self, token: str | None, now: datetime | None = None):
        """The enabled account of a live session, or None (unknown, ended, idle or too old).
        One read per request (the session and its account together)."""
        from generator.service.accounts import account_query, as_account

        if not token or not isinstance(token, str) or len(token) > 200:
            return None
        now = now or utcnow()
        key = _key(token)
        query = account_query().add_columns(sessions.c.created_at.label("session_created"), sessions.c.seen_at).join(
            sessions, sessions.c.account_id == accounts.c.id).where(sessions.c.id == key)
        with db.read(self.engine) as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        seen = parse_stamp(row.seen_at)
        if now - parse_stamp(row.session_created) > ABSOLUTE or now - seen > IDLE:
            self.end(token)
            return None
        account = as_account(row)
        if account.disabled:
            return None
        if now - seen > TOUCH_EVERY:
            with db.write(self.engine) as conn:
                conn.execute(sa.update(sessions).where(sessions.c.id == key).values(seen_at=stamp(now)))
        return account

    def end(self, token: str | None) -> None:
        if token and isinstance(token, str):
            with db.write(self.engine) as conn:
                conn.execute(sa.delete(sessions).where(sessions.c.id == _key(token)))

    def prune(self, now: datetime | None = None) -> int:
        """Delete sessions past their idle or absolute limit; returns how many."""
        now = now or utcnow()
        with db.write(self.engine) as conn:
            return conn.execute(sa.delete(sessions).where(sa.or_(
                sessions.c.created_at < stamp(now - ABSOLUTE), sessions.c.seen_at < stamp(now - IDLE),
            ))).rowcount
