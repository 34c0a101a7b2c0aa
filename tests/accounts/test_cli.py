"""`flask users ...`: bootstrap accounts and manage roles and access from the command line."""

from __future__ import annotations

import json

from covenant_hub.accounts import services
from covenant_hub.extensions import db
from tests.accounts.helpers import is_logged_in, submit_login


def test_create_admin_from_stdin_is_confirmed_and_can_log_in(runner, client):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Chief@Example.org",
            "--name",
            "Chief",
            "--role",
            "admin",
            "--password-stdin",
            "--json",
        ],
        input="tunduk-yurt-roof-2026\n",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["email"] == "chief@example.org" and data["role"] == "admin" and data["confirmed"] is True
    assert submit_login(client, "chief@example.org", "tunduk-yurt-roof-2026").status_code == 302
    assert is_logged_in(client)


def test_create_refuses_weak_password_and_duplicates(runner):
    weak = runner.invoke(
        args=["users", "create", "a@example.org", "--name", "A", "--password-stdin"], input="short\n"
    )
    assert weak.exit_code != 0 and "at least 8 characters" in weak.output
    assert services.find_user("a@example.org") is None
    ok = runner.invoke(
        args=["users", "create", "a@example.org", "--name", "A", "--password-stdin"],
        input="alatoo-peaks-4478\n",
    )
    assert ok.exit_code == 0
    again = runner.invoke(
        args=["users", "create", "A@example.org", "--name", "A", "--password-stdin"],
        input="alatoo-peaks-4478\n",
    )
    assert again.exit_code != 0 and "already exists" in again.output


def test_set_role_disable_and_enable(runner, client):
    runner.invoke(
        args=["users", "create", "b@example.org", "--name", "B", "--password-stdin"],
        input="alatoo-peaks-4478\n",
    )
    result = runner.invoke(args=["users", "set-role", "b@example.org", "staff", "--json"])
    assert json.loads(result.output)["role"] == "staff"

    submit_login(client, "b@example.org", "alatoo-peaks-4478")
    assert is_logged_in(client)
    result = runner.invoke(args=["users", "disable", "b@example.org", "--json"])
    assert json.loads(result.output)["disabled"] is True
    assert not is_logged_in(client)

    result = runner.invoke(args=["users", "enable", "b@example.org"])
    assert result.exit_code == 0 and "enabled" in result.output
    db.session.expire_all()
    assert services.find_user("b@example.org").is_active


def test_unknown_email_and_role_are_refused(runner):
    assert runner.invoke(args=["users", "disable", "ghost@example.org"]).exit_code != 0
    runner.invoke(
        args=["users", "create", "c@example.org", "--name", "C", "--password-stdin"],
        input="alatoo-peaks-4478\n",
    )
    result = runner.invoke(args=["users", "set-role", "c@example.org", "emperor"])
    assert result.exit_code != 0
    assert services.find_user("c@example.org").role == "member"
