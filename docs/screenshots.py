"""Screenshots of ten key pages at a phone's 390x844 and a laptop's 1366x900, in Kyrgyz, into
docs/screenshots/ (run by `make screenshots`; needs requirements-dev.txt and /usr/bin/chromium).

It builds a throwaway site in a temporary folder (the sample content of covenant_hub/data/demo,
the programme demo and a new supporter with its admin), serves it with gunicorn on a free port and
photographs each page's first screen with Playwright, so the pictures change only when pages do.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "docs" / "screenshots"
SIZES = [(390, 844), (1366, 900)]
PASSWORD = "screenshot-password-2024"  # noqa: S105 (a throwaway site in a temporary folder)
ADMIN = "new-network@example.kg"


def _config(base: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": f"sqlite:///{base / 'covenant.db'}",
        "INDEX_DIR": str(base / "index"),
        "MAIL_OUTBOX": str(base / "outbox"),
        "ATTACHMENTS_DIR": str(base / "attachments"),
        "RATELIMIT_STORAGE_URI": f"covenantsqlite:///{base / 'ratelimits.db'}",
        "RATELIMIT_ENABLED": "false",
        "DEMO_DATA": "false",
        "SECRET_KEY": "screenshots-only",
    }


def _seed(config: dict[str, str]) -> dict[str, str]:
    """Build the site's data; returns the paths of pages that depend on generated ids."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from covenant_hub import create_app
    from covenant_hub.extensions import db
    from covenant_hub.interchange import ImportOptions, import_folder
    from covenant_hub.library.models import Practice
    from covenant_hub.programme.demo import seed_programme_demo
    from covenant_hub.search import indexer
    from covenant_hub.search.service import get_service
    from tests.factories import make_gcom_stand_ins, make_org, make_user

    app = create_app({**config, "TESTING": True, "RATELIMIT_ENABLED": False, "DEMO_DATA": False})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    with app.app_context():  # a fresh session: the migration's leaves objects detached
        make_gcom_stand_ins()  # the sample folder links to the GCoM records of Osh and Talas
        report = import_folder(ROOT / "covenant_hub/data/demo", ImportOptions(mark_sample=True))
        assert report.ok, report.errors
        seed_programme_demo()
        network = make_org(
            external_id="naryn-network",
            name="Нарын облусунун шаарлар тармагы",
            kind="supporter",
            country="kg",
            lat=41.43,
            lon=75.99,
            status="active",
        )
        make_user(email=ADMIN, name="Жылдыз Токтогулова", language="ky", password=PASSWORD, org=network,
                  org_role="org_admin")  # fmt: skip
        indexer.rebuild(get_service(app).index, procs=1)
        practice = db.session.scalars(select(Practice.id).order_by(Practice.id)).first()
        dashboard = "/programme/supporters/naryn-network/dashboard"
        db.session.commit()
        db.engine.dispose()
    return {"practice": f"/practices/{practice}", "dashboard": dashboard}


def _serve(config: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, **{f"COVENANT_{key}": value for key, value in config.items()}}
    env["COVENANT_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "gunicorn.conf.py",
            "--workers",
            "2",
            "--timeout",
            "300",
            "--bind",
            f"127.0.0.1:{port}",
            "app:app",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _attempt in range(300):
        try:
            with urllib.request.urlopen(url + "/", timeout=2):  # noqa: S310 (our own http:// server)
                return process, url
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"gunicorn did not start:\n{log.read_text()}")


def _pages(paths: dict[str, str]) -> list[tuple[str, str, bool]]:
    """(file name, path, needs the supporter's login)."""
    return [
        ("home", "/", False),
        ("directory", "/orgs/", False),
        ("profile", "/orgs/sample-bishkek", False),
        ("practices", "/practices/", False),
        ("practice", paths["practice"], False),
        ("agenda", "/events/", False),
        ("discussions", "/forum/", False),
        ("search", "/search?q=%D0%B6%D1%8B%D0%BB%D1%83%D1%83%D0%BB%D1%83%D0%BA", False),  # жылуулук
        ("login", "/account/login", False),
        ("new-supporter-dashboard", paths["dashboard"], True),
    ]


def _photograph(url: str, pages: list[tuple[str, str, bool]]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for width, height in SIZES:
            context = browser.new_context(viewport={"width": width, "height": height}, locale="ky-KG")
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.goto(url + "/?lang=ky")
            for name, path, needs_login in pages:
                if needs_login:
                    page.goto(url + "/account/login")
                    page.fill("input[name=email]", ADMIN)
                    page.fill("input[name=password]", PASSWORD)
                    page.click("main form[method=post] [type=submit]")
                    page.wait_for_url(lambda current: "/account/login" not in current)
                page.goto(url + path)
                target = OUT / f"{name}-{width}.png"
                page.screenshot(path=str(target))
                written.append(target)
                print(f"{target.relative_to(ROOT)}", flush=True)
            context.close()
        browser.close()
    return written


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="covenant-screens-") as folder:
        base = Path(folder)
        config = _config(base)
        paths = _seed(config)
        process, url = _serve(config, base / "gunicorn.log")
        try:
            written = _photograph(url, _pages(paths))
        finally:
            process.terminate()
            process.wait(timeout=20)
    print(f"{len(written)} screenshots in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
