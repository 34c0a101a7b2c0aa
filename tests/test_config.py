"""Secrets and paths that every node must share: the key, its fallbacks, the instance folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer

from covenant_hub import create_app
from covenant_hub.accounts.tokens import RESET_PURPOSE, TokenInvalid, make_token, read_token
from covenant_hub.config import MissingSecretKey
from tests.conftest import build_test_config


def _production(tmp_path: Path, **extra: object) -> dict[str, object]:
    config = build_test_config(tmp_path, tmp_path / "x.db")
    config.update(
        TESTING=False, DATABASE_URL="postgresql://hub@db.invalid/hub", INSTANCE_PATH=str(tmp_path / "inst")
    )
    config.pop("SECRET_KEY")
    config.update(extra)
    return config


def test_a_shared_database_without_a_secret_key_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(MissingSecretKey, match="COVENANT_SECRET_KEY is not set"):
        create_app(_production(tmp_path))
    assert not (tmp_path / "inst" / "secret_key").exists()


def test_a_shared_database_with_a_secret_key_starts(tmp_path: Path) -> None:
    app = create_app(_production(tmp_path, SECRET_KEY="one-key-for-every-node"))
    assert app.secret_key == "one-key-for-every-node"


def test_sqlite_alone_still_generates_and_keeps_its_key(tmp_path: Path) -> None:
    config = _production(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'one.db'}")
    first = create_app(config).secret_key
    assert first and first == create_app(config).secret_key
    assert (tmp_path / "inst" / "secret_key").read_text().strip() == first


def test_instance_path_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COVENANT_INSTANCE_PATH", str(tmp_path / "elsewhere"))
    config = build_test_config(tmp_path, tmp_path / "x.db")
    del config["MAIL_OUTBOX"]
    app = create_app(config)
    assert Path(app.instance_path) == (tmp_path / "elsewhere").resolve()
    assert Path(app.config["MAIL_OUTBOX"]) == (tmp_path / "elsewhere" / "outbox").resolve()


def test_fallback_keys_come_from_a_comma_separated_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COVENANT_SECRET_KEY_FALLBACKS", "old-one, older-one")
    app = create_app(build_test_config(tmp_path, tmp_path / "x.db"))
    assert app.config["SECRET_KEY_FALLBACKS"] == ["old-one", "older-one"]


def test_a_mailed_link_signed_with_the_old_key_still_works_after_rotation(tmp_path: Path) -> None:
    old = create_app({**build_test_config(tmp_path, tmp_path / "x.db"), "SECRET_KEY": "old-key"})
    with old.test_request_context():
        token = make_token(RESET_PURPOSE, {"user": 7})
    rotated = create_app(
        {
            **build_test_config(tmp_path, tmp_path / "x.db"),
            "SECRET_KEY": "new-key",
            "SECRET_KEY_FALLBACKS": ["old-key"],
        }
    )
    with rotated.test_request_context():
        assert read_token(RESET_PURPOSE, token, max_age=60) == {"user": 7}
        fresh = make_token(RESET_PURPOSE, {"user": 8})
    # new tokens are signed with the new key alone
    signer = URLSafeTimedSerializer("new-key", salt=f"covenant-hub.{RESET_PURPOSE}")
    assert signer.loads(fresh) == {"user": 8}
    unrotated = create_app({**build_test_config(tmp_path, tmp_path / "x.db"), "SECRET_KEY": "new-key"})
    with unrotated.test_request_context(), pytest.raises(TokenInvalid):
        read_token(RESET_PURPOSE, token, max_age=60)


def test_a_session_signed_with_the_old_key_survives_rotation(tmp_path: Path) -> None:
    old = create_app({**build_test_config(tmp_path, tmp_path / "x.db"), "SECRET_KEY": "old-key"})
    cookie = old.session_interface.get_signing_serializer(old).dumps({"_user_id": "3"})
    rotated = create_app(
        {
            **build_test_config(tmp_path, tmp_path / "x.db"),
            "SECRET_KEY": "new-key",
            "SECRET_KEY_FALLBACKS": ["old-key"],
        }
    )
    assert rotated.session_interface.get_signing_serializer(rotated).loads(cookie) == {"_user_id": "3"}
