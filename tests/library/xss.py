"""XSS payloads and an HTML parser check shared by tests that render user content."""

from __future__ import annotations

from html.parser import HTMLParser

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](  javascript:alert(1)  )",
    "[x](java\nscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](https://example.org/a.png)',
    '[x](https://example.org" onclick="alert(1))',
    "[x](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    "<style>@import 'javascript:alert(1)';</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onmouseover="alert(1)">hover</p>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    '<a href="#" onclick="alert(1)">x</a>',
    '<base href="javascript:alert(1)//">',
    "<isindex action=javascript:alert(1) type=image>",
    "<marquee onstart=alert(1)>",
    '<table background="javascript:alert(1)">',
    '<a href="\x01javascript:alert(1)">x</a>',
    "[a](javascript&colon;alert(1))",
    '<img src="x:x" onerror="&#97;lert(1)">',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
]


class ScriptFinder(HTMLParser):
    """Collects every way a parsed document could run script."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "background", "poster"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        sources = [value or "" for name, value in attrs if name == "src"]
        own_script = tag == "script" and sources and sources[0].startswith("/static/")
        if tag in ("script", "iframe", "object", "embed", "base") and not own_script:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            compact = "".join((value or "").split()).lower()
            if name in self.URL_ATTRIBUTES and compact.startswith(("javascript:", "vbscript:", "data:text")):
                self.problems.append(f"{tag} {name}={value}")
            if tag == "meta" and "javascript:" in compact:
                self.problems.append("meta refresh")

    handle_startendtag = handle_starttag


def live_script_problems(html: str) -> list[str]:
    finder = ScriptFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def assert_no_live_script(html: str) -> None:
    """No <script> (except our own files under /static/), no on* handler, no javascript: URL."""
    problems = live_script_problems(html)
    assert not problems, problems
