"""``sisnaker worker``: the background task worker (django-tasks-db's ``db_worker``) that survives a
database restart: it waits and reconnects instead of exiting (sisnaker.core.worker). Run it as a
service; it takes db_worker's options (queues, interval, --batch, --max-tasks) plus the retry bounds."""

import datetime

from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import valid_interval

from sisnaker.core.housekeeping import ensure_scheduled
from sisnaker.core.worker import ResilientWorker


class Command(DbWorkerCommand):
    help = (
        "Run the background task worker; it survives database restarts (waits with a growing delay and "
        "reconnects). Options as db_worker, plus --retry-min, --retry-max and --parent-pid."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(reload=False)  # a service: no code reloader unless asked (--reload)
        parser.add_argument("--retry-min", type=valid_interval, default=1.0,
                            help="first wait (seconds) after the database connection is lost (default: %(default)r)")
        parser.add_argument("--retry-max", type=valid_interval, default=60.0,
                            help="longest wait (seconds) between database checks while it is down (default: %(default)r)")
        parser.add_argument("--parent-pid", type=int, default=None,
                            help="stop when this process, the worker's parent, is gone (used by `sisnaker demo`)")

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload, max_tasks,
               worker_id, exclude_queues, retry_min, retry_max, parent_pid, **options):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        # Housekeeping (core.housekeeping) reschedules itself; a starting worker makes sure it is queued.
        # Soon after start, so a machine that was down catches up.
        ensure_scheduled(after=datetime.timedelta(minutes=1))
        worker = ResilientWorker(
            queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
            startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id, excluded_queue_names=excluded,
            retry_min=retry_min, retry_max=retry_max, parent_pid=parent_pid,
        )
        if reload and not batch:
            import os

            from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader

            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
