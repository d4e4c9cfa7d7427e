"""Running `tipline serve` as a real process group on loopback, for tests and benchmarks."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tipline_command() -> str:
    return str(Path(sys.executable).with_name("tipline"))


class ServerProcess:
    """`tipline serve` in its own process group, so that a kill reaches every worker."""

    def __init__(self, env: dict[str, str], port: int, log: IO[str], *extra: str) -> None:
        self.port = port
        self.process = subprocess.Popen(
            [tipline_command(), "serve", "--port", str(port), "--no-jobs", *extra],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("tipline serve exited") from None
                time.sleep(0.1)
        raise TimeoutError("tipline serve did not start")

    def kill(self) -> None:
        """SIGKILL to master and workers at once: no cleanup, no flush, as in a crash."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
