"""Start Debian's nginx in front of local app servers, without root: for the tests of several
app servers (tests/concurrency/test_two_servers.py), of the pushed live state
(tests/e2e/test_live_push.py) and `make bench SERVERS=2`.

The proxy and push settings are the production ones (eventapp-proxy.conf, eventapp-push.conf,
eventapp-push-publish.conf); only the frame around them (ports, folders, no TLS, the
connection limit) comes from local.conf.in and write_config.
"""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx")
                                      else None)
    if found is None:
        raise RuntimeError("nginx is missing: apt-get install -y nginx")
    return found


def write_config(workdir: Path, port: int, app_ports: list[int], *,
                 publish_port: int | None = None, push: str = "on", push_conn_limit: int = 100,
                 redis_url: str | None = None, worker_connections: int = 4096) -> Path:
    """The configuration, from local.conf.in and the production snippets.

    `publish_port`: where Nchan's publish location listens (the app's
    LIVE_PUSH_PUBLISH_URL is http://127.0.0.1:<publish_port>/pub); None: no publisher.
    `push`: "on", or "down" (the subscribe location answers 502, as a broken Nchan would:
    the pages must follow by polling). `redis_url`: Nchan's Redis mode, shared channels.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    servers = "\n".join(f"        server 127.0.0.1:{app_port} max_fails=1 fail_timeout=5s;"
                        for app_port in app_ports)
    push_snippet = workdir / "eventapp-push.conf"
    if push == "down":
        push_snippet.write_text('location ~ "^/live/[a-z0-9-]+/(state|show)/push$" '
                                "{ return 502; }\n")
    else:
        push_snippet.write_text((HERE / "eventapp-push.conf").read_text().replace(
            "limit_conn eventapp_push 100;", f"limit_conn eventapp_push {push_conn_limit};"))
    publish_snippet = workdir / "eventapp-push-publish.conf"
    publish_snippet.write_text("" if publish_port is None else (
        HERE / "eventapp-push-publish.conf").read_text().replace(
            "127.0.0.1:8081", f"127.0.0.1:{publish_port}"))
    redis = "" if redis_url is None else (
        f"    upstream eventapp_redis {{ nchan_redis_server {redis_url}; }}\n"
        "    nchan_redis_pass eventapp_redis;\n"
        "    nchan_redis_pass_inheritable on;\n")  # else the locations below keep memory
    text = (HERE / "local.conf.in").read_text()
    for key, value in {"workdir": str(workdir), "port": str(port), "servers": servers,
                       "snippet": str(HERE / "eventapp-proxy.conf"),
                       "push_snippet": str(push_snippet), "publish_snippet": str(publish_snippet),
                       "redis": redis, "worker_connections": str(worker_connections)}.items():
        text = text.replace("{" + key + "}", value)
    config = workdir / "nginx.conf"
    config.write_text(text)
    return config


def start_nginx(workdir: Path, port: int, app_ports: list[int], **push) -> subprocess.Popen:
    """nginx on 127.0.0.1:`port` over the app servers; returns once it accepts connections.
    `push`: see write_config."""
    config = write_config(workdir, port, app_ports, **push)
    process = subprocess.Popen([nginx_binary(), "-p", str(workdir), "-c", str(config),
                                "-e", str(workdir / "error.log")])
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError as error:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("nginx did not start: " + (workdir / "error.log").read_text(
                    errors="replace")) from error
            time.sleep(0.05)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
