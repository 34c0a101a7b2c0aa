"""Every XSS payload, put in titles, summaries, bodies, tags, review notes, organisation names and
file names, leaves no live script, event handler or javascript: URL in any library page."""

from __future__ import annotations

import pytest

from covenant_hub.extensions import db
from covenant_hub.library.attachments import safe_filename
from covenant_hub.library.models import Attachment
from tests.factories import make_org, make_practice
from tests.library.conftest import draft_of
from tests.library.xss import XSS_PAYLOADS, assert_no_live_script
from tests.sessions import login

assert len(XSS_PAYLOADS) >= 50


def _poisoned_practice(world, payload: str, **fields):
    practice = make_practice(
        world.owner, title=payload[:300], summary=payload, body=payload, tags=[payload[:40], "ok"], **fields
    )
    db.session.add(
        Attachment(
            practice=practice,
            filename=safe_filename(payload, "application/pdf"),
            content_type="application/pdf",
            size=10,
            stored_name=f"{practice.id:032x}.pdf",
        )
    )
    # A name stored raw (as an import could) must still come out escaped.
    db.session.add(
        Attachment(
            practice=practice,
            filename=payload[:200],
            content_type="image/png",
            size=10,
            stored_name=f"{practice.id:031x}b.png",
        )
    )
    db.session.commit()
    return practice


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.text


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_is_harmless_on_every_library_page(world, client, payload):
    world.owner.name = payload[:300]
    db.session.commit()
    practice = _poisoned_practice(world, payload, co2_t_per_year=10)
    make_practice(world.other, title=f"{payload[:200]} related", summary=payload)
    submitted = draft_of(
        world, state="submitted", title=payload[:300], summary=payload, body=payload, tags=[payload[:40]]
    )
    sent_back = draft_of(world, review_note=payload, title=payload[:300], body=payload)
    pages = [_page(client, "/practices/"), _page(client, f"/practices/{practice.id}")]
    assert "Related practices" in pages[1] and "Files" in pages[1]
    login(client, world.users["staff"])
    pages += [_page(client, "/practices/review"), _page(client, f"/practices/{submitted.id}")]
    login(client, world.users["author"])
    pages += [
        _page(client, f"/practices/{sent_back.id}"),
        _page(client, f"/practices/{sent_back.id}/edit"),
        _page(client, "/practices/?mine=1"),
        client.post("/practices/preview", json={"text": payload}).get_json()["html"],
    ]
    for html in pages:
        assert_no_live_script(html)


def test_payloads_survive_as_visible_text(world, client):
    """Escaping, not deleting: the reader still sees what was written."""
    practice = make_practice(world.owner, title="<b>Bold claim</b> & co", tags=["<i>tag</i>"])
    page = client.get(f"/practices/{practice.id}").text
    assert "&lt;b&gt;Bold claim&lt;/b&gt; &amp; co" in page and "#&lt;i&gt;tag&lt;/i&gt;" in page


def test_poisoned_organisation_name_in_the_signatory_picker(world, client):
    make_org(name="<svg onload=alert(1)>")
    world.sibling.name = '"><img src=x onerror=alert(1)>'
    db.session.commit()
    practice = make_practice(world.owner)
    login(client, world.users["supporter_admin"])
    assert_no_live_script(client.get(f"/practices/{practice.id}").text)
