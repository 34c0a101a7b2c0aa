"""A form sent twice (a retry after a cut connection, a double click) is applied once.

Every form built on ``SubmitOnceForm`` carries a random ``form_token``. The first POST with a
token claims it in ``form_submissions`` before the view runs, in its own committed
transaction, so every worker and machine sees the claim. When the view answers with a
redirect, the claim keeps that answer and any later POST with the same token gets the same
redirect without running the view. Any other answer (a form shown again with its errors, a
4xx, a 500) releases the claim, so the corrected form can be sent again. A POST that arrives
while the first one still runs gets 409. Rows older than ``RETAIN`` are pruned on each claim.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from flask import Flask, Response, abort, g, redirect, request, session
from sqlalchemy import SmallInteger, String, delete, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.forms import Form

log = logging.getLogger(__name__)
FIELD = "form_token"
RETAIN = timedelta(days=1)  # longer than anyone keeps a page open and retries its form
ABANDONED = timedelta(minutes=5)  # a claim whose request never finished (a killed worker)
MAX_TOKEN_CHARS = 64
MAX_LOCATION_CHARS = 2000
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CLAIMED = "form_submission_key"  # g: the claim this request holds
IN_SQL = {"synchronize_session": False}  # compare times in the database, not with loaded rows


class FormSubmission(db.Model):
    """One claimed form token: its first answer once the view has given one."""

    __tablename__ = "form_submissions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of owner and token
    status: Mapped[int | None] = mapped_column(SmallInteger)
    location: Mapped[str | None] = mapped_column(String(MAX_LOCATION_CHARS))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, index=True)


def new_token() -> str:
    """A token no one can guess; a fresh one each time a form is shown."""
    return secrets.token_urlsafe(18)


class SubmitOnceForm(Form):
    """The base of every form that changes something: ``hidden_tag()`` renders its token."""

    form_token = HiddenField(default=new_token)


def submission_key(token: str) -> str:
    """The claim's key: the token bound to who sends it, so one visitor cannot see another's."""
    owner = str(session.get("_user_id") or "")
    return hashlib.sha256(f"{owner}\0{token}".encode()).hexdigest()


def _posted_token() -> str | None:
    if request.method != "POST" or request.mimetype not in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return None
    token = request.form.get(FIELD, "")
    return token if 0 < len(token) <= MAX_TOKEN_CHARS else None


def claim_or_replay() -> Response | None:
    """Before the view: claim this POST's token, or answer as the first POST with it did."""
    token = _posted_token()
    if token is None:
        return None
    key, now = submission_key(token), utcnow()
    try:
        db.session.execute(
            delete(FormSubmission).where(FormSubmission.created_at < now - RETAIN), execution_options=IN_SQL
        )
        db.session.add(FormSubmission(key=key, created_at=now))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return _replay(key, now)
    g.setdefault(CLAIMED, key)
    return None


def _replay(key: str, now: datetime) -> Response | None:
    first = db.session.get(FormSubmission, key)
    if first is not None and first.location:
        log.info("form sent again; answering as the first time")
        return redirect(first.location, code=first.status or 303)
    # No answer yet: the first POST is still running, or its worker died long ago.
    taken = db.session.execute(
        update(FormSubmission)
        .where(FormSubmission.key == key, FormSubmission.location.is_(None))
        .where(FormSubmission.created_at < now - ABANDONED)
        .values(created_at=now),
        execution_options=IN_SQL,
    )
    db.session.commit()
    if first is None or taken.rowcount:  # released meanwhile, or abandoned: this one runs
        g.setdefault(CLAIMED, key)
        return None
    abort(409)


def settle(response: Response) -> Response:
    """After the view: keep a redirect as the token's answer; release the token otherwise."""
    key = g.pop(CLAIMED, None)
    if key is None:
        return response
    location = response.headers.get("Location") or ""
    try:
        db.session.rollback()  # only what the view left uncommitted, which teardown drops anyway
        if response.status_code in REDIRECTS and 0 < len(location) <= MAX_LOCATION_CHARS:
            db.session.execute(
                update(FormSubmission)
                .where(FormSubmission.key == key)
                .values(status=response.status_code, location=location)
            )
        else:
            db.session.execute(delete(FormSubmission).where(FormSubmission.key == key))
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("a form token could not be settled; a resubmission may wait for it")
    return response


def _release_unsettled(_error: BaseException | None) -> None:
    """A request that ended without a response (the error page failed too) releases its claim."""
    if g.get(CLAIMED) is not None:
        settle(Response(status=500))


def init_app(app: Flask) -> None:
    """Claim tokens after CSRF is checked (its hook is registered earlier) and settle them last."""
    app.before_request(claim_or_replay)
    app.after_request(settle)
    app.teardown_request(_release_unsettled)
