"""News pages: list, item page, editor, publish, and the drafts desk of an editor."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from covenant_hub.errors import call_service
from covenant_hub.events import permissions, queries, services
from covenant_hub.events.blueprint import bp
from covenant_hub.events.forms import ActionForm, NewsForm
from covenant_hub.events.models import NewsItem
from covenant_hub.extensions import db
from covenant_hub.inputs import page_arg

NEWS_PER_PAGE = 20


def _news_or_404(news_id: int) -> NewsItem:
    item = db.session.get(NewsItem, news_id)
    if item is None or not permissions.can_view_news(current_user, item):
        abort(404)
    return item


@bp.route("/news/")
def list_news() -> str:
    page = page_arg()
    language = request.args.get("language", "")
    language = language if len(language) == 2 and language.isalpha() else ""
    items = queries.published_news(NEWS_PER_PAGE + 1, (page - 1) * NEWS_PER_PAGE, language)
    return render_template(
        "events/news_list.html",
        items=items[:NEWS_PER_PAGE],
        page=page,
        has_next=len(items) > NEWS_PER_PAGE,
        language=language,
        can_create=permissions.can_create_news(current_user),
    )


@bp.route("/news/<id:news_id>")
def show_news(news_id: int) -> str:
    item = _news_or_404(news_id)
    return render_template(
        "events/news_show.html",
        item=item,
        action_form=ActionForm(),
        can_edit=permissions.can_edit_news(current_user, item),
    )


def _publisher_choices() -> list[tuple[int, str]]:
    own = [(org.id, org.name) for org in permissions.writable_orgs(current_user)]
    return [(0, _("Covenant Hub team")), *own] if current_user.is_staff else own


@bp.route("/news/new", methods=["GET", "POST"])
@login_required
def new_news():
    if not permissions.can_create_news(current_user):
        abort(403)
    form = NewsForm(publishers=_publisher_choices())
    if form.validate_on_submit():
        item = call_service(services.create_news, form.to_input()).value
        if item is not None:
            flash(_("Draft saved. Publish it when it is ready."), "success")
            return redirect(url_for("events.show_news", news_id=item.id))
    return render_template("events/news_form.html", form=form, item=None)


@bp.route("/news/<id:news_id>/edit", methods=["GET", "POST"])
@login_required
def edit_news(news_id: int):
    item = _news_or_404(news_id)
    if not permissions.can_edit_news(current_user, item):
        abort(403)
    choices = _publisher_choices()
    if item.org_id and item.org_id not in dict(choices):  # staff editing a supporter's item
        choices.append((item.org_id, item.organisation.name))
    form = NewsForm(obj=item if request.method == "GET" else None, publishers=choices)
    if request.method == "GET":
        form.org_id.data = item.org_id or 0
    if form.validate_on_submit() and call_service(services.update_news, item, form.to_input()):
        flash(_("Changes saved."), "success")
        return redirect(url_for("events.show_news", news_id=item.id))
    return render_template("events/news_form.html", form=form, item=item)


@bp.route("/news/<id:news_id>/publish", methods=["POST"])
@login_required
def publish_news(news_id: int) -> Response:
    item = _news_or_404(news_id)
    state = "draft" if request.form.get("withdraw") else "published"
    if ActionForm().validate_on_submit() and call_service(services.set_news_state, item, state):
        flash(
            _("The news item is published.")
            if state == "published"
            else _("The news item is back to draft."),
            "success",
        )
    return redirect(url_for("events.show_news", news_id=item.id))


@bp.route("/news/drafts")
@login_required
def list_drafts() -> str:
    """The editor's desk: unpublished news and events they may finish and publish."""
    if not (permissions.can_create_news(current_user)):
        abort(403)
    org_ids = None if current_user.is_staff else {org.id for org in permissions.writable_orgs(current_user)}
    news, events = queries.drafts_for(org_ids)
    return render_template("events/drafts.html", news=news, events=events)
