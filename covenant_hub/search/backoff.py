"""When a failed index rebuild may run again: exponential backoff, and quiet logs.

A rebuild that fails for a lasting reason (a full disk, a read-only folder) fails again at
once, so retrying on every health check ran about two rebuilds a second and wrote a traceback
each time. The delay starts at ``first_s`` and doubles up to ``cap_s``; a success resets it.
Each failure logs one line; the traceback comes once per distinct error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

FIRST_S = 1.0
CAP_S = 600.0
MAX_REMEMBERED = 50  # distinct errors whose traceback was logged; more only repeat the trace


class RetryBackoff:
    """Tracks failures of one repeated job on an injectable monotonic clock."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, first_s: float = FIRST_S, cap_s: float = CAP_S
    ) -> None:
        self.clock = clock
        self.first_s, self.cap_s = first_s, cap_s
        self.failures = 0
        self.not_before = float("-inf")
        self._traced: set[tuple[str, object]] = set()

    def ready(self) -> bool:
        """May the job run now?"""
        return self.clock() >= self.not_before

    def delay_s(self) -> float:
        """The wait after the failure that is about to be recorded."""
        return min(self.cap_s, self.first_s * 2 ** min(self.failures, 64))

    def failed(self, error: BaseException, log: logging.Logger, what: str) -> float:
        """Record a failure, log it in one line (with the traceback if new), return the wait."""
        delay = self.delay_s()
        self.failures += 1
        self.not_before = self.clock() + delay
        signature = _signature(error)
        new = signature not in self._traced and len(self._traced) < MAX_REMEMBERED
        if new:
            self._traced.add(signature)
        log.error(
            "%s failed (%d in a row), next try in %.0f s: %s: %s",
            what,
            self.failures,
            delay,
            type(error).__name__,
            error,
            exc_info=error if new else None,
        )
        return delay

    def succeeded(self) -> None:
        """The job worked: the next failure starts from the first delay again."""
        self.failures = 0
        self.not_before = float("-inf")
        self._traced.clear()


def _signature(error: BaseException) -> tuple[str, object]:
    """What makes two failures "the same": an OS error's number (its message names a file)."""
    if isinstance(error, OSError) and error.errno is not None:
        return type(error).__name__, error.errno
    return type(error).__name__, str(error)
