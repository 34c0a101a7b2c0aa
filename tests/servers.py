"""Throwaway Redis, memcached and S3-compatible servers for the tests that need a shared store.

Redis and memcached are Debian's `redis-server` and `memcached` (`make shared-stores` installs
them), an S3 server is moto's
(`moto_server`, pinned in requirements-dev.txt): real servers on free ports of 127.0.0.1,
run as subprocesses and stopped at the end. Missing programs fail: a skip would hide that
the shared stores went unproved.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

READY_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(process: subprocess.Popen, port: int, what: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before it listened")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port} within {READY_TIMEOUT_S} s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def _debian_server(name: str, package: str, folder: Path, args: list[str], port: int) -> Iterator[None]:
    """Run one of Debian's servers on `port` until the block ends; its log goes to `folder`."""
    binary = shutil.which(name) or f"/usr/bin/{name}"
    if not Path(binary).is_file():
        pytest.fail(
            f"{name} not found: install Debian's with `make shared-stores` (as root: apt-get install"
            f" {package}) and run the tests again; the shared rate-limit tests never skip.",
            pytrace=False,
        )
    folder.mkdir(parents=True, exist_ok=True)
    log = (folder / f"{name}.log").open("wb")
    process = subprocess.Popen([binary, *args], stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(process, port, name)
        yield
    finally:
        _stop(process)
        log.close()


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A Redis on a free port with no persistence; yields its redis:// URL."""
    port = free_port()
    args = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(folder), "--daemonize", "no", "--loglevel", "warning"]  # fmt: skip
    with _debian_server("redis-server", "redis-server", folder, args, port):
        yield f"redis://127.0.0.1:{port}/0"


@contextmanager
def memcached_server(folder: Path) -> Iterator[str]:
    """A memcached on a free port of 127.0.0.1 (16 MB, as root it must name a user); yields its
    memcached:// URL."""
    port = free_port()
    args = ["--port", str(port), "--listen", "127.0.0.1", "--memory-limit", "16", "--udp-port", "0"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args += ["--user", "root"]
    with _debian_server("memcached", "memcached", folder, args, port):
        yield f"memcached://127.0.0.1:{port}"


@contextmanager
def s3_server(folder: Path) -> Iterator[str]:
    """moto's S3-compatible server on a free port; yields its endpoint URL."""
    binary = Path(sys.executable).with_name("moto_server")
    if not binary.is_file():
        pytest.fail("moto_server not found: `make install-dev` installs requirements-dev.txt.", pytrace=False)
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = (folder / "moto.log").open("wb")
    process = subprocess.Popen(
        [str(binary), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait_for_port(process, port, "moto_server")
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process)
        log.close()


S3_TEST_SETTINGS = {
    "S3_REGION": "us-east-1",
    "S3_ACCESS_KEY_ID": "testing",
    "S3_SECRET_ACCESS_KEY": "testing",
}


def create_bucket(endpoint: str, bucket: str) -> None:
    from covenant_hub.storage import s3_client

    s3_client({**S3_TEST_SETTINGS, "S3_ENDPOINT_URL": endpoint}).create_bucket(Bucket=bucket)
