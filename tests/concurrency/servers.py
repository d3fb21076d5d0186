"""Real gunicorn app servers for the tests of this folder, on the test's database."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from ..helpers import free_port

ROOT = Path(__file__).resolve().parents[2]


class AppServer:
    """One gunicorn master with its workers on a port of its own."""

    def __init__(self, app, redis_url: str | None = None, workers: int = 2):
        self.port = free_port()
        env = {**os.environ, "EVENTAPP_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
               "EVENTAPP_SECRET_KEY": app.config["SECRET_KEY"], "EVENTAPP_PROXY_COUNT": "1",
               "EVENTAPP_MAIL_OUTBOX_DIR": app.config["MAIL_OUTBOX_DIR"]}
        env.pop("EVENTAPP_ENV", None)  # the development configuration: plain HTTP
        if redis_url:  # rate limits shared by the servers; else each worker counts its own
            env["REDIS_URL"] = redis_url
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(workers),
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "error", "wsgi:app"],
            cwd=ROOT, env=env)
        self.base = f"http://127.0.0.1:{self.port}"
        _wait_for(self.base + "/healthz")

    def workers(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)],
                             capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: the machine is gone."""
        for pid in [self.process.pid, *self.workers()]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


def _wait_for(url: str) -> None:
    for _ in range(200):
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} does not answer")
