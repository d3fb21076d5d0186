"""Start Debian's nginx in front of local app servers, without root: for the tests of several
app servers (tests/concurrency/test_two_servers.py) and `make bench SERVERS=2`.

The proxy settings are the production ones (eventapp-proxy.conf); only the frame around them
(ports, folders, no TLS) comes from local.conf.in.
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


def write_config(workdir: Path, port: int, app_ports: list[int]) -> Path:
    servers = "\n".join(f"        server 127.0.0.1:{app_port} max_fails=1 fail_timeout=5s;"
                        for app_port in app_ports)
    text = (HERE / "local.conf.in").read_text()
    for key, value in {"workdir": str(workdir), "port": str(port), "servers": servers,
                       "snippet": str(HERE / "eventapp-proxy.conf")}.items():
        text = text.replace("{" + key + "}", value)
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "nginx.conf"
    config.write_text(text)
    return config


def start_nginx(workdir: Path, port: int, app_ports: list[int]) -> subprocess.Popen:
    """nginx on 127.0.0.1:`port` over the app servers; returns once it accepts connections."""
    config = write_config(workdir, port, app_ports)
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
