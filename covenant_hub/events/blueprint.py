"""The events domain's one blueprint; its routes live in the *_views modules."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("events", __name__)
