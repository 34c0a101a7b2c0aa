"""Who is told about which programme step, and what they read (worded in their language)."""

from __future__ import annotations

from flask_babel import gettext as _

from covenant_hub.orgs.models import Organisation
from covenant_hub.programme.models import MemberFeedback, SupporterApplication, Suspension
from covenant_hub.programme.notify import (
    Notice,
    admin_users,
    member_org_users,
    notify,
    org_users,
    staff_users,
)


def _applicant(application: SupporterApplication) -> list:
    return [application.user] if application.user is not None else []


def _application_notice(application: SupporterApplication, kind: str, subject, body) -> Notice:
    return Notice(
        subject,
        body,
        "programme.show_application",
        {"application_id": application.id},
        kind=kind,
        name=application.network_name,
    )


def application_submitted(application: SupporterApplication) -> None:
    name = application.network_name
    notify(
        _applicant(application),
        _application_notice(
            application,
            "prog_received",
            lambda: _("We received the application of %(name)s", name=name),
            lambda: _(
                "Thank you. Staff of the Covenant of Mayors Office will review the eligibility "
                "of %(name)s and tell you their decision.",
                name=name,
            ),
        ),
    )
    notify(
        staff_users(),
        _application_notice(
            application,
            "prog_new_app",
            lambda: _("New supporter application: %(name)s", name=name),
            lambda: _(
                "%(name)s applied to become a Covenant Supporter. Please review its eligibility.", name=name
            ),
        ),
    )


def application_decided(application: SupporterApplication) -> None:
    """Accepted, rejected or asked for more: the applicant reads what staff wrote."""
    name, state = application.network_name, application.state
    texts = {
        "accepted": (
            lambda: _("%(name)s is eligible to become a Covenant Supporter", name=name),
            lambda: _(
                "Staff found %(name)s eligible. Please complete the agreement form "
                "and acknowledge the six commitments.",
                name=name,
            ),
        ),
        "rejected": (
            lambda: _("Decision on the application of %(name)s", name=name),
            lambda: _(
                "Staff found %(name)s not eligible. Reason: %(reason)s",
                name=name,
                reason=application.rejection_reason or "",
            ),
        ),
        "info_requested": (
            lambda: _("More information needed for %(name)s", name=name),
            lambda: _("Staff ask: %(question)s", question=application.info_request or ""),
        ),
    }
    kinds = {"accepted": "prog_accepted", "rejected": "prog_rejected", "info_requested": "prog_info"}
    subject, body = texts[state]
    notify(_applicant(application), _application_notice(application, kinds[state], subject, body))


def application_answered(application: SupporterApplication) -> None:
    name = application.network_name
    notify(
        staff_users(),
        _application_notice(
            application,
            "prog_answered",
            lambda: _("%(name)s answered your question", name=name),
            lambda: _("The application of %(name)s is waiting for review again.", name=name),
        ),
    )


def agreement_completed(application: SupporterApplication) -> None:
    name = application.network_name
    notify(
        staff_users() + admin_users(),
        _application_notice(
            application,
            "prog_agreement",
            lambda: _("%(name)s completed the supporter agreement", name=name),
            lambda: _(
                "%(name)s acknowledged the six commitments. An administrator can now record "
                "the signed agreement.",
                name=name,
            ),
        ),
    )


def supporter_live(application: SupporterApplication, org: Organisation) -> None:
    name = org.name
    notice = Notice(
        lambda: _("%(name)s is now a Covenant Supporter", name=name),
        lambda: _(
            "The signed agreement is recorded and the profile of %(name)s is "
            "live. List the services you offer your members.",
            name=name,
        ),
        "programme.manage_services",
        {"external_id": org.external_id},
        kind="prog_live",
        name=name,
    )
    notify(_applicant(application) + staff_users(), notice)


def supporter_suspended(org: Organisation, suspension: Suspension) -> None:
    name, reason = org.name, suspension.reason
    notice = Notice(
        lambda: _("%(name)s is suspended as a Covenant Supporter", name=name),
        lambda: _(
            "%(name)s is suspended from the supporter programme. Reason: %(reason)s", name=name, reason=reason
        ),
        "orgs.view_profile",
        {"external_id": org.external_id},
        kind="prog_suspended",
        name=name,
    )
    notify(org_users(org) + member_org_users(org) + staff_users(), notice)


def supporter_reinstated(org: Organisation) -> None:
    name = org.name
    notice = Notice(
        lambda: _("%(name)s is reinstated as a Covenant Supporter", name=name),
        lambda: _("The suspension of %(name)s has ended.", name=name),
        "orgs.view_profile",
        {"external_id": org.external_id},
        kind="prog_reinstated",
        name=name,
    )
    notify(org_users(org) + member_org_users(org) + staff_users(), notice)


def feedback_given(feedback: MemberFeedback) -> None:
    supporter, member = feedback.supporter.name, feedback.member.name
    notice = Notice(
        lambda: _("%(supporter)s gave official feedback on %(member)s", supporter=supporter, member=member),
        lambda: _("Read the feedback and choose whether it shows on your public profile."),
        "programme.show_feedback",
        {"external_id": feedback.member.external_id},
        kind="prog_feedback",
        name=member,
    )
    notify(org_users(feedback.member), notice, actor=supporter)
