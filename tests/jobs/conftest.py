"""A real job queue (huey in memory, run by the test itself) and a local SMTP sink (aiosmtpd)."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from covenant_hub.jobs.queue import get_queue


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Recorder:
    """The sink's handler: keeps every accepted message; can refuse the n-th DATA with a 421."""

    messages: list[Message] = field(default_factory=list)
    sessions: list[Any] = field(default_factory=list)
    refuse_at: int | None = None  # 1-based count of DATA commands
    data_commands: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_commands += 1
        if self.refuse_at is not None and self.data_commands == self.refuse_at:
            return "421 4.3.2 Service shutting down"
        if not any(s is session for s in self.sessions):
            self.sessions.append(session)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def recipients(self) -> list[str]:
        return sorted(str(m["To"]) for m in self.messages)


class Sink:
    """A local SMTP server that a test can stop and start again on the same port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.recorder = Recorder()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def sink_port() -> int:
    return free_port()


@pytest.fixture
def app_config(app_config: dict[str, Any], sink_port: int) -> dict[str, Any]:
    """Mail goes by SMTP to the sink's port through a real (in-memory) queue run by the test."""
    return {
        **app_config,
        "JOBS_IMMEDIATE": False,
        "JOBS_BACKEND": "memory",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": sink_port,
        "SMTP_STARTTLS": False,
        "SMTP_TIMEOUT": 10,
        "JOBS_RETRY_DELAY": 60,
    }


@pytest.fixture
def sink(sink_port: int):
    server = Sink(sink_port)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def queue(app):
    return get_queue(app)
