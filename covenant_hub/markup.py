"""The one Markdown pipeline of the site: markdown-it-py without raw HTML, then nh3.

Every page that shows user Markdown (practices, posts, previews) goes through `render_markdown`,
so the live preview and the saved page can never disagree and a hole is fixed in one place.
Raw HTML is off in the parser, and nh3 still cleans the result with an explicit allow-list:
the parser is the convenience, the sanitiser is the guarantee.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import nh3
from flask import Flask
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"
# Tags whose content is dropped with them, not kept as text.
DROPPED_WITH_CONTENT = frozenset({"script", "style"})
MAX_SOURCE_CHARS = 200_000


def _image_as_link(_renderer: Any, tokens: list, idx: int, _options: Any, _env: Any) -> str:
    """Images become plain links: the CSP forbids remote images and a link leaks nothing."""
    token = tokens[idx]
    src = token.attrGet("src") or ""
    alt = "".join(child.content for child in (token.children or [])) or src
    return f'<a href="{_escape(str(src))}">{_escape(alt)}</a>'


def _escape(text: str) -> str:
    return str(Markup.escape(text))


def _build_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    parser.add_render_rule("image", _image_as_link)
    return parser


_PARSER = _build_parser()


def sanitize_html(html: str) -> str:
    """Clean an HTML fragment with the site's allow-list (tags, attributes, URL schemes)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        url_relative="deny",
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(source: str | None) -> Markup:
    """Markdown to safe HTML, ready to put in a template without `|safe`."""
    if not source:
        return Markup("")
    return _rendered(str(source)[:MAX_SOURCE_CHARS])


@lru_cache(maxsize=4096)
def _rendered(source: str) -> Markup:
    """The rendering is a pure function of the text, and a 200-post thread page spent half its
    time parsing and cleaning bodies it had rendered the request before (bench/http_bench.py):
    each process keeps the latest few thousand."""
    html = _PARSER.render(source)
    return Markup(sanitize_html(html))  # noqa: S704 - nh3 output with an allow-list


def init_app(app: Flask) -> None:
    """Offer the pipeline to every template as the `markdown` filter."""
    app.add_template_filter(render_markdown, "markdown")
