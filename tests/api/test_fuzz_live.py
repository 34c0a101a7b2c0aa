"""schemathesis over every operation of openapi.json against a live gunicorn.

Run twice: anonymously (the pages' own refusals and validation must answer, never a 5xx) and
with a read+write token of an organisation's administrator, so the writes and the private
reads run past their permission checks into the services. Every response is checked against
the schema it documents; the operation and case counts are printed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

from sqlalchemy import func, select

from covenant_hub.accounts import api_tokens
from covenant_hub.extensions import db
from covenant_hub.forum.models import Post
from covenant_hub.library.models import Practice
from covenant_hub.matching import workflow
from covenant_hub.matching.models import MatchRequest
from covenant_hub.orgs.models import Membership
from tests.e2e.conftest import live_server  # noqa: F401  (the gunicorn fixture)
from tests.factories import make_group, make_group_member, make_org, make_practice, make_thread, make_user
from tests.matching.test_workflow import request_input, seed

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
MAX_EXAMPLES = "10"  # both runs together stay within about three minutes on two shared cores
TOKEN_VARIABLE = "COVENANT_FUZZ_TOKEN"  # the secret reaches schemathesis by its environment only

# With a token, known ids are offered now and then, so generated writes name a real
# organisation, practice, thread, request or invitation of the token's owner.
TOKEN_CONFIG = """\
headers = {{ Authorization = "Bearer ${{{variable}}}" }}

[dictionaries.orgs]
values = {orgs}

[dictionaries.ids]
values = {ids}

[dictionaries.numbers]
values = {numbers}

[dictionaries.languages]
values = ["ru", "ky", "en"]

[dictionaries.zones]
values = ["Asia/Bishkek", "UTC"]

[dictionaries.titles]
values = ["Street lighting in Kant", "Energy audit days"]

[parameters]
"body.language" = {{ dictionary = "languages", probability = 0.6 }}
"body.timezone" = {{ dictionary = "zones", probability = 0.6 }}
"body.title" = {{ dictionary = "titles", probability = 0.6 }}
"body.org" = {{ dictionary = "orgs", probability = 0.6 }}
"body.organiser" = {{ dictionary = "orgs", probability = 0.6 }}
"path.external_id" = {{ dictionary = "ids", probability = 0.6 }}
"path.request_id" = {{ dictionary = "numbers", probability = 0.6 }}
"path.invitation_id" = {{ dictionary = "numbers", probability = 0.6 }}

# The writes on an existing object always name one the owner may write to.
[[operations]]
include-path = "/api/v1/practices/{{external_id}}"
include-method = "PUT"
parameters = {{ "path.external_id" = "{draft}" }}

[[operations]]
include-path = "/api/v1/threads/{{external_id}}/posts"
include-method = "POST"
parameters = {{ "path.external_id" = "{thread}" }}

[[operations]]
include-path = "/api/v1/invitations/{{invitation_id}}/answer"
include-method = "POST"
parameters = {{ "path.invitation_id" = {invitation} }}
"""


def _seed_public() -> None:
    city = make_org(external_id="bishkek", name="Bishkek")
    make_practice(org=city, title="LED street lights", language="ru")
    make_thread(make_group(join_policy="open"), title="Heat pumps")


def _seed_owner(folder: Path) -> str:
    """An administrator of the city Kant (a practice, a draft, a group's thread, a match request)
    and of an organisation invited by a neighbour; writes the run's config, gives the secret."""
    orgs = seed()
    city, neighbour = orgs["city"], orgs["neighbours"][0]
    owner = make_user(org=city, org_role="org_admin")
    asker = make_user(org=neighbour, org_role="org_admin")
    asked = workflow.file_request(neighbour, asker, request_input())
    helper = asked.proposals[0].candidate  # the owner also administers the first one proposed
    db.session.add(Membership(user=owner, organisation=helper, role="org_admin"))
    db.session.commit()
    [invitation] = workflow.invite(asked, asker, [helper.id], "Can you help?")
    request = workflow.file_request(city, owner, request_input())
    published = make_practice(org=city, title="LED street lights in Kant", language="ru")
    draft = make_practice(org=city, title="Heat pumps in schools", language="ru", state="draft")
    group = make_group(join_policy="open")
    make_group_member(group, owner)
    thread = make_thread(group, author=owner, title="Heat pumps")
    config = TOKEN_CONFIG.format(
        variable=TOKEN_VARIABLE,
        orgs=json.dumps(["kant", helper.external_id]),
        ids=json.dumps(
            ["kant", helper.external_id, published.external_id, draft.external_id, thread.external_id]
        ),
        numbers=json.dumps([request.id, asked.id, invitation.id]),
        draft=draft.external_id,
        thread=thread.external_id,
        invitation=invitation.id,
    )
    (folder / "schemathesis.toml").write_text(config, encoding="utf-8")
    return api_tokens.create_token(owner, "fuzz", write=True, days=30).secret


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _operations(url: str) -> int:
    with urllib.request.urlopen(f"{url}/api/v1/openapi.json", timeout=10) as answer:
        document = json.load(answer)
    return sum(len(methods) for methods in document["paths"].values())


def _schemathesis(url: str, folder: Path, secret: str = "") -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{url}/api/v1/openapi.json", "--url", url,
        "--checks", CHECKS, "--max-examples", MAX_EXAMPLES, "--generation-deterministic", "--workers", "1",
        "--phases", "examples,coverage,fuzzing", "--report", "junit", "--report-dir", str(folder / "report"),
        "--request-timeout", "20", "--suppress-health-check", "all",
    ]  # fmt: skip
    env = {**os.environ, TOKEN_VARIABLE: secret}
    # Run from the test's folder: schemathesis reads schemathesis.toml there and keeps its
    # .schemathesis/ cache there, out of the work tree.
    return subprocess.run(
        command, capture_output=True, text=True, timeout=240, check=False, cwd=folder, env=env
    )


def _report(label: str, operations: int, run: subprocess.CompletedProcess[str]) -> None:
    cases = re.findall(r"^\s*(\d+ generated.*)$", run.stdout, re.MULTILINE)
    print(f"schemathesis {label}: {operations} operations; test cases: {cases[-1] if cases else '?'}")


def test_schemathesis_anonymous_finds_no_server_error_and_no_schema_mismatch(app, live_server, tmp_path):  # noqa: F811
    _seed_public()
    run = _schemathesis(live_server.url, tmp_path)
    _report("anonymous", _operations(live_server.url), run)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]


def test_schemathesis_with_a_write_token_finds_no_server_error_nor_mismatch(app, live_server, tmp_path):  # noqa: F811
    secret = _seed_owner(tmp_path)
    run = _schemathesis(live_server.url, tmp_path, secret)
    _report("with a read+write token", _operations(live_server.url), run)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert secret not in run.stdout + run.stderr
    # The run got past the permission checks: its writes reached the services.
    db.session.expire_all()
    assert _count(MatchRequest) > 2 and _count(Post) > 1 and _count(Practice) > 3
