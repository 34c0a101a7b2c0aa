"""Time `flask import-gcom` on the shipped workbook and `flask load-demo` on fresh databases.

Run: .venv/bin/python bench/import_bench.py   (prints one JSON line)
Each command runs as a real CLI process against its own new SQLite file, so the figures
include start-up, reading the workbook and writing every row: what a deployment sees.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "app"]
WORKBOOK = ROOT / "covenant_hub" / "data" / "gcom" / "df1_Signatories_2024.xlsx"
LIMIT_SECONDS = 60


def run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(FLASK + args, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout.strip()


def fresh_env(folder: Path, name: str) -> dict[str, str]:
    env = dict(os.environ, COVENANT_DATABASE_URL=f"sqlite:///{folder / name}", COVENANT_DEMO_DATA="1")
    run(["init-db"], env)
    return env


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = fresh_env(folder, "gcom.db")
        gcom_seconds, gcom_out = run(["import-gcom", str(WORKBOOK), "--json"], env)
        rerun_seconds, _ = run(["import-gcom", str(WORKBOOK), "--json"], env)
        demo_env = fresh_env(folder, "demo.db")
        demo_seconds, _ = run(["load-demo"], demo_env)
        again_seconds, _ = run(["load-demo"], demo_env)
    result = {
        "import_gcom_seconds": round(gcom_seconds, 2),
        "import_gcom_rerun_seconds": round(rerun_seconds, 2),
        "load_demo_empty_db_seconds": round(demo_seconds, 2),
        "load_demo_again_seconds": round(again_seconds, 2),
        "limit_seconds": LIMIT_SECONDS,
        "within_limit": gcom_seconds < LIMIT_SECONDS,
        "summary": json.loads(gcom_out),
        "python": sys.version.split()[0],
    }
    print(json.dumps(result))
    return 0 if result["within_limit"] else 1


if __name__ == "__main__":
    sys.exit(main())
