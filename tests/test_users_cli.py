"""`yaojian users add|list|passwd|disable|enable`, and what they do to sessions."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import REPO


def users(tmp_path, *args, password: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", "users", *args, "--db", str(tmp_path / "l.db")],
        input=(password + "\n") if password is not None else "", capture_output=True, text=True, cwd=REPO, timeout=120,
    )


def test_users_commands_and_exit_codes(tmp_path):
    r = users(tmp_path, "add", "gaj", "--unit", "区公安局", "--password-stdin", password="correct horse")
    assert r.returncode == 0 and "区公安局" in r.stdout
    r = users(tmp_path, "add", "office", "--office", "--password-stdin", password="office password")
    assert r.returncode == 0
    assert users(tmp_path, "add", "gaj", "--unit", "区公安局", "--password-stdin", password="correct horse").returncode == 1
    short = users(tmp_path, "add", "x", "--unit", "甲", "--password-stdin", password="short")
    assert short.returncode == 1 and "至少 8 个字符" in short.stderr
    assert users(tmp_path, "add", "y", "--password-stdin", password="long enough").returncode == 2  # --unit or --office
    listed = json.loads(users(tmp_path, "list", "--json").stdout)
    assert {(a["username"], a["role"], a["unit"], a["disabled"]) for a in listed} == {
        ("gaj", "unit", "区公安局", False), ("office", "office", None, False)}
    assert "correct horse" not in (tmp_path / "l.db").read_bytes().decode("latin-1")
    assert users(tmp_path, "passwd", "gaj", "--password-stdin", password="battery staple").returncode == 0
    assert users(tmp_path, "passwd", "nobody", "--password-stdin", password="battery staple").returncode == 1
    assert users(tmp_path, "disable", "gaj").returncode == 0
    assert json.loads(users(tmp_path, "list", "--json").stdout)[0]["disabled"] is True
    assert users(tmp_path, "enable", "gaj").returncode == 0
    assert users(tmp_path, "disable", "nobody").returncode == 1
    r = subprocess.run([sys.executable, "-m", "generator", "users"], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert r.returncode == 1 and "add" in r.stderr
    text = users(tmp_path, "list")
    assert text.returncode == 0 and "gaj\t单位\t区公安局" in text.stdout


def test_a_new_password_or_disabling_ends_the_session(tmp_path, project):
    from generator.service.accounts import Accounts
    from generator.validate.pool import Checker
    from generator.service.ledger import Ledger
    from generator.service.slots import load_schedule
    from generator.service.web import Service, create_app

    ledger = Ledger.open(tmp_path / "l.db", tmp_path / "files")
    try:
        accounts = Accounts(ledger)
        accounts.add("gaj", "correct horse", unit="区公安局")
        app = create_app(Service(ledger, project, load_schedule(project), Checker(project.root, 0)))

        def logged_in():
            c = app.test_client()
            token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
            r = c.post("/login", data={"csrf_token": token, "username": "gaj", "password": password[0]})
            assert r.status_code == 303
            assert c.get("/upload").status_code == 200
            return c

        password = ["correct horse"]
        c = logged_in()
        accounts.set_password("gaj", "battery staple")
        assert c.get("/upload").status_code == 302  # back to the login page
        password[0] = "battery staple"
        c = logged_in()
        accounts.set_disabled("gaj", True)
        assert c.get("/upload").status_code == 302
    finally:
        ledger.close()
