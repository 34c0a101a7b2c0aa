"""Every forum page renders for the people who may see it, in the reader's language, and the
forms on it carry what they need (CSRF tokens in browser mode, feeds advertised)."""

from __future__ import annotations

from covenant_hub.extensions import db
from covenant_hub.forum import moderation, services
from covenant_hub.forum.models import Post
from tests.factories import make_practice, make_thread
from tests.sessions import login


def test_group_list_and_pages_render_for_a_moderator(client, world, closed_thread) -> None:
    moderator = world.users["moderator"]
    post = db.session.query(Post).filter_by(thread_id=closed_thread.id).first()
    services.edit_post(world.users["author"], post, "Edited body")
    moderation.flag_post(world.users["member"], post, "spam")
    login(client, moderator)
    for url in [
        "/forum/",
        f"/forum/g/{world.closed.id}",
        f"/forum/g/{world.closed.id}/new",
        f"/forum/t/{closed_thread.id}",
        f"/forum/p/{post.id}/edit",
        f"/forum/p/{post.id}/history",
        f"/forum/g/{world.closed.id}/moderation",
        "/forum/flags",
        "/account/notifications",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/forum/t/{closed_thread.id}").text
    assert "Edit history" in page and "1 flag" in page and 'id="split-form"' in page


def test_staff_pages(client, world) -> None:
    login(client, world.users["staff"])
    for url in ["/forum/new", "/forum/suspensions", "/forum/log", "/forum/flags"]:
        assert client.get(url).status_code == 200, url
    response = client.post(
        "/forum/new",
        data={
            "title": "Жылуулук",
            "description": "",
            "kind": "discussion",
            "language": "ky",
            "visibility": "members",
            "join_policy": "request",
        },
    )
    assert response.status_code == 302
    assert "Жылуулук" in client.get("/forum/").text


def test_members_only_group_shows_no_threads_to_outsiders(client, world, closed_thread) -> None:
    login(client, world.users["member"])
    assert "Street lights in Karakol" in client.get(f"/forum/g/{world.closed.id}").text  # listed to members
    login(client, world.users["nonmember"])
    page = client.get(f"/forum/g/{world.closed.id}").text
    assert "Street lights in Karakol" not in page and "Ask to join" in page
    login(client, None)
    assert client.get(f"/forum/t/{closed_thread.id}").status_code == 404


def test_group_page_advertises_its_feeds_and_feeds_list_posts(client, world) -> None:
    make_thread(world.public, world.users["author"], posts=2, title="Биогаз <b>тажрыйбасы</b>")
    page = client.get(f"/forum/g/{world.public.id}").text
    assert 'rel="alternate" type="application/rss+xml"' in page
    assert 'type="application/atom+xml"' in page
    rss = client.get(f"/forum/g/{world.public.id}/feed.rss")
    assert rss.mimetype == "application/rss+xml" and "Биогаз &lt;b&gt;тажрыйбасы&lt;/b&gt;" in rss.text
    atom = client.get(f"/forum/g/{world.public.id}/feed.atom")
    assert atom.mimetype == "application/atom+xml" and "<entry>" in atom.text
    assert client.get(f"/forum/g/{world.closed.id}/feed.rss").status_code == 404


def test_pages_are_translated(client, world, closed_thread) -> None:
    login(client, world.users["member"])
    page = client.get(f"/forum/t/{closed_thread.id}?lang=ru").text
    assert '<html lang="ru">' in page


def test_practice_page_lists_its_threads_and_offers_ask_the_owner(client, world) -> None:
    practice = make_practice(title="LED street lights")
    thread = make_thread(
        world.public, world.users["author"], title="How did you finance it?", practice_id=practice.id
    )
    hidden = make_thread(world.closed, world.users["author"], title="Closed talk", practice_id=practice.id)
    page = client.get(f"/practices/{practice.id}").text
    assert "How did you finance it?" in page and f"/forum/t/{thread.id}" in page
    assert "Closed talk" not in page and hidden.id
    assert f"/forum/ask/{practice.id}" in page


def test_ask_the_owner_opens_a_thread_about_the_practice_with_a_mention(client, world, outbox) -> None:
    from tests.factories import make_user

    owner_author = make_user(name="Nurlan Owner")
    practice = make_practice(title="Solar roofs", author_id=owner_author.id)
    login(client, world.users["member"])
    form = client.get(f"/forum/ask/{practice.id}").text
    assert "@[Nurlan Owner]" in form and "Solar roofs" in form
    response = client.post(
        f"/forum/ask/{practice.id}",
        data={
            "group_id": world.public.id,
            "title": "Question about solar roofs",
            "body": "@[Nurlan Owner] how long did it take?",
        },
    )
    assert response.status_code == 302
    login(client, owner_author)
    page = client.get("/account/notifications").text
    assert "Bakyt Member mentioned you in “Question about solar roofs”" in page
    assert list(outbox.glob("*.eml"))


def test_a_refused_watch_level_is_not_reported_as_saved(client, world) -> None:
    login(client, world.users["member"])
    url = f"/forum/g/{world.public.id}/watch"
    response = client.post(url, data={"level": "loud"}, follow_redirects=True)
    assert "Choose muted, normal or watching." in response.text
    assert "Notification setting saved." not in response.text
    response = client.post(url, data={"level": "muted"}, follow_redirects=True)
    assert "Notification setting saved." in response.text
