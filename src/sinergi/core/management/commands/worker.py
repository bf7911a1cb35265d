"""``sinergi worker``: runs queued tasks and the periodic jobs in one loop, healthchecks-style."""

from __future__ import annotations

import logging
import os
import socket
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
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
        # Tasks a killed worker left RUNNING on this host run again before anything else.
        requeue_abandoned_tasks()
        logger.info("worker started", extra={"jobs": ",".join(j.name for j in JOBS)})
        while worker.running:
            worker.run()
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
