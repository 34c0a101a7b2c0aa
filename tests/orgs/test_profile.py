"""Profile pages: fields with translated labels, members of networks, links."""

from __future__ import annotations

from datetime import date

from tests.factories import make_link, make_org


def page(client, org, query=""):
    response = client.get(f"/orgs/{org.external_id}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_profile_shows_every_field(client, app):
    org = make_org(
        name="Naryn",
        city="Naryn",
        population=41000,
        joined=date(2021, 9, 10),
        commitments=["2030", "adaptation"],
        sectors=["local_heat_cold"],
        languages=["ky"],
        description="Нарын — бийик тоолуу шаар.",
        needs="Үйлөрдү жылуулоо",
        offers="Суу башкаруу",
        website="https://example.org/naryn",
        lat=41.4287,
        lon=75.9911,
    )
    html = page(client, org, "?lang=en")
    for text in (
        "Naryn",
        "Signatory",
        "Kyrgyzstan",
        "41,000",
        "2030 target",
        "Adaptation",
        "Local heating and cooling",
        "Kyrgyz",
        "Нарын — бийик тоолуу шаар.",
        "Үйлөрдү жылуулоо",
        "Суу башкаруу",
        'href="https://example.org/naryn"',
    ):
        assert text in html, text
    assert "sample content" not in html
    assert "41.4287" not in html and "75.9911" not in html  # no raw coordinates
    assert org.external_id not in html.split('id="main"')[1].replace(f"/orgs/{org.external_id}", "")


def test_user_text_is_escaped(client, app):
    org = make_org(description="<script>alert(1)</script>")
    html = page(client, org)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_sample_badge(client, app):
    assert "sample content" in page(client, make_org(is_sample=True))


def test_unknown_org_is_404(client, app):
    assert client.get("/orgs/nobody").status_code == 404
    assert client.get("/orgs/nobody/edit").status_code == 404


def test_supporter_lists_its_members_in_pages(client, app):
    app.config["ORGS_PER_PAGE"] = 2
    supporter = make_org(kind="supporter", name="Union")
    for name in ("Alba", "Bra", "Cuneo"):
        make_link(make_org(name=name), supporter, "supported_by", since=date(2015, 1, 1))
    make_link(make_org(name="Not a member"), supporter, "exchange")
    first = page(client, supporter)
    assert "3 members" in first and "Alba" in first and "Bra" in first and "Cuneo" not in first
    second = page(client, supporter, "?page=2")
    assert (
        "Cuneo" in second and "Alba" not in second and "Not a member" not in second.split('id="members"')[1]
    )


def test_coordinator_lists_its_members(client, app):
    coordinator = make_org(kind="coordinator", name="Region")
    make_link(make_org(name="Member town"), coordinator, "coordinated_by")
    html = page(client, coordinator)
    assert "1 member" in html and "Member town" in html


def test_signatory_shows_its_supporter_coordinator_and_partners(client, app):
    town = make_org(name="Tokmok")
    make_link(town, make_org(kind="supporter", name="Energy centre"), "supported_by", since=date(2021, 9, 10))
    make_link(town, make_org(kind="coordinator", name="National coordinator"), "coordinated_by")
    make_link(make_org(name="Almaty"), town, "exchange", topic="Electric buses")
    html = page(client, town, "?lang=en")
    for text in (
        "Supported by",
        "Energy centre",
        "Coordinated by",
        "National coordinator",
        "Experience exchange",
        "Almaty",
        "Electric buses",
    ):
        assert text in html, text
