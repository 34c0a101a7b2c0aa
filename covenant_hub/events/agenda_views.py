"""Agenda pages: upcoming and past lists, month view, event page, editor, iCalendar."""

from __future__ import annotations

import re

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from covenant_hub.clock import utcnow
from covenant_hub.errors import call_service
from covenant_hub.events import ical, labels, permissions, queries, services
from covenant_hub.events.blueprint import bp
from covenant_hub.events.forms import ActionForm, EventForm
from covenant_hub.events.models import Event
from covenant_hub.events.synergies import synergies_for
from covenant_hub.extensions import db
from covenant_hub.orgs.models import Organisation
from covenant_hub.urls import public_url
from covenant_hub.vocabularies import country_name

ICS_MIMETYPE = "text/calendar; charset=utf-8"


def _event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or not permissions.can_view_event(current_user, event):
        abort(404)
    return event


def _countries() -> list[tuple[str, str]]:
    """Organisers' countries named in the page's language, for the country filter."""
    return sorted(
        ((code, country_name(code)) for code in queries.organiser_countries()), key=lambda pair: pair[1]
    )


def _list_page(template_events: list[Event], filters: queries.EventFilters, past: bool) -> str:
    return render_template(
        "events/list.html",
        events=template_events,
        filters=filters,
        past=past,
        countries=_countries(),
        can_create=permissions.can_create_event(current_user),
    )


@bp.route("/events/")
def list_events() -> str:
    """Upcoming events (under way included), soonest first, with filters."""
    filters = queries.EventFilters.from_args(request.args)
    return _list_page(queries.upcoming_events(filters), filters, past=False)


@bp.route("/events/past")
def past_events() -> str:
    filters = queries.EventFilters.from_args(request.args)
    return _list_page(queries.past_events(filters), filters, past=True)


@bp.route("/events/month")
@bp.route("/events/month/<id:year>-<id:month>")
def month_view(year: int | None = None, month: int | None = None) -> str:
    """A calendar grid of one month; without a month, the current one."""
    today = utcnow().date()
    year, month = (year or today.year), (month or today.month)
    if not (1 <= month <= 12 and 1900 < year < 3000):
        abort(404)
    filters = queries.EventFilters.from_args(request.args)
    grid = queries.month_grid(year, month, filters)
    return render_template(
        "events/month.html",
        grid=grid,
        filters=filters,
        today=today,
        countries=_countries(),
        title=labels.month_title(year, month),
    )


@bp.route("/events/<id:event_id>")
def show_event(event_id: int) -> str:
    event = _event_or_404(event_id)
    return render_template(
        "events/show.html",
        event=event,
        synergies=synergies_for(event),
        can_edit=permissions.can_edit_event(current_user, event),
        action_form=ActionForm(),
    )


def _organiser_choices() -> list[tuple[int, str]]:
    """Staff may name any supporter, coordinator or office (or none); others their supporters."""
    own = [(org.id, org.name) for org in permissions.writable_orgs(current_user)]
    if not current_user.is_staff:
        return own
    query = (
        db.select(Organisation.id, Organisation.name)
        .where(Organisation.kind.in_(("supporter", "coordinator", "office")))
        .order_by(Organisation.name)
    )
    return [(0, _("Covenant Hub team")), *[(row.id, row.name) for row in db.session.execute(query)]]


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def new_event():
    if not permissions.can_create_event(current_user):
        abort(403)
    form = EventForm(organisers=_organiser_choices())
    if form.validate_on_submit():
        event = call_service(services.create_event, form.to_input()).value
        if event is not None:
            flash(_("Draft saved. Publish it when it is ready."), "success")
            return redirect(url_for("events.show_event", event_id=event.id))
    return render_template("events/form.html", form=form, event=None)


@bp.route("/events/<id:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_event(event_id: int):
    event = _event_or_404(event_id)
    if not permissions.can_edit_event(current_user, event):
        abort(403)
    form = EventForm(obj=event if request.method == "GET" else None, organisers=_organiser_choices())
    if request.method == "GET":
        form.starts.data = event.starts_local.replace(tzinfo=None)
        form.ends.data = event.ends_local.replace(tzinfo=None)
        form.organiser_id.data = event.organiser_id or 0
    if form.validate_on_submit() and call_service(services.update_event, event, form.to_input()):
        flash(_("Changes saved."), "success")
        return redirect(url_for("events.show_event", event_id=event.id))
    return render_template("events/form.html", form=form, event=event)


@bp.route("/events/<id:event_id>/publish", methods=["POST"])
@login_required
def publish_event(event_id: int) -> Response:
    event = _event_or_404(event_id)
    state = "draft" if request.form.get("withdraw") else "published"
    if ActionForm().validate_on_submit() and call_service(services.set_event_state, event, state):
        flash(
            _("The event is published.") if state == "published" else _("The event is back to draft."),
            "success",
        )
    return redirect(url_for("events.show_event", event_id=event.id))


def _ics(events: list[Event], name: str, filename: str) -> Response:
    links = {event.id: public_url("events.show_event", event_id=event.id) for event in events}
    response = Response(ical.build_calendar(events, links, name), mimetype="text/calendar")
    response.headers["Content-Type"] = ICS_MIMETYPE
    # Imported external ids are free text: keep quotes and line breaks out of the header.
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "_", filename)
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    return response


@bp.route("/events/<id:event_id>.ics")
def event_ics(event_id: int) -> Response:
    event = _event_or_404(event_id)
    if event.state != "published":
        abort(404)
    return _ics([event], event.title, f"{event.external_id}.ics")


@bp.route("/events/agenda.ics")
def agenda_ics() -> Response:
    """Every upcoming event plus the 50 latest past ones, for calendar subscriptions."""
    events = queries.past_events(limit=50)[::-1] + queries.upcoming_events(limit=500)
    return _ics(events, _("Covenant Hub agenda"), "covenant-hub-agenda.ics")
