"""``sinergi serve``: the web server (gunicorn) and the background worker, as one unit.

``make run`` uses it so that one command starts, and Ctrl-C stops, the whole platform.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the platform: gunicorn on --bind plus `sinergi worker`, until interrupted."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        web = [
            python,
            "-m",
            "gunicorn",
            "sinergi.config.wsgi",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "10",
        ]
        worker = [python, "-m", "sinergi", "worker"]
        children = [subprocess.Popen(web), subprocess.Popen(worker)]  # noqa: S603
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"Sinergi on http://{options['bind']}/ (Ctrl-C to stop)")
        try:
            while not stopping and all(c.poll() is None for c in children):
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        failed = [name for name, c in zip(("web", "worker"), children, strict=True) if c.returncode]
        if failed and not stopping:
            raise SystemExit(f"stopped because a process exited: {', '.join(failed)}")
