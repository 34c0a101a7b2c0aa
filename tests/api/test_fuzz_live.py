"""schemathesis over every operation of openapi.json against a live gunicorn.

Run anonymously (the pages' own refusals and validation must answer, never a 5xx) with every
response checked against the schema it documents. The operation count is printed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.e2e.conftest import live_server  # noqa: F401  (the gunicorn fixture)
from tests.factories import make_group, make_org, make_practice, make_thread

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def _seed() -> None:
    city = make_org(external_id="bishkek", name="Bishkek")
    make_practice(org=city, title="LED street lights", language="ru")
    make_thread(make_group(join_policy="open"), title="Heat pumps")


def _schemathesis(url: str, report: Path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{url}/api/v1/openapi.json", "--url", url,
        "--checks", CHECKS, "--max-examples", "15", "--generation-deterministic", "--workers", "1",
        "--phases", "examples,coverage,fuzzing", "--report", "junit", "--report-dir", str(report),
        "--request-timeout", "20", "--suppress-health-check", "all",
    ]  # fmt: skip
    # Run from the report folder: schemathesis keeps a .schemathesis/ cache in its working folder.
    return subprocess.run(
        command, capture_output=True, text=True, timeout=240, check=False, cwd=report.parent
    )


def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(app, live_server, tmp_path):  # noqa: F811
    _seed()
    with urllib.request.urlopen(f"{live_server.url}/api/v1/openapi.json", timeout=10) as answer:
        document = json.load(answer)
    operations = sum(len(methods) for methods in document["paths"].values())
    run = _schemathesis(live_server.url, tmp_path / "report")
    cases = re.findall(r"^\s*(\d+ generated.*)$", run.stdout, re.MULTILINE)
    print(f"schemathesis: {operations} operations; test cases: {cases[-1] if cases else '?'}")
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
