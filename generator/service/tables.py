"""The ledger's tables as the code queries them (SQLAlchemy Core).

The tables are created and changed only by the named migrations in `migrations.py`;
this module describes the shape they have after the last one.

- `settings`      key → value (the session-signing key, made once).
- `units`         the reporting units; a unit account belongs to one.
- `accounts`      unit and office accounts: argon2 hash, role, disabled flag.
- `submissions`   every upload ever accepted for checking, one row per distinct file
                  per unit × form × period, numbered 1, 2, … (`version`); the file
                  itself lives in the file store under its sha256.
- `login_attempts` for rate limiting and the record of who logged in when.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

migrations = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("applied_at", sa.String(40), nullable=False),
)

settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

units = sa.Table(
    "units",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("uploads", sa.Integer, nullable=False, server_default="0"),
)

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(100), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
)

submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
    sa.Column("form", sa.String(100), nullable=False),
    sa.Column("period", sa.String(100), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("received_at", sa.String(40), nullable=False),
    sa.Column("valid", sa.Boolean, nullable=False),
    sa.Column("errors", sa.Integer, nullable=False),
    sa.Column("warnings", sa.Integer, nullable=False),
    sa.Column("previous_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=True),
    sa.Column("report_json", sa.Text, nullable=False),
    sa.Column("report_html", sa.Text, nullable=False),
    sa.Column("document_json", sa.Text, nullable=True),
    sa.UniqueConstraint("unit_id", "form", "period", "sha256", name="uq_submission_file"),
    sa.UniqueConstraint("unit_id", "form", "period", "version", name="uq_submission_version"),
)

login_attempts = sa.Table(
    "login_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(100), nullable=False),
    sa.Column("remote", sa.String(100), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
)
