"""@mentions in a post link to the person's page, escaped; the page shows who they are."""

from __future__ import annotations

from covenant_hub.extensions import db
from covenant_hub.forum.mentions import link_mentions
from covenant_hub.forum.models import Post
from tests.factories import make_group, make_org, make_thread, make_user
from tests.sessions import login


def test_a_mention_becomes_a_link_to_the_persons_page(app, client):
    aigerim = make_user(name="Aigerim Sadykova", org=make_org(name="Osh"))
    make_user(name="Bakyt")
    thread = make_thread(make_group(), posts=1)
    body = "Thanks @[Aigerim Sadykova] and @Bakyt. `@Bakyt` in code stays; @Nobody stays."
    db.session.add(Post(thread=thread, author=make_user(), body=body))
    db.session.commit()
    page = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert f'href="/account/people/{aigerim.id}">@Aigerim Sadykova</a>' in page
    assert ">@Bakyt</a>." in page and "<code>@Bakyt</code>" in page and "@Nobody stays" in page
    login(client, make_user())
    person = client.get(f"/account/people/{aigerim.id}?lang=ky").get_data(as_text=True)
    assert "Aigerim Sadykova" in person and ">Osh</a>" in person


def test_a_name_cannot_bring_markup():
    html = link_mentions("<p>hi @[a&lt;b&gt;c]</p>", {"a<b>c": 7}, lambda uid: f"/account/people/{uid}")
    assert (
        html
        == '<p>hi <a class="mention person-name" translate="no" href="/account/people/7">@a&lt;b&gt;c</a></p>'
    )


def test_a_persons_page_needs_a_login_and_hides_disabled_accounts(app, client):
    from covenant_hub.clock import utcnow

    person = make_user(name="Gone", disabled_at=utcnow())
    assert client.get(f"/account/people/{person.id}").status_code == 302  # to the login page
    login(client, make_user())
    assert client.get(f"/account/people/{person.id}").status_code == 404
    login(client, make_user(role="staff"))
    assert client.get(f"/account/people/{person.id}").status_code == 200
