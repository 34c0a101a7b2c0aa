"""@mentions: how a post names a person, and who that is.

A mention is `@[Full Name]` (any name, spaces allowed) or `@Name` / `@First_Last` for short,
where underscores stand for spaces; names match a user's display name, first exactly and then
case-insensitively. Quoted lines (starting with `>`) are skipped, so quoting a post does not
mention its people again.
"""

from __future__ import annotations

import re

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
