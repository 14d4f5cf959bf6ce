"""flask jobs: the scheduler (`flask jobs run`) and each job as its own command for cron."""
import logging
import signal
import sys
import threading

import click
from flask import Flask

from app import jobs as scheduler


def register(app: Flask) -> None:
    @app.cli.group()
    def jobs():
        """The jobs that keep the program running."""

    @jobs.command("run")
    @click.option("--once", is_flag=True, help="Run every job once and exit.")
    def jobs_run(once: bool):
        """Run every job on its interval until stopped (SIGTERM or Ctrl-C)."""
        _log_to_stderr()
        if once:
            results = scheduler.run_once()
            for name, result in results.items():
                click.echo(f"{name}: {'failed' if result is None else result}")
            sys.exit(1 if None in results.values() else 0)
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        scheduler.run_forever(stop)

    @jobs.command("list")
    def jobs_list():
        """The jobs, how often each runs and what it does."""
        for job in scheduler.SCHEDULE:
            click.echo(f"{job.name:<16} every {job.every:>5}s  {job.about}")

    for job in scheduler.SCHEDULE:
        jobs.command(job.name, help=job.about)(_single(job))


def _single(job: scheduler.Job):
    def command():
        _log_to_stderr()
        result = scheduler.run_job(job)
        if result is None:
            click.echo(f"{job.name}: failed", err=True)
            sys.exit(1)
        click.echo(f"{job.name}: {result}")

    return command


def _log_to_stderr() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
