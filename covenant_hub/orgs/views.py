"""Organisation pages (placeholder until the orgs work lands)."""
from flask import Blueprint

bp = Blueprint("orgs", __name__, url_prefix="/orgs")


@bp.route("/")
def directory() -> str:
    return "directory"
