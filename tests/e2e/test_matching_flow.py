"""In the browser, as new users would: a city admin who reads Russian files a match request in
Russian, reads the reasons in Russian, sees the network picture and invites a supporter; the
supporter's admin logs in, finds the invitation and accepts; the exchange shows on both profiles."""

from __future__ import annotations

from covenant_hub.extensions import db
from tests.e2e.steps import log_in
from tests.factories import make_link, make_org, make_user

BISHKEK = (42.87, 74.59)


def _seed() -> dict:
    city = make_org(
        external_id="kant",
        name="Кант",
        lat=BISHKEK[0] + 0.05,
        lon=BISHKEK[1] + 0.4,
        languages=["ru", "ky"],
        sectors=["public_lighting"],
        population=25_000,
    )
    supporter = make_org(
        external_id="energy-agency",
        name="Энергетическое агентство",
        kind="supporter",
        lat=BISHKEK[0],
        lon=BISHKEK[1],
        languages=["ru", "ky"],
        sectors=["public_lighting"],
        offers="Помогаем городам заменить уличное освещение на светодиодные лампы.",
    )
    coordinator = make_org(
        external_id="chui",
        name="Чуйская область",
        kind="coordinator",
        lat=BISHKEK[0],
        lon=BISHKEK[1],
        languages=["ru"],
    )
    for number in range(4):
        town = make_org(
            name=f"Сосед {number}",
            lat=BISHKEK[0] + 0.04 * number,
            lon=BISHKEK[1] + 0.1,
            languages=["ru"],
            sectors=["public_lighting"],
        )
        make_link(town, supporter, "supported_by")
        make_link(town, coordinator, "coordinated_by")
    make_link(city, coordinator, "coordinated_by")
    city_admin = make_user(org=city, org_role="org_admin", language="ru", name="Айнура")
    supporter_admin = make_user(org=supporter, org_role="org_admin", language="ru", name="Марат")
    emails = {"city_admin": city_admin.email, "supporter_admin": supporter_admin.email}
    db.session.commit()  # end the read transaction: the server must be free to write
    return emails


def test_city_files_request_in_russian_and_supporter_accepts(app, live_server, page) -> None:
    base = live_server.url
    seeded = _seed()

    log_in(page, base, seeded["city_admin"])
    assert page.get_attribute("html", "lang") == "ru", page.inner_text("main")
    page.goto(f"{base}/orgs/kant")
    page.click("main a[href$='/matching/orgs/kant/requests/new']")
    page.fill("textarea[name=text]", "Мы хотим заменить уличное освещение в городе светодиодными лампами.")
    page.check("input[name=kinds][value=supporter]")
    page.fill("input[name=languages]", "ru")
    page.fill("input[name=max_km]", "200")
    page.click("main form.match-request-form [type=submit]")
    page.wait_for_load_state()

    proposal = page.locator("#proposal-energy-agency")
    assert "Энергетическое агентство" in proposal.inner_text()
    reasons = proposal.locator(".match-reasons").inner_text()
    assert "км от вас" in reasons, reasons
    assert "Соответствует вашим потребностям" in reasons, reasons
    assert page.locator("svg.match-network").count() == 1
    assert "Энергетическое агентство" in page.locator("svg.match-network").inner_html()

    proposal.locator("input[name=candidates]").check()
    page.fill("#invite-form textarea[name=message]", "Здравствуйте! Поможете нам с освещением?")
    page.click("#invite-form [type=submit]")
    page.wait_for_load_state()
    assert page.locator("#proposal-energy-agency .match-state-pending").count() == 1

    log_in(page, base, seeded["supporter_admin"])
    page.click("nav a[href='/matching/']")
    page.click("#incoming-invitations a")
    assert "Поможете нам с освещением?" in page.inner_text("main")
    page.fill("#answer-form textarea[name=message]", "С удовольствием!")
    page.click("#answer-form input[name=accept]")
    page.wait_for_load_state()
    assert page.locator("h1 .match-state-accepted").count() == 1

    page.goto(f"{base}/orgs/energy-agency")
    assert "Кант" in page.inner_text("ul.partners")
    log_in(page, base, seeded["city_admin"])
    page.goto(f"{base}/orgs/kant")
    partners = page.inner_text("ul.partners")
    assert "Энергетическое агентство" in partners and "светодиодными" in partners
    page.click("nav a[href='/account/notifications']")
    assert "Энергетическое агентство" in page.inner_text("main")
