"""Acceptance for the layout (issue 15): every page type, for a visitor, a member and staff, in
Kyrgyz and Russian, at a phone's 390x844 and a laptop's 1366x900, has no sideways scroll
(the document is no wider than the viewport) and no critical, serious or moderate axe-core
violation (axe-core is vendored from the npm registry under tests/e2e/vendor/).

Page types are found, not listed: each role crawls the site from the home page (and a few
pages no link reaches, such as the login form) and keeps the first page of every Flask endpoint.
One browser and one server serve every role and language; one page load is checked at both sizes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from lxml import html
from werkzeug.exceptions import HTTPException

from covenant_hub.extensions import db
from covenant_hub.interchange import ImportOptions, import_folder
from covenant_hub.search import indexer
from covenant_hub.search.service import get_service
from tests.e2e.steps import log_in
from tests.factories import make_gcom_stand_ins, make_org, make_user
from tests.i18n_check import untranslated

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
SIZES = [(390, 844), (1366, 900)]
LANGUAGES = ["ky", "ru"]
BLOCKING = {"critical", "serious", "moderate"}
MAX_FETCHES = 160  # per role: enough to reach every endpoint of the sample data
SKIP_PREFIXES = ("/account/logout", "/static/", "/api/", "/feeds/", "/sitemap")
EXTRA = {  # pages that no link on the site reaches for that visitor
    "visitor": ["/account/login", "/account/register", "/account/forgot", "/account/confirm"],
    "member": ["/account/password", "/account/profile", "/programme/supporters/new-network/dashboard"],
    "staff": ["/account/password"],
}

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact,
      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""
WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@dataclass(frozen=True)
class Problem:
    role: str
    language: str
    size: tuple[int, int]
    path: str
    what: str


@pytest.fixture(autouse=True)
def _patient_workers(monkeypatch) -> None:
    """The first recommendations page builds the match model on a busy machine: gunicorn's
    default 30 s worker timeout would kill it (GUNICORN_CMD_ARGS adds to the server's flags)."""
    monkeypatch.setenv("GUNICORN_CMD_ARGS", "--timeout 300")


def _seed(app) -> None:
    """The sample folder, the programme demo, a new supporter with no activity, and one user per
    role and language."""
    from covenant_hub.config import PROJECT_ROOT
    from covenant_hub.programme.demo import seed_programme_demo

    make_gcom_stand_ins()  # the sample folder links to the GCoM records of Osh and Talas
    report = import_folder(PROJECT_ROOT / "covenant_hub/data/demo", ImportOptions(mark_sample=True))
    assert report.ok, report.errors
    seed_programme_demo()
    network = make_org(external_id="new-network", name="Жаңы тармак", kind="supporter", country="kg",
                       lat=42.87, lon=74.59)  # fmt: skip
    for language in LANGUAGES:
        make_user(
            email=f"member-{language}@example.org", language=language, org=network, org_role="org_admin"
        )
        make_user(email=f"staff-{language}@example.org", language=language, role="admin",
                  org=make_org(name=f"Staff Town {language}"), org_role="org_admin")  # fmt: skip
    _rebuild_index(app)
    db.session.commit()  # the server must not wait on our lock


def _rebuild_index(app, attempts: int = 5) -> None:
    """Index the sample now (the matching pages read its stored vectors); the server's own indexer
    may hold Whoosh's lock while it drains the import's outbox, so a refused lock is tried again."""
    from whoosh.index import LockError

    for attempt in range(attempts):
        try:
            indexer.rebuild(get_service(app).index, procs=1)
            return
        except LockError:
            if attempt == attempts - 1:
                raise


def _endpoint_of(app) -> Callable[[str], str | None]:
    adapter = app.url_map.bind("localhost")

    def endpoint(path: str) -> str | None:
        try:
            name, _args = adapter.match(urlsplit(path).path, method="GET")
        except HTTPException:
            return None
        return name

    return endpoint


def _links(base: str, url: str, body: str) -> list[str]:
    found = []
    for href in html.fromstring(body).xpath("//a/@href"):
        target = urlsplit(urldefrag(urljoin(url, href))[0])
        if f"{target.scheme}://{target.netloc}" != base or "lang=" in target.query:
            continue
        if not target.path.startswith(SKIP_PREFIXES):
            found.append(target.path + (f"?{target.query}" if target.query else ""))
    return found


def _page_types(page, base: str, endpoint_of, extra: list[str]) -> dict[str, str]:
    """The first HTML page answering 200 for each endpoint reachable from the home page."""
    queue, seen, chosen = ["/", *extra], set(), {}
    while queue and len(seen) < MAX_FETCHES:
        path = queue.pop(0)
        name = endpoint_of(path)
        if path in seen or name is None or (name in chosen and path not in extra):
            continue
        seen.add(path)
        response = page.request.get(base + path, max_redirects=0, timeout=120_000)
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        chosen.setdefault(name, path)
        queue.extend(link for link in _links(base, base + path, response.text()) if link not in seen)
    return chosen


def _check(page, base: str, path: str, role: str, language: str) -> list[Problem]:
    """One page load: its text checked for English, then measured and run through axe at both sizes."""
    problems = []
    page.goto(base + path)
    # Every message in the reader's language: the page as the browser holds it (library
    # messages included), through the same detector as tests/site/test_untranslated.py.
    for finding in untranslated(page.content(), language):
        what = f"English: {finding.text!r} ({finding.reason})"
        problems.append(Problem(role, language, (0, 0), path, what))
    for size in SIZES:
        page.set_viewport_size({"width": size[0], "height": size[1]})
        document_width, viewport_width = page.evaluate(WIDTH)
        if document_width > viewport_width:
            problems.append(
                Problem(role, language, size, path, f"overflow: {document_width}px on {viewport_width}px")
            )
        for violation in page.evaluate(AXE_RUN):
            if violation["impact"] in BLOCKING:
                what = f"axe {violation['impact']} {violation['id']} {violation['nodes']}"
                problems.append(Problem(role, language, size, path, what))
    return problems


def test_every_page_type_fits_phones_and_laptops_and_passes_axe(app, live_server, browser) -> None:
    _seed(app)
    base, endpoint_of = live_server.url, _endpoint_of(app)
    problems: list[Problem] = []
    visited: dict[str, int] = {}
    for role in ("visitor", "member", "staff"):
        for language in LANGUAGES:
            context = browser.new_context(viewport={"width": SIZES[1][0], "height": SIZES[1][1]})
            context.add_init_script(path=str(AXE))
            page = context.new_page()
            page.set_default_timeout(120_000)  # the first matching page builds the model
            if role == "visitor":
                page.goto(f"{base}/?lang={language}")
            else:
                log_in(page, base, f"{role}-{language}@example.org")
            assert page.get_attribute("html", "lang") == language
            if language == LANGUAGES[0]:  # the same pages in either language: crawl once per role
                types = _page_types(page, base, endpoint_of, EXTRA[role])
            visited[f"{role}/{language}"] = len(types)
            for path in types.values():
                problems.extend(_check(page, base, path, role, language))
            context.close()
    report = "\n".join(f"{p.role} {p.language} {p.size[0]}x{p.size[1]} {p.path}: {p.what}" for p in problems)
    overflowing = {(p.role, p.language, p.size, p.path) for p in problems if p.what.startswith("overflow")}
    print(f"\npage types per role/language: {visited}; overflowing checks: {len(overflowing)}\n{report}")
    # The crawl really reached the site: each role sees far more page types than this.
    assert min(visited.values()) >= 20, visited
    assert problems == [], report
