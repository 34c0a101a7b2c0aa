"""Throughput of the mail job queue: 1,000 mails to a local SMTP sink (aiosmtpd).

Run: .venv/bin/python bench/mail_throughput.py [--mails 1000] [--batch 100] [--backend sqlite]
     [--sink process|thread]

Builds a temporary SQLite database through the real migrations, starts an aiosmtpd sink on a
free port, then (1) queues the mails as delivery rows, one commit per batch, as
`flask newsletter send` does, each commit handing its batch to huey (on its SQLite file by
default); (2) runs the queue's worker in this process until every job ran: claim the batch,
one SMTP connection per batch, one commit per sent row. Prints readable lines and, last, one
JSON line. The sink accepting a message is what counts as sent. `--sink process` (the default)
runs aiosmtpd's discarding sink in its own process, as a mail server would be; `--sink thread`
runs a counting sink in this process (it then also reports messages and SMTP sessions seen, at
the price of sharing this process's GIL with the worker).
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from covenant_hub import create_app  # noqa: E402
from covenant_hub.extensions import db  # noqa: E402
from covenant_hub.jobs import delivery  # noqa: E402
from covenant_hub.jobs.queue import get_queue  # noqa: E402
from covenant_hub.mail import send_mail  # noqa: E402


class Counter:
    """The sink's handler: counts accepted messages and SMTP sessions."""

    def __init__(self) -> None:
        self.messages = 0
        self.sessions: set[int] = set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages += 1
        self.sessions.add(id(session))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_sink_process(port: int) -> subprocess.Popen[bytes]:
    """aiosmtpd's own discarding sink in a child process; returns once it accepts connections."""
    command = [
        sys.executable,
        "-m",
        "aiosmtpd",
        "-n",
        "-l",
        f"127.0.0.1:{port}",
        "-c",
        "aiosmtpd.handlers.Sink",
    ]
    process = subprocess.Popen(command)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the aiosmtpd sink did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--backend", default="sqlite", choices=("sqlite", "memory"))
    parser.add_argument("--sink", default="process", choices=("process", "thread"))
    args = parser.parse_args()
    from flask_migrate import upgrade

    base = Path(tempfile.mkdtemp(prefix="mail-bench-"))
    port = free_port()
    counter = Counter()
    sink = Controller(counter, hostname="127.0.0.1", port=port) if args.sink == "thread" else None
    child = start_sink_process(port) if sink is None else None
    if sink is not None:
        sink.start()
    config = {
        "DATABASE_URL": f"sqlite:///{base / 'bench.db'}",
        "INDEX_DIR": str(base / "index"),
        "MAIL_OUTBOX": str(base / "outbox"),
        "DEMO_DATA": False,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_STARTTLS": False,
        "JOBS_BACKEND": args.backend,
        "JOBS_SQLITE_PATH": str(base / "jobs.sqlite3"),
        "JOBS_BATCH": args.batch,
    }
    app = create_app(config)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        for n in range(args.mails):
            text = f"Hello reader {n},\n\nThe November issue is out.\n"
            send_mail(f"reader{n}@example.org", "Covenant Hub: November", text, key=f"bench:{n}")
            if (n + 1) % args.batch == 0:
                db.session.commit()
        db.session.commit()
        queued_s = time.perf_counter() - started
        jobs = get_queue().depth()
        started = time.perf_counter()
        ran = get_queue().run_pending()
        sent_s = time.perf_counter() - started
        counts = delivery.counts()
    if sink is not None:
        sink.stop()
    if child is not None:
        child.terminate()
        child.wait()
    seen = args.sink == "thread"
    result = {
        "mails": args.mails,
        "batch": args.batch,
        "backend": args.backend,
        "jobs": jobs,
        "jobs_ran": ran,
        "sink": args.sink,
        "smtp_sessions": len(counter.sessions) if seen else None,
        "received": counter.messages if seen else None,
        "sent_rows": counts["sent"],
        "queue_seconds": round(queued_s, 3),
        "send_seconds": round(sent_s, 3),
        "queue_per_s": round(args.mails / queued_s, 1),
        "send_per_s": round(args.mails / sent_s, 1),
        "end_to_end_per_s": round(args.mails / (queued_s + sent_s), 1),
    }
    print(f"queued {args.mails} mails in {queued_s:.2f} s ({result['queue_per_s']}/s) as {jobs} jobs")
    over = f" ({counter.messages} received over {len(counter.sessions)} SMTP sessions)" if seen else ""
    print(
        f"sent {counts['sent']} rows{over} in {sent_s:.2f} s ({result['send_per_s']}/s); "
        f"end to end {result['end_to_end_per_s']}/s"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
