"""No English message on a Kyrgyz or Russian page: every page type, logged out, as a member and
as staff, through the test client over the sample data, forms with their errors included."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from lxml import html

from covenant_hub.config import PROJECT_ROOT
from covenant_hub.extensions import db
from covenant_hub.interchange import ImportOptions, import_folder
from tests.factories import make_gcom_stand_ins, make_org, make_user
from tests.i18n_check import Finding, english_reason, untranslated
from tests.sessions import login

PER_SECTION = 4  # pages from one path prefix: every page type, not every record
MAX_PAGES = 160
SKIP = re.compile(r"/account/logout|/static/|/feeds/|\.(csv|xlsx|ics|xml|json|pdf)$|/api/|/export")
# Forms sent empty: their error messages (WTForms' own) must be translated too.
EMPTY_FORMS = {
    None: ["/account/login", "/account/register", "/account/forgot-password"],
    "member": ["/practices/new", "/account/change-password"],
    "staff": ["/practices/new", "/events/new"],
}
# Error pages, with their detail: a 400 from a bad filter, a 404.
ERROR_PAGES = ["/orgs/?kind=city", "/orgs/?page=x", "/no-such-page", "/practices/999999"]


@pytest.fixture
def sample(app):
    """The sample folder, a member of a sample city and a staff user."""
    from covenant_hub.programme.demo import seed_programme_demo

    make_gcom_stand_ins()  # the sample folder links to the GCoM records of Osh and Talas
    report = import_folder(PROJECT_ROOT / "covenant_hub" / "data" / "demo", ImportOptions(mark_sample=True))
    assert report.ok, report.errors
    seed_programme_demo()
    town = make_org(name="Токмок")
    users = {
        None: None,
        "member": make_user(name="Айгүл Асанова", org=town, org_role="org_admin"),
        "staff": make_user(name="Staff Person", role="staff"),
    }
    db.session.commit()
    return users


def _links(url: str, body: str) -> list[str]:
    found = []
    for href in html.fromstring(body).xpath("//a/@href | //form[@method='get']/@action"):
        target = urlsplit(urldefrag(urljoin("http://localhost" + url, href))[0])
        if target.netloc != "localhost" or "lang=" in target.query:
            continue
        found.append(target.path + (f"?{target.query}" if target.query else ""))
    return found


def _section(path: str) -> str:
    parts = path.split("?")[0].split("/")
    shape = ["#" if part.isdigit() else part for part in parts[:4]]
    return "/".join(shape) + ("?" if "?" in path else "")


def crawl(client, language: str, start: str = "/") -> dict[str, list[Finding]]:
    """Breadth first from `start`: each HTML page's English findings, by path."""
    queue = [start]
    seen: set[str] = set()
    per_section: Counter[str] = Counter()
    findings: dict[str, list[Finding]] = {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code >= 300 or "text/html" not in response.content_type:
            continue
        body = response.get_data(as_text=True)
        findings[path] = untranslated(body, language)
        for link in _links(path, body):
            section = _section(link)
            if link in seen or SKIP.search(link.split("?")[0]) or per_section[section] >= PER_SECTION:
                continue
            per_section[section] += 1
            queue.append(link)
    return findings


def post_empty_forms(client, language: str, role: str | None) -> dict[str, list[Finding]]:
    findings = {}
    for path in EMPTY_FORMS[role]:
        response = client.post(path, data={})
        body = response.get_data(as_text=True)
        findings[f"POST {path}"] = untranslated(body, language)
    return findings


def visit(client, user, language: str, role: str | None) -> dict[str, list[Finding]]:
    if user is not None:
        user.language = language
        db.session.commit()
    login(client, user)
    client.get(f"/?lang={language}")
    found = crawl(client, language)
    found.update(post_empty_forms(client, language, role))
    for path in ERROR_PAGES:
        found[path] = untranslated(client.get(path).get_data(as_text=True), language)
    return found


def _report(found: dict[str, list[Finding]]) -> str:
    lines = [f"{path}: {finding}" for path, items in found.items() for finding in items]
    return f"{len(lines)} English strings on {sum(1 for v in found.values() if v)} pages:\n" + "\n".join(
        lines[:60]
    )


@pytest.mark.parametrize("language", ["ky", "ru"])
@pytest.mark.parametrize("role", [None, "member", "staff"])
def test_no_english_message_on_a_kyrgyz_or_russian_page(app, client, sample, language, role):
    found = visit(client, sample[role], language, role)
    assert len(found) > 25  # the crawl really walked the site
    assert not any(found.values()), _report(found)


@pytest.mark.parametrize(
    "text",
    ["This field is required.", "1 practices", "Dec 2, 2026", "Search", "Please log in to see this page.",
     "Field must be at least 8 characters long.", "Nothing was found for your words"],
)  # fmt: skip
def test_the_detector_finds_english_interface_text(text):
    assert english_reason(text)


@pytest.mark.parametrize(
    "text", ["Бишкек", "Covenant Hub", "GCoM", "Osh", "2 ПДФ", "Bishkek City Hall", "12:30"]
)
def test_the_detector_leaves_names_and_brand_words(text):
    assert english_reason(text) is None


def test_the_detector_skips_content_in_its_own_language_and_names():
    page = """<html lang="ky"><body><p>Издөө</p><article lang="en"><p>The practice of the city</p></article>
    <span translate="no">Search and Rescue Ltd of the North</span><input placeholder="Your email">
    <button>Save</button><input type="submit" value="Send"></body></html>"""
    found = [finding.text for finding in untranslated(page, "ky")]
    assert found == ["Your email", "Save", "Send"]
