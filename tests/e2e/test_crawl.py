"""Every link a visitor can reach from the home page answers without a server error or a dead end.

The crawl runs in the browser's own session (Playwright's request API shares the cookies of the
logged-in page), breadth first and bounded, once as an anonymous visitor in Kyrgyz and once as a
site admin in Russian, over the sample data (covenant_hub/data/demo) rather than the 12k GCoM file.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import html

from covenant_hub.extensions import db
from covenant_hub.interchange import ImportOptions, import_folder
from covenant_hub.search import indexer
from covenant_hub.search.service import get_service
from tests.e2e.steps import log_in
from tests.factories import make_gcom_stand_ins, make_org, make_user

SAMPLE_DIR = "covenant_hub/data/demo"
MAX_PAGES = 200  # per visitor: about 400 pages in all
PER_SECTION = 12  # pages from one path prefix (e.g. /orgs/<x>), so the crawl covers every section
SKIP = re.compile(r"/account/logout|/static/")
# The crawl checks answers, not speed (bench/ measures that): a page that builds a worker's
# match model on first use may take a while on a loaded CI machine, so wait for it.
REQUEST_TIMEOUT_MS = 120_000


def _seed(app) -> None:
    """The sample folder (orgs, practices, events, news, groups, threads), an admin and an index."""
    from covenant_hub.config import PROJECT_ROOT
    from covenant_hub.programme.demo import seed_programme_demo

    make_gcom_stand_ins()
    report = import_folder(PROJECT_ROOT / SAMPLE_DIR, ImportOptions(mark_sample=True))
    assert report.ok, report.errors
    seed_programme_demo()
    make_user(email="admin@example.org", role="admin", language="ru", org=make_org(name="Admin Town"),
              org_role="org_admin")  # fmt: skip
    indexer.rebuild(get_service(app).index, procs=1)
    db.session.commit()  # end our transaction: the server must not wait on our lock


def _section(path: str) -> str:
    parts = path.split("?")[0].split("/")
    return "/".join(parts[:3]) + ("?" if "?" in path else "")


def _links(base: str, url: str, body: str) -> list[str]:
    """Same-site links of a page, as paths; the language switcher's `?lang=` links are left out."""
    found = []
    for href in html.fromstring(body).xpath("//a/@href"):
        target = urlsplit(urldefrag(urljoin(url, href))[0])
        if f"{target.scheme}://{target.netloc}" != base or "lang=" in target.query:
            continue
        found.append(target.path + (f"?{target.query}" if target.query else ""))
    return found


def _crawl(page, base: str) -> tuple[int, list[tuple[str, int, str]]]:
    """Breadth first from the home page; returns the pages seen and every (path, status, referrer)
    that answered with a 404 or a 5xx."""
    queue: list[tuple[str, str]] = [("/", "")]
    seen: set[str] = set()
    per_section: Counter[str] = Counter()
    failures = []
    while queue and len(seen) < MAX_PAGES:
        path, referrer = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.request.get(base + path, max_redirects=5, timeout=REQUEST_TIMEOUT_MS)
        if response.status == 404 or response.status >= 500:
            failures.append((path, response.status, referrer))
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        for link in _links(base, response.url, response.text()):
            section = _section(link)
            if link in seen or SKIP.search(link) or per_section[section] >= PER_SECTION:
                continue
            per_section[section] += 1
            queue.append((link, path))
    return len(seen), failures


def test_every_reachable_page_answers_for_a_visitor_and_an_admin(app, live_server, page) -> None:
    _seed(app)
    base = live_server.url

    page.goto(base + "/?lang=ky")
    assert page.get_attribute("html", "lang") == "ky"
    anonymous_pages, anonymous_failures = _crawl(page, base)

    log_in(page, base, "admin@example.org")
    assert page.get_attribute("html", "lang") == "ru"
    admin_pages, admin_failures = _crawl(page, base)

    assert anonymous_failures == [] and admin_failures == [], live_server.errors()
    # The crawl really walked the site: the sample data alone links to far more than this.
    assert anonymous_pages > 80 and admin_pages > 100
