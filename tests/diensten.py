"""The services a test may need beside the database: whether they answer on this machine.

`.ci/run` starts Redis when it does not answer, so these tests run in CI; elsewhere they are
skipped, saying why."""

from __future__ import annotations

import socket

REDIS = ("127.0.0.1", 6379)


def redis_antwoordt() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False
