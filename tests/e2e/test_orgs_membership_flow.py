"""In the browser, in Kyrgyz: a person claims Osh (their address is on Osh's domain), staff
approve, the new admin edits the profile and answers a match invitation; a second person asks to
join and the new admin accepts; an invitation to Talas, which has no admin, reaches its
supporter's admin, who answers it."""

from __future__ import annotations

from playwright.sync_api import expect

from covenant_hub.extensions import db
from covenant_hub.matching.models import Invitation, MatchRequest
from tests.e2e.steps import log_in
from tests.factories import make_link, make_org, make_user


def _seed() -> dict:
    osh = make_org(external_id="osh", name="Ош", email_domain="oshcity.kg", languages=["ky", "ru"])
    talas = make_org(external_id="talas", name="Талас", languages=["ky"])
    network = make_org(external_id="network", name="Шаарлар тармагы", kind="supporter", languages=["ky"])
    kant = make_org(external_id="kant", name="Кант", languages=["ky"])
    make_link(talas, network, "supported_by")
    kant_admin = make_user(org=kant, org_role="org_admin", language="ky", name="Айнура")
    people = {
        "claimant": make_user(language="ky", name="Бакыт", email="mayor@oshcity.kg"),
        "joiner": make_user(language="ky", name="Гүлзат"),
        "staff": make_user(role="staff", language="ky", name="Кызматкер"),
        "steward": make_user(org=network, org_role="org_admin", language="ky", name="Марат"),
    }
    request = MatchRequest(
        org_id=kant.id, created_by_id=kant_admin.id, text="Көчө жарыгын LED менен алмаштыруу"
    )
    db.session.add(request)
    db.session.flush()
    for invitee in (osh, talas):
        db.session.add(Invitation(request_id=request.id, invitee_id=invitee.id, message="Жардам бересизби?"))
    emails = {name: user.email for name, user in people.items()}
    db.session.commit()  # end the transaction: the server must be free to write
    return emails


def test_claim_approve_edit_answer_join_and_routed_invitation(app, live_server, page) -> None:
    base = live_server.url
    emails = _seed()
    flash = page.locator("p.flash-success")

    log_in(page, base, emails["claimant"])
    assert page.get_attribute("html", "lang") == "ky"
    page.goto(f"{base}/orgs/osh")
    page.click("main .join-links a[href*='role=org_admin']")
    expect(page.locator("main .claim-evidence")).to_be_visible()
    expect(page.locator("input[name=role][value=org_admin]")).to_be_checked()
    page.fill("textarea[name=message]", "Мен Ош шаарынын мэриясында иштейм.")
    page.click("main form [type=submit]")
    expect(flash).to_contain_text("Өтүнүчүңүз жөнөтүлдү")

    log_in(page, base, emails["staff"])
    page.goto(f"{base}/staff/claims")
    item = page.locator("li.membership-request", has_text="Бакыт")
    expect(item).to_contain_text("расмий домендеги дарек")
    item.locator("button[value=accept]").click()
    expect(flash).to_be_visible()

    log_in(page, base, emails["claimant"])
    page.goto(f"{base}/orgs/osh")
    page.click("main a[href='/orgs/osh/edit']")
    page.fill("textarea[name=description]", "Ош — Кыргызстандын түштүгүндөгү шаар.")
    page.click("main form [type=submit]")
    expect(page.locator("main .text-block").first).to_contain_text("түштүгүндөгү")
    page.goto(f"{base}/matching/")
    page.locator("#incoming-invitations a", has_text="Ош").click()
    page.fill("#answer-form textarea[name=message]", "Кубаныч менен!")
    page.click("#answer-form input[name=accept]")
    expect(page.locator("h1 .match-state-accepted")).to_have_count(1)

    log_in(page, base, emails["joiner"])
    page.goto(f"{base}/orgs/osh/join")
    page.click("main form [type=submit]")
    expect(flash).to_be_visible()

    log_in(page, base, emails["claimant"])
    page.goto(f"{base}/orgs/osh/requests")
    page.locator("li.membership-request", has_text="Гүлзат").locator("button[value=accept]").click()
    expect(flash).to_be_visible()
    page.goto(f"{base}/orgs/osh/members")
    expect(page.locator("table.members")).to_contain_text("Гүлзат")

    log_in(page, base, emails["steward"])
    page.goto(f"{base}/matching/")
    page.locator("#incoming-invitations a", has_text="Талас").click()
    page.fill("#answer-form textarea[name=message]", "Талас үчүн биз жооп беребиз.")
    page.click("#answer-form input[name=accept]")
    expect(page.locator("h1 .match-state-accepted")).to_have_count(1)
