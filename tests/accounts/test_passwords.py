"""The password policy and the argon2id hashes."""

from __future__ import annotations

import pytest

from covenant_hub.accounts.passwords import (
    common_passwords,
    hash_password,
    password_problem,
    verify_password,
)


def test_common_list_is_substantial_and_lowercase():
    words = common_passwords()
    assert len(words) >= 500
    assert all(word == word.lower() for word in words)


@pytest.mark.parametrize(
    "password", ["short", "1234567", "password1", "PASSWORD123", "Qwerty123", "iloveyou"]
)
def test_short_and_common_passwords_are_refused(app, password):
    assert password_problem(password) is not None


@pytest.mark.parametrize(
    ("password", "email", "name"),
    [
        ("ann@example.org", "ann@example.org", "Ann"),
        ("ANN@EXAMPLE.ORG", "ann@example.org", "Ann"),
        ("ann.example", "ann.example@example.org", "Ann"),
        ("Bakyt Osmonov", "b@example.kg", "Bakyt Osmonov"),
    ],
)
def test_password_equal_to_email_or_name_is_refused(app, password, email, name):
    problem = password_problem(password, email=email, name=name)
    assert "must not be your e-mail address or your name" in problem


def test_a_reasonable_password_passes(app):
    assert password_problem("tunduk-yurt-roof-2026", email="ann@example.org", name="Ann") is None


def test_hash_is_argon2id_and_verifies(app):
    hashed = hash_password("tunduk-yurt-roof-2026")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "tunduk-yurt-roof-2026")
    assert not verify_password(hashed, "tunduk-yurt-roof-2027")
    assert not verify_password("not a hash", "anything")
