"""public_url and public_base: absolute links on config PUBLIC_URL, in and out of a request."""

from __future__ import annotations

import logging

from covenant_hub.urls import public_base, public_url


def test_outside_a_request_links_use_public_url(app):
    app.config["PUBLIC_URL"] = "https://hub.example.org/"
    assert public_base() == "https://hub.example.org"
    assert public_url("events.show_event", event_id=7) == "https://hub.example.org/events/7"
    assert public_url("forum.show_thread", thread_id=3, _anchor="post 9") == (
        "https://hub.example.org/forum/t/3#post%209"
    )


def test_a_public_url_under_a_path_keeps_the_path(app):
    app.config["PUBLIC_URL"] = "https://example.org/hub/"
    assert public_base() == "https://example.org/hub"
    assert public_url("orgs.view_profile", external_id="kant") == "https://example.org/hub/orgs/kant"


def test_inside_a_request_the_host_header_is_ignored(app):
    app.config["PUBLIC_URL"] = "https://hub.example.org"
    with app.test_request_context("/", headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"}):
        assert public_url("site.home") == "https://hub.example.org/"


def test_an_empty_public_url_falls_back_to_the_local_server(app):
    app.config["PUBLIC_URL"] = ""
    assert public_url("site.home") == "http://127.0.0.1:5000/"


class _Messages(logging.Handler):
    """Collects what the app logs, whatever other tests did to propagation and capture."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _warnings_while(public_url: str, app_config, hosts: list[str]) -> list[str]:
    from covenant_hub import create_app

    app = create_app({**app_config, "PUBLIC_URL": public_url})
    collected = _Messages()
    app.logger.addHandler(collected)
    client = app.test_client()
    for host in hosts:
        client.get("/", headers={"Host": host})
    return [m for m in collected.messages if "COVENANT_PUBLIC_URL" in m]


def test_reaching_the_site_under_another_host_warns_once(app_config):
    assert _warnings_while("https://hub.example.org", app_config, ["hub.example.org"]) == []
    warned = _warnings_while(
        "https://hub.example.org", app_config, ["hub.example.org", "203.0.113.7:8000", "other.example"]
    )
    assert len(warned) == 1 and warned[0].startswith("Reached as 203.0.113.7 but COVENANT_PUBLIC_URL is")


def test_a_local_run_on_the_local_default_does_not_warn(app_config):
    assert _warnings_while("http://127.0.0.1:5000", app_config, ["localhost:5000", "127.0.0.1:5000"]) == []


def test_running_the_migrations_leaves_the_app_logging(app_config, runner):
    """Alembic's logging setup used to disable every existing logger, this warning's included."""
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert _warnings_while("https://hub.example.org", app_config, ["other.example"]) != []
