"""Singleton jobs: a second run while the first holds the lock says so and exits non-zero.

The same tests run on PostgreSQL (tests/postgres/test_locks.py imports them), where the lock
is an advisory lock instead of a file.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from covenant_hub.locks import AlreadyRunning, advisory_key, job_lock

# Each command and the job name whose lock it takes; arguments that would be valid work.
COMMANDS = [
    ("newsletter send", ["newsletter", "send", "--month", "2026-11"]),
    ("import", ["import-data", "{tmp}"]),
    ("import", ["import-gcom", "{xlsx}"]),
    ("match rebuild", ["match", "rebuild", "--json"]),
    ("search reindex", ["search", "reindex", "--procs", "1", "--json"]),
    ("migrations", ["init-db"]),
    ("import", ["load-demo", "--force"]),
]


@pytest.mark.parametrize(("job", "args"), COMMANDS, ids=[" ".join(args[:2]) for _job, args in COMMANDS])
def test_a_second_run_says_already_running_and_exits_non_zero(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, job: str, args: list[str]
) -> None:
    xlsx = tmp_path / "df1.xlsx"
    xlsx.write_bytes(b"not read: the lock comes first")
    args = [arg.format(tmp=tmp_path, xlsx=xlsx) for arg in args]
    with job_lock(job):
        result = runner.invoke(args=args)
    assert result.exit_code == 1, result.output
    assert "already running" in result.output


def test_the_lock_is_released_after_the_job(app: Flask, runner: FlaskCliRunner) -> None:
    for _ in range(2):
        result = runner.invoke(args=["match", "rebuild", "--json"])
        assert result.exit_code == 0, result.output


def test_one_job_does_not_block_another(app: Flask) -> None:
    with job_lock("newsletter send"), job_lock("match rebuild"):
        with pytest.raises(AlreadyRunning, match="newsletter send is already running"):
            with job_lock("newsletter send"):
                pass


def test_the_lock_is_released_when_the_job_fails(app: Flask) -> None:
    with pytest.raises(RuntimeError), job_lock("import"):
        raise RuntimeError("the import failed")
    with job_lock("import"):
        pass


def test_another_process_holding_the_lock_refuses_this_one(app: Flask, app_config: dict) -> None:
    """Held by a separate process (as a second node or terminal would), released when it exits."""
    script = textwrap.dedent(
        f"""
        import sys
        from covenant_hub import create_app
        from covenant_hub.locks import job_lock
        app = create_app({app_config!r})
        with app.app_context(), job_lock("newsletter send"):
            print("held", flush=True)
            sys.stdin.readline()
        """
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(AlreadyRunning):
            with job_lock("newsletter send"):
                pass
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)
    with job_lock("newsletter send"):
        pass


def test_advisory_keys_are_stable_and_distinct() -> None:
    assert advisory_key("import") == advisory_key("import")
    assert len({advisory_key(job) for job, _args in COMMANDS}) == len({job for job, _args in COMMANDS})
    assert all(-(2**63) <= advisory_key(job) < 2**63 for job, _args in COMMANDS)
