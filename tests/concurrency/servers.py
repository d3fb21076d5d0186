"""Real gunicorn app servers for the tests of this folder, on the test's database."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from ..helpers import free_port

ROOT = Path(__file__).resolve().parents[2]


class AppServer:
    """One gunicorn master with its workers on a port of its own."""

    def __init__(self, app, redis_url: str | None = None, workers: int = 2,
                 **settings: str):
        self.port = free_port()
        env = {**os.environ, "EVENTAPP_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
               "EVENTAPP_SECRET_KEY": app.config["SECRET_KEY"], "EVENTAPP_PROXY_COUNT": "1",
               "EVENTAPP_MAIL_OUTBOX_DIR": app.config["MAIL_OUTBOX_DIR"]}
        env.pop("EVENTAPP_ENV", None)  # the development configuration: plain HTTP
        if redis_url:  # rate limits shared by the servers; else each worker counts its own
            env["REDIS_URL"] = redis_url
        env.update(settings)  # more EVENTAPP_* settings
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


class Browser:
    """A cookie jar and a few requests, the way a phone keeps its session."""

    def __init__(self, address: str = "198.51.100.7"):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()))
        self.address = address  # the client address nginx would add (X-Forwarded-For)

    def request(self, url: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={
            "X-Forwarded-For": self.address, **(headers or {})})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers
