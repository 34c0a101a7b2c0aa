"""`flask forum ...`: list groups and make a moderator from the command line."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from covenant_hub.accounts.models import User
from covenant_hub.extensions import db
from covenant_hub.forum.models import Group, GroupMember, GroupModerator

forum_cli = AppGroup("forum", help="Discussion groups.")


@forum_cli.command("groups")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_groups(as_json: bool) -> None:
    """Print every group with its id, kind and visibility."""
    rows = [
        {
            "id": g.id,
            "external_id": g.external_id,
            "kind": g.kind,
            "title": g.title,
            "visibility": g.visibility,
            "join_policy": g.join_policy,
        }
        for g in db.session.scalars(select(Group).order_by(Group.id))
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['id']:>4}  {row['kind']:<11} {row['visibility']:<8} {row['title']}")


@forum_cli.command("add-moderator")
@click.argument("group_id", type=int)
@click.argument("email")
def add_moderator(group_id: int, email: str) -> None:
    """Make the account with EMAIL a moderator (and member) of GROUP_ID."""
    group = db.session.get(Group, group_id)
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if group is None or user is None:
        raise click.ClickException("No such group or account.")
    db.session.merge(GroupModerator(group_id=group.id, user_id=user.id))
    db.session.merge(GroupMember(group_id=group.id, user_id=user.id, status="member"))
    db.session.commit()
    click.echo(f"{user.email} now moderates {group.title}.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(forum_cli)
