"""The site's Markdown pipeline keeps formatting and drops every way of running script."""

from __future__ import annotations

import pytest

from covenant_hub.markup import render_markdown, sanitize_html
from tests.library.xss import XSS_PAYLOADS, assert_no_live_script


def test_markdown_formatting_survives():
    source = "# Title\n\n**bold** *it* ~~gone~~\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |"
    html = str(render_markdown(source))
    for tag in ("<h1>", "<strong>", "<em>", "<s>", "<li>", "<table>", "<td>"):
        assert tag in html


def test_links_get_nofollow_noopener_and_only_safe_schemes():
    html = str(render_markdown("[ok](https://example.org) [mail](mailto:a@b.kg) [bad](javascript:alert(1))"))
    assert 'href="https://example.org" rel="nofollow noopener"' in html
    assert 'href="mailto:a@b.kg"' in html
    assert "javascript:" not in html.split("[bad]")[0]
    assert 'href="javascript' not in html


def test_raw_html_is_shown_as_text_not_markup():
    html = str(render_markdown("<b>hi</b><script>alert(1)</script>"))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_images_become_links_since_the_csp_blocks_remote_images():
    html = str(render_markdown("![a map](https://example.org/map.png)"))
    assert "<img" not in html and 'href="https://example.org/map.png"' in html


def test_sanitizer_is_an_allow_list():
    html = sanitize_html(
        '<iframe src="https://x"></iframe><p style="color:red" onclick="x()">a</p>'
        '<a href="data:text/html,x">d</a><svg onload="x()"></svg>'
    )
    assert "iframe" not in html and "style=" not in html and "onclick" not in html
    assert "data:" not in html and "svg" not in html


def test_empty_and_none_render_to_nothing():
    assert str(render_markdown(None)) == "" and str(render_markdown("")) == ""


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_in_markdown_renders_harmless(payload: str):
    assert_no_live_script(str(render_markdown(payload)))
    assert_no_live_script(sanitize_html(payload))


def test_the_checker_itself_catches_live_script():
    from tests.library.xss import live_script_problems

    assert live_script_problems('<img src=x onerror="alert(1)">')
    assert live_script_problems('<a href=" javascript:alert(1)">x</a>')
    assert live_script_problems("<script>alert(1)</script>")
    assert not live_script_problems('<script src="/static/js/markdown-preview.js"></script>')
