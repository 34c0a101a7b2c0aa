"""Accounts pages (placeholder until the accounts work lands)."""
from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/account")


@bp.route("/login")
def login() -> str:
    return "login"


@bp.route("/register")
def register() -> str:
    return "register"


@bp.route("/profile")
def profile() -> str:
    return "profile"


@bp.route("/logout", methods=["POST"])
def logout() -> str:
    return "logout"
