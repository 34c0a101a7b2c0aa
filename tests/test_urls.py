"""public_url and public_base: absolute links on config PUBLIC_URL, in and out of a request."""
from __future__ import annotations

from covenant_hub.urls import public_base, public_url


def test_outside_a_request_links_use_public_url(app):
    app.config["PUBLIC_URL"] = "https://hub.example.org/"
    assert public_base() == "https://hub.example.org"
    assert public_url("events.show_event", event_id=7) == "https://hub.example.org/events/7"
    assert public_url("forum.show_thread", thread_id=3, _anchor="post 9") == (
        "https://hub.example.org/forum/t/3#post%209")


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


def test_reaching_the_site_under_another_host_warns_once(app_config, caplog):
    from covenant_hub import create_app

    app = create_app({**app_config, "PUBLIC_URL": "https://hub.example.org"})
    client = app.test_client()
    with caplog.at_level("WARNING"):
        client.get("/", headers={"Host": "hub.example.org"})
        assert "COVENANT_PUBLIC_URL" not in caplog.text
        client.get("/", headers={"Host": "203.0.113.7:8000"})
        client.get("/", headers={"Host": "other.example"})
    assert caplog.text.count("COVENANT_PUBLIC_URL is https://hub.example.org") == 1
    assert "Reached as 203.0.113.7" in caplog.text


def test_a_local_run_on_the_local_default_does_not_warn(app_config, caplog):
    from covenant_hub import create_app

    client = create_app({**app_config, "PUBLIC_URL": "http://127.0.0.1:5000"}).test_client()
    with caplog.at_level("WARNING"):
        client.get("/", headers={"Host": "localhost:5000"})
    assert "COVENANT_PUBLIC_URL" not in caplog.text
