"""@mentions: how a post names a person, and who that is.

A mention is `@[Full Name]` (any name, spaces allowed) or `@Name` / `@First_Last` for short,
where underscores stand for spaces; names match a user's display name, first exactly and then
case-insensitively. Quoted lines (starting with `>`) are skipped, so quoting a post does not
mention its people again.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

from markupsafe import Markup, escape
from sqlalchemy import func, or_, select

from covenant_hub.accounts.models import User
from covenant_hub.extensions import db

BRACKETED = re.compile(r"(?<![\w@])@\[([^\]\n]{1,120})\]")
SHORT = re.compile(r"(?<![\w@\[])@([^\W\d_][\w.\-]{0,119})", re.UNICODE)
MAX_MENTIONS = 20


def mentioned_names(body: str) -> list[str]:
    """The names a text mentions, in order, without duplicates."""
    names: list[str] = []
    for line in (body or "").splitlines():
        if line.lstrip().startswith(">"):
            continue
        found = [m.group(1) for m in BRACKETED.finditer(line)]
        found += [m.group(1).rstrip(".-").replace("_", " ") for m in SHORT.finditer(line)]
        for name in found:
            name = " ".join(name.split())
            if name and name not in names:
                names.append(name)
    return names[:MAX_MENTIONS]


def mentioned_users(body: str) -> list[User]:
    """Active users whose names the text mentions."""
    names = mentioned_names(body)
    if not names:
        return []
    lowered = [name.lower() for name in names]
    query = select(User).where(
        User.disabled_at.is_(None), or_(User.name.in_(names), func.lower(User.name).in_(lowered))
    )
    return list(db.session.scalars(query))


def people_by_name(bodies: Iterable[str]) -> dict[str, int]:
    """Lower-cased name -> user id for every active user the texts mention (one query)."""
    names: list[str] = []
    for body in bodies:
        names.extend(name for name in mentioned_names(body) if name not in names)
    if not names:
        return {}
    return {user.name.lower(): user.id for user in mentioned_users("\n".join(f"@[{name}]" for name in names))}


_SKIP_INSIDE = {"a", "code", "pre"}
_TAG = re.compile(r"(<[^>]*>)")


def link_mentions(rendered: str, people: dict[str, int], url_for_person: Callable[[int], str]) -> Markup:
    """Sanitised post HTML with each @mention of a known person turned into a link to their page.

    Only text outside links and code changes; the name is unescaped to look it up and escaped
    again in the link, so a name can never bring markup of its own.
    """
    if not people:
        return Markup(rendered)  # noqa: S704 - render_markdown's sanitised output, unchanged
    out: list[str] = []
    inside: list[str] = []
    for piece in _TAG.split(str(rendered)):
        if piece.startswith("<"):
            name = re.match(r"</?([a-zA-Z0-9]+)", piece)
            tag = name.group(1).lower() if name else ""
            if tag in _SKIP_INSIDE:
                if piece.startswith("</"):
                    if tag in inside:
                        inside.remove(tag)
                elif not piece.endswith("/>"):
                    inside.append(tag)
            out.append(piece)
        elif inside:
            out.append(piece)
        else:
            out.append(_linked_text(piece, people, url_for_person))
    return Markup("".join(out))  # noqa: S704 - sanitised HTML; each inserted name went through escape()


def _linked_text(text: str, people: dict[str, int], url_for_person: Callable[[int], str]) -> str:
    def replace(match: re.Match[str]) -> str:
        raw = html.unescape(match.group(1) or match.group(2) or "")
        name = (
            " ".join(raw.rstrip(".-").replace("_", " ").split()) if match.group(2) else " ".join(raw.split())
        )
        user_id = people.get(name.lower())
        if user_id is None:
            return match.group(0)
        trailing = raw[len(raw.rstrip(".-")) :] if match.group(2) else ""
        opening = f'<a class="mention person-name" translate="no" href="{escape(url_for_person(user_id))}">'
        return f"{opening}@{escape(name)}</a>{escape(trailing)}"

    return _MENTION.sub(replace, text)


_MENTION = re.compile(f"{BRACKETED.pattern}|{SHORT.pattern}", re.UNICODE)
