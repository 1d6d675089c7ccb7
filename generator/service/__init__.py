"""The upload service: units upload their filings, the office sees who has filed.

Modules, each with one role:

- `db`, `schema`, `migrations` — the ledger's database (SQLite by default, PostgreSQL by
  URL), its tables, and the named migrations that make them;
- `store` — uploaded files by sha256, written once;
- `ledger` — submissions (every version kept; a duplicate recorded once);
- `accounts` — unit and office accounts (argon2), login rate limits;
- `schedule` — filing slots and due dates derived from the campaign in content/;
- `checking` — the validator run in worker processes; `intake` — one upload end to end;
- `compare`, `status`, `figures`, `charts` — what the pages show;
- `web` — the Flask application.
"""
