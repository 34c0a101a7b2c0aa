"""Downloads: attachment disposition with a filename no upload or import can break out of."""

from __future__ import annotations

import io
import re

from covenant_hub.extensions import db
from covenant_hub.library.models import Attachment
from tests.factories import make_event, make_practice, make_user
from tests.sessions import login

HOSTILE = 'x";\r\nSet-Cookie: a=b; .html'
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_event_ics_filename_from_an_imported_id_stays_inside_the_header(app, client):
    event = make_event(external_id=HOSTILE)
    response = client.get(f"/events/{event.id}.ics")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.count('"') == 2
    assert "\r" not in disposition and "\n" not in disposition and "Set-Cookie" not in response.headers


def test_attachment_upload_with_hostile_name_and_html_content_type(app, client):
    author = make_user()
    practice = make_practice(state="draft", published=None, author_id=author.id)
    login(client, author)
    client.post(
        f"/practices/{practice.id}/attachments",
        data={"file": (io.BytesIO(PNG), HOSTILE, "text/html")},
        content_type="multipart/form-data",
    )
    attachment = db.session.query(Attachment).one()
    response = client.get(f"/practices/attachments/{attachment.id}")
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert re.fullmatch(r"attachment; filename=[\w .-]+\.png", response.headers["Content-Disposition"])
