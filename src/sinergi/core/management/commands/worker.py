"""``sinergi worker``: runs queued tasks and the periodic jobs in one loop, healthchecks-style.

Run as many as the load needs, on any machines: tasks are claimed one worker each (a row
lock in the database backend, a Redis list pop with RQ) and each periodic job runs once per
period across all of them (``sinergi.core.periodic.claim``).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections
from django.utils import timezone

from sinergi.config.scaleout import RQ_BACKEND
from sinergi.core.jobs import requeue_abandoned_tasks
from sinergi.core.periodic import JOBS, claim

logger = logging.getLogger("sinergi.worker")


class _Stop:
    running = True


def _database_runner(worker_id: str) -> tuple[Callable[[], object], Any]:
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    worker.configure_signals()
    return worker.run, worker


def _redis_runner(worker_id: str) -> tuple[Callable[[], object], Any]:
    import signal

    import django_rq
    from django_tasks_rq.backend import Job

    state = _Stop()

    def stop(*_: object) -> None:
        state.running = False

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    def run() -> None:
        # A burst drains what is queued and returns, so the periodic jobs get their turn.
        rq_worker = django_rq.get_worker(
            "default", job_class=Job, name=f"{worker_id}-{time.time_ns()}"
        )
        rq_worker.work(burst=True, with_scheduler=False, logging_level="WARNING")
        signal.signal(signal.SIGINT, stop)  # RQ installs its own handlers while working
        signal.signal(signal.SIGTERM, stop)

    return run, state


class Command(BaseCommand):
    help = "Run background tasks and periodic jobs until stopped (SIGINT/SIGTERM)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Idle sleep, seconds.")
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = f"{socket.gethostname()}-{os.getpid()}"
        redis = settings.TASKS["default"]["BACKEND"] == RQ_BACKEND
        run_tasks, state = (_redis_runner if redis else _database_runner)(worker_id)
        logger.info(
            "worker started",
            extra={"jobs": ",".join(j.name for j in JOBS), "queue": "redis" if redis else "db"},
        )
        requeued, outage = redis, 0  # Redis requeues a dead worker's jobs itself
        while state.running:
            try:
                if not requeued:
                    # Tasks a killed worker left RUNNING on this host run again first.
                    requeue_abandoned_tasks()
                    requeued = True
                run_tasks()
            except DatabaseError:
                # The database restarting or unreachable must not stop the worker (nor, under
                # `sinergi serve`, the platform): wait, reconnect, carry on where it was.
                if options["once"]:
                    raise
                outage += 1
                pause = min(30.0, 2.0 ** min(outage, 5) / 2)
                logger.warning("database unavailable", extra={"retry_in_s": pause}, exc_info=True)
                connections.close_all()
                self._sleep(state, pause)
                requeued = redis  # a task the outage cut off is RUNNING under our own id
                continue
            outage = 0
            now = timezone.now()
            for job in JOBS:
                try:
                    if not claim(job, now, worker_id):
                        continue
                    job.run()
                except Exception:
                    logger.exception("periodic job failed", extra={"job": job.name})
            if options["once"]:
                break
            time.sleep(options["interval"])
        logger.info("worker stopped")

    @staticmethod
    def _sleep(state: Any, seconds: float) -> None:
        """Sleep, but wake for a stop signal."""
        until = time.monotonic() + seconds
        while state.running and time.monotonic() < until:
            time.sleep(0.1)
