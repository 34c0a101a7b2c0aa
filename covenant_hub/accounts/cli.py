"""`flask users ...`: bootstrap staff and admins, and manage accounts without the web UI."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from covenant_hub.accounts import services
from covenant_hub.accounts.models import SITE_ROLES, User

P = ParamSpec("P")
R = TypeVar("R")


def in_default_language(command: Callable[P, R]) -> Callable[P, R]:
    """Messages from services are translated; a terminal has no request to pick a language from."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            return command(*args, **kwargs)

    return wrapper


users_cli = AppGroup("users", help="Create accounts and change their role or state.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as a JSON object.")


def _describe(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "language": user.language,
        "confirmed": user.is_confirmed,
        "disabled": not user.is_active,
    }


def _report(user: User, as_json: bool, message: str) -> None:
    if as_json:
        click.echo(json.dumps(_describe(user), ensure_ascii=False))
    else:
        click.echo(message)


def _user_or_fail(email: str) -> User:
    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"No account uses {email}.")
    return user


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's name as shown on the site.")
@click.option("--role", type=click.Choice(SITE_ROLES), default="member", show_default=True)
@click.option("--language", type=click.Choice(["ky", "ru", "en"]), default="en", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@json_option
@in_default_language
def create_command(
    email: str, name: str, role: str, language: str, password_stdin: bool, as_json: bool
) -> None:
    """Create a confirmed account, for example the first admin."""
    password = _read_password(password_stdin)
    try:
        user = services.create_confirmed_user(email, name, role, password, language=language)
    except services.AccountError as error:
        raise click.ClickException(str(error.message)) from error
    _report(user, as_json, f"Created {user.email} ({user.role}).")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(SITE_ROLES))
@json_option
@in_default_language
def set_role_command(email: str, role: str, as_json: bool) -> None:
    """Give an account the site-wide role member, staff or admin."""
    user = _user_or_fail(email)
    services.set_role(user, role)
    _report(user, as_json, f"{user.email} is now {user.role}.")


@users_cli.command("disable")
@click.argument("email")
@json_option
@in_default_language
def disable_command(email: str, as_json: bool) -> None:
    """Lock an account out and end all its sessions."""
    user = _user_or_fail(email)
    services.disable_user(user)
    _report(user, as_json, f"{user.email} is disabled; its sessions have ended.")


@users_cli.command("enable")
@click.argument("email")
@json_option
@in_default_language
def enable_command(email: str, as_json: bool) -> None:
    """Let a disabled account log in again."""
    user = _user_or_fail(email)
    services.enable_user(user)
    _report(user, as_json, f"{user.email} is enabled.")


def register_cli(app: Flask) -> None:
    """Mount `flask users` on the app's command line."""
    app.cli.add_command(users_cli)
