"""The demo data (GCoM + sample folder) never lists an organisation twice."""

from __future__ import annotations

import json

import pytest
from lxml import html

from covenant_hub.demo import GCOM_FILE, GCOM_RECORDS_IN_SAMPLES, SAMPLE_DIR
from covenant_hub.orgs.gcom import read_gcom


@pytest.fixture(scope="module")
def gcom_names() -> dict[str, tuple[str, str | None]]:
    dataset = read_gcom(GCOM_FILE)
    return {s.external_id: (s.name, s.country) for s in dataset.signatories}


def _sample_lines(name: str) -> list[dict]:
    return [json.loads(line) for line in (SAMPLE_DIR / name).read_text(encoding="utf-8").splitlines() if line]


def test_no_sample_organisation_repeats_a_gcom_signatory(gcom_names):
    real = {(name.casefold(), country) for name, country in gcom_names.values()}
    repeated = [o["id"] for o in _sample_lines("organisations.jsonl")
                if (o["name"].casefold(), o.get("country")) in real]  # fmt: skip
    assert repeated == []


def test_sample_records_name_the_gcom_records_by_their_ids(gcom_names):
    text = "".join(
        (SAMPLE_DIR / name).read_text(encoding="utf-8")
        for name in ("links.jsonl", "practices.jsonl", "threads.jsonl")
    )
    for external_id, name in GCOM_RECORDS_IN_SAMPLES.items():
        assert gcom_names[external_id][0] == name
        assert f'"{external_id}"' in text
    assert "sample-osh" not in text and "sample-talas" not in text


@pytest.mark.slow
def test_directory_shows_one_osh_and_one_talas_after_the_demo_load(app, client):
    from covenant_hub.demo import load_demo_data

    assert load_demo_data().startswith("Demo data loaded")
    for name in ("Osh", "Talas"):
        body = client.get(f"/orgs/?q={name}&country=kg").get_data(as_text=True)
        links = html.fromstring(body).xpath(f"//a[normalize-space(text())='{name}']/@href")
        assert links == [f"/orgs/{next(k for k, v in GCOM_RECORDS_IN_SAMPLES.items() if v == name)}"]
    osh = client.get("/orgs/gcom-kg0004").get_data(as_text=True)
    assert "/practices/" in osh  # the sample practices now belong to the real record
