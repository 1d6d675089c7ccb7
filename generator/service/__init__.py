"""The upload service: units upload their filings, the office sees who has filed.

Modules, each with one role:

- `db`, `tables`, `migrations` — the ledger's database (SQLite by default, PostgreSQL by
  URL), its tables, and the named migrations that make them;
- `store` — uploaded files by sha256, written once;
- `ledger` — submissions (every version kept; a duplicate recorded once);
- `accounts` — unit and office accounts (argon2), login rate limits;
- `slots` — filing slots and due dates derived from the campaign in content/;
- `intake` — one upload end to end, checked by the validator's worker pool
  (`generator.validate.pool`);
- `compare`, `status`, `figures`, `charts` — what the pages show;
- `web` — the Flask application.
"""
