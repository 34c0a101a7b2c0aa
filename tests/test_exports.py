"""Exports a person can open (CSV and XLSX) and conditional GET on feeds, calendars, the
sitemap and exports: a client whose copy is current gets 304 without the body."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from covenant_hub.extensions import db
from tests.factories import make_event, make_link, make_news, make_org, make_practice

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # so that Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(response) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def directory(app):
    make_org(
        name="Бишкек", external_id="bishkek", kind="signatory", population=1_100_000, sectors=["buildings"]
    )
    make_org(name="Ош", external_id="osh", kind="candidate", population=320_000)
    make_org(name='=HYPERLINK("http://evil.example")', external_id="evil", kind="signatory")


def test_the_directory_exports_with_its_filters(client, directory):
    response = client.get("/orgs/export.csv?kind=signatory&sort=population")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="covenant-hub-directory.csv"' in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:3] == ["Identifier", "Name", "Kind"]
    assert [row[0] for row in rows[1:]] == ["bishkek", "evil"]  # no candidate; by population
    assert rows[1][6] == "1100000" and rows[1][-1].endswith("/orgs/bishkek")
    assert rows[2][1].startswith("'=")  # a formula would run in the reader's spreadsheet


def test_the_directory_exports_as_xlsx_in_the_readers_language(client, directory):
    response = client.get("/orgs/export.xlsx?q=Ош", headers={"Accept-Language": "ru"})
    assert response.status_code == 200 and response.mimetype == XLSX
    rows = read_xlsx(response)
    assert rows[0][1] != "Name"  # the header is translated
    assert [row[0] for row in rows[1:]] == ["osh"] and rows[1][6] == 320_000


def test_a_bad_filter_or_format_exports_nothing(client, directory):
    assert client.get("/orgs/export.csv?kind=moon").status_code == 400
    assert client.get("/orgs/export.pdf").status_code == 404


def test_a_networks_members_export(client, app):
    network = make_org(kind="supporter", external_id="network", name="Network")
    for name in ("Кант", "Токмок"):
        make_link(make_org(name=name), network, kind="supported_by")
    rows = read_csv(client.get("/orgs/network/members.csv"))
    assert [row[1] for row in rows[1:]] == ["Кант", "Токмок"]
    assert read_xlsx(client.get("/orgs/network/members.xlsx"))[2][1] == "Токмок"
    assert client.get("/orgs/nowhere/members.csv").status_code == 404
    page = client.get("/orgs/network").get_data(as_text=True)
    assert "/orgs/network/members.csv" in page and "/orgs/network/members.xlsx" in page


def test_the_practice_list_exports_what_it_shows(client, app):
    make_practice(title="LED street lighting", co2_t_per_year=120.5)
    make_practice(title="Hidden draft", state="draft")
    response = client.get("/practices/export.xlsx?sort=title")
    rows = read_xlsx(response)
    assert [row[1] for row in rows[1:]] == ["LED street lighting"]
    assert 120.5 in rows[1]
    page = client.get("/practices/?sort=title").get_data(as_text=True)
    assert "/practices/export.csv?sort=title" in page


@pytest.mark.parametrize(
    "path",
    [
        "/orgs/export.csv",
        "/orgs/export.xlsx",
        "/feeds/news.rss",
        "/feeds/agenda.atom",
        "/events/agenda.ics",
        "/sitemap.xml",
    ],
)
def test_an_unchanged_resource_answers_304(client, directory, path):
    make_news()
    make_event()
    first = client.get(path)
    assert first.status_code == 200, path
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(path).headers["ETag"] == etag  # the same content gives the same tag


def test_a_changed_export_gets_a_new_etag(client, directory):
    etag = client.get("/orgs/export.xlsx").headers["ETag"]
    make_org(name="Каракол")
    db.session.commit()
    changed = client.get("/orgs/export.xlsx", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_a_feed_not_modified_since_its_newest_item_answers_304(client, app):
    make_news()
    first = client.get("/feeds/news.rss")
    since = first.headers["Last-Modified"]
    assert client.get("/feeds/news.rss", headers={"If-Modified-Since": since}).status_code == 304
    assert (
        client.get(
            "/feeds/news.rss", headers={"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"}
        ).status_code
        == 200
    )
