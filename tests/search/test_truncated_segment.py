"""A segment file cut short under a running process: no SIGBUS, the fallback answers, a rebuild.

Whoosh maps segments into memory, so reading a mapped file past its new end raises SIGBUS in
the process; the scenario runs in a subprocess so that, if it regresses, only that process dies
and the test reports its signal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    from pathlib import Path
    from covenant_hub import create_app
    from tests.factories import make_practice

    app = create_app(json.loads(Path(sys.argv[1]).read_text()))
    with app.app_context():
        # Enough distinct words for a segment of several pages: SIGBUS needs a whole page gone.
        words = " ".join(f"turbine{i}" for i in range(3000))
        make_practice(title="Hydropower micro plant", summary="A hydropower plant on a canal", body=words)
        client = app.test_client()
        first = client.get("/api/v1/search", query_string={"q": "hydropower"}).get_json()
        folder = Path(app.config["INDEX_DIR"])
        (segment,) = [folder / n for n in os.listdir(folder) if n.endswith(".seg")]
        with segment.open("r+b") as handle:  # the searcher above has this file mapped
            handle.truncate(segment.stat().st_size // 2)
        page = client.get("/search", query_string={"q": "hydropower"}).get_data(as_text=True)
        after = client.get("/api/v1/search", query_string={"q": "hydropower"}).get_json()
        print(json.dumps({
            "first": [first["total"], first["degraded"]],
            "page_notice": "Search is being rebuilt" in page, "page_hit": "micro plant" in page,
            "after": [after["total"], after["degraded"]],
            "quarantined": sorted(os.listdir(str(folder) + ".quarantine")),
        }))
    """
)


def test_truncated_segment_degrades_to_the_database_and_is_rebuilt(
    app_config: dict[str, Any], tmp_path: Path
) -> None:
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(app_config))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SCRIPT, str(config_file)], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])  # -7 would be SIGBUS
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["first"] == [1, False]
    assert report["page_notice"] and report["page_hit"]  # the page rendered from the fallback
    assert report["after"] == [1, False]  # inline mode rebuilt the index before this search
    assert len(report["quarantined"]) == 1 and report["quarantined"][0].endswith(".seg")
