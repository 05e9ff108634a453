"""Scale-out check: K replicas of the app behind HAProxy with cookie-sticky sessions, then the load test.

    apt-get install -y haproxy                      # Debian's; not needed by the app or the tests
    python -m benchmarks.replicas --replicas 2 --clients 40 --seconds 90

Starts K `streamlit run app.py` processes on free loopback ports (one shared cookie secret, as
docs/DEPLOY.md asks), HAProxy in front of them with the backend of docs/DEPLOY.md (round robin,
``cookie RNNKIT_REPLICA insert``, health checks on ``/_stcore/health``, one-hour tunnel timeout),
and runs ``benchmarks/load.py --url`` against HAProxy. Every visitor's WebSocket and uploads must
reach the replica that holds its session: an upload sent elsewhere fails its XSRF check or finds
no session, which the load test counts as an error. Memory and CPU are summed over the replicas.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from harness.browser import free_port, streamlit_server, wait_healthy

ROOT = Path(__file__).resolve().parent.parent

HAPROXY = """global
    maxconn 4096
defaults
    mode http
    timeout connect 5s
    timeout client 1h
    timeout server 1h
frontend web
    bind 127.0.0.1:{port}
    default_backend rnnkit
backend rnnkit
    balance roundrobin
    cookie RNNKIT_REPLICA insert indirect nocache
    option httpchk GET /_stcore/health
    timeout tunnel 1h
{servers}
"""


@contextlib.contextmanager
def replicas(count: int):
    """``count`` app processes and HAProxy before them; yields HAProxy's URL."""
    haproxy = shutil.which("haproxy")
    if not haproxy:
        sys.exit("haproxy is not installed: apt-get install -y haproxy")
    logs = ROOT / "build" / "replicas"
    logs.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, STREAMLIT_SERVER_COOKIE_SECRET=secrets.token_hex(16))
    with contextlib.ExitStack() as stack:
        urls = [stack.enter_context(streamlit_server(90, env)) for _ in range(count)]
        front = free_port()
        config = logs / "haproxy.cfg"
        config.write_text(HAPROXY.format(port=front, servers="\n".join(
            f"    server r{k + 1} {url.removeprefix('http://')} check cookie r{k + 1}" for k, url in enumerate(urls))))
        log = stack.enter_context(open(logs / "haproxy.log", "w"))
        balancer = subprocess.Popen([haproxy, "-f", str(config), "-db"], stdout=log, stderr=subprocess.STDOUT)
        stack.callback(balancer.wait, 10)
        stack.callback(balancer.terminate)
        url = f"http://127.0.0.1:{front}"
        wait_healthy(url, 30, balancer)
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--clients", type=int, nargs="+", default=[40])
    parser.add_argument("--seconds", type=float, default=90)
    args = parser.parse_args()
    with replicas(args.replicas) as url:
        print(f"{args.replicas} replicas behind HAProxy at {url}", flush=True)
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "load.py"), "--url", url,
                        "--clients", *map(str, args.clients), "--seconds", str(args.seconds)], check=True)


if __name__ == "__main__":
    main()
