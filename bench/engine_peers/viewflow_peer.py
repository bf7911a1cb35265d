# mypy: ignore-errors
"""The django-viewflow 2.x peer of ``bench/engine.py``; run by it in the bench's own virtualenv.

    var/bench/viewflow-venv/bin/python bench/engine_peers/viewflow_peer.py --cases 200 --db X

A minimal Django project (settings below, the flow in ``viewflow_bench/flows.py``) on a fresh
SQLite file with the platform's pragmas (WAL, synchronous=NORMAL, busy_timeout, foreign_keys,
IMMEDIATE transactions). Each case: ``BenchFlow.start.run()`` (one transaction), then for each
human task one transaction as the task's POST view runs it (viewflow's flow lock, load the task
and its process, the permission checks, assign, start, execute: which completes the task and
activates the next nodes, split and join included). Finding the next task's id (what an inbox
page would show) is outside the timed part. Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))


def configure(db: Path) -> None:
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY=secrets.token_urlsafe(32),
        USE_TZ=True,
        TIME_ZONE="Asia/Jakarta",
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "viewflow",
            "viewflow.workflow",
            "viewflow_bench",
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(db),
                "OPTIONS": {
                    "init_command": (
                        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                        "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
                    ),
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 20,
                },
            }
        },
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        ROOT_URLCONF=__name__,
        LOGGING_CONFIG=None,
    )
    import django

    django.setup()


urlpatterns: list[object] = []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    configure(args.db)

    import django
    import viewflow
    from django.contrib.auth.models import Permission, User
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import transaction
    from viewflow.workflow import STATUS
    from viewflow.workflow.models import Process, Task
    from viewflow_bench.flows import TASKS, BenchFlow

    call_command("migrate", verbosity=0)
    content_type = ContentType.objects.get_for_model(Process)
    users: dict[str, User] = {}
    for codename, login in TASKS.values():
        perm, _ = Permission.objects.get_or_create(
            codename=codename, content_type=content_type, defaults={"name": codename}
        )
        user = users.get(login) or User.objects.get_or_create(username=login)[0]
        user.user_permissions.add(perm)
        users[login] = user
    users = {u.username: User.objects.get(pk=u.pk) for u in users.values()}
    owner = {name: users[login] for name, (_code, login) in TASKS.items()}

    def start() -> int:
        return BenchFlow.start.run().pk

    def act(process_pk: int, task_pk: int, user: User) -> None:
        # What viewflow's task views do on POST (flow/utils.py wrap_task_view + wrap_view):
        with BenchFlow.lock(process_pk), transaction.atomic():
            task = Task.objects.get(pk=task_pk)
            if task.process.flow_class != BenchFlow:
                raise LookupError(task_pk)
            flow_task = task.flow_task
            activation = flow_task.activation_class(task)
            if not flow_task.can_assign(user, task):
                raise PermissionError(task.flow_task.name)
            activation.assign(user)
            if not flow_task.can_execute(user, task):
                raise PermissionError(task.flow_task.name)
            activation.start(SimpleNamespace(user=user, method="POST"))
            activation.execute()

    def open_tasks(process_pk: int) -> list[tuple[int, str]]:
        rows = Task.objects.filter(process_id=process_pk, status=STATUS.NEW)
        return sorted((t.pk, t.flow_task.name) for t in rows)

    def run_case() -> tuple[float, float]:
        began = time.perf_counter()
        pk = start()
        submit = time.perf_counter() - began
        steps = 0.0
        done = 0
        while tasks := open_tasks(pk):
            task_pk, name = tasks[0]
            began = time.perf_counter()
            act(pk, task_pk, owner[name])
            steps += time.perf_counter() - began
            done += 1
        if done != len(TASKS) or Process.objects.get(pk=pk).status != "DONE":
            raise RuntimeError(f"case {pk} did not finish: {done} tasks")
        return submit, steps

    for _ in range(5):  # warm-up, untimed
        run_case()
    submit_total = steps_total = 0.0
    wall = time.perf_counter()
    for _ in range(args.cases):
        submit, steps = run_case()
        submit_total += submit
        steps_total += steps
    wall = time.perf_counter() - wall
    print(
        json.dumps(
            {
                "engine": "django-viewflow",
                "viewflow": getattr(viewflow, "__version__", "2.x"),
                "django": django.get_version(),
                "cases": args.cases,
                "submit_s": submit_total,
                "steps_s": steps_total,
                "wall_s": wall,
            }
        )
    )


if __name__ == "__main__":
    main()
