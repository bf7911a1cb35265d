"""``sinergi worker``: runs queued tasks and the periodic jobs in one loop, healthchecks-style."""

from __future__ import annotations

import logging
import os
import socket
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from sinergi.core.jobs import requeue_abandoned_tasks
from sinergi.core.periodic import JOBS

logger = logging.getLogger("sinergi.worker")


class Command(BaseCommand):
    help = "Run background tasks and periodic jobs until stopped (SIGINT/SIGTERM)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Idle sleep, seconds.")
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=f"{socket.gethostname()}-{os.getpid()}",
            excluded_queue_names=[],
        )
        worker.configure_signals()
        logger.info("worker started", extra={"jobs": ",".join(j.name for j in JOBS)})
        requeued, outage = False, 0
        while worker.running:
            try:
                if not requeued:
                    # Tasks a killed worker left RUNNING on this host run again first.
                    requeue_abandoned_tasks()
                    requeued = True
                worker.run()
            except DatabaseError:
                # The database restarting or unreachable must not stop the worker (nor, under
                # `sinergi serve`, the platform): wait, reconnect, carry on where it was.
                if options["once"]:
                    raise
                outage += 1
                pause = min(30.0, 2.0 ** min(outage, 5) / 2)
                logger.warning("database unavailable", extra={"retry_in_s": pause}, exc_info=True)
                connections.close_all()
                self._sleep(worker, pause)
                requeued = False  # a task the outage cut off is RUNNING under our own id
                continue
            outage = 0
            now = timezone.now()
            for job in JOBS:
                if job.due(now):
                    try:
                        job.run()
                    except Exception:
                        logger.exception("periodic job failed", extra={"job": job.name})
                    job.last_run = now
            if options["once"]:
                break
            time.sleep(options["interval"])
        logger.info("worker stopped")

    @staticmethod
    def _sleep(worker: Worker, seconds: float) -> None:
        """Sleep, but wake for a stop signal."""
        until = time.monotonic() + seconds
        while worker.running and time.monotonic() < until:
            time.sleep(0.1)
