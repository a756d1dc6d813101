"""Where independent tasks run: this process, a local process pool, or Dask.

Three schedulers, chosen by name (``--scheduler`` on the command line):

``processes``
    Today's :class:`concurrent.futures.ProcessPoolExecutor` with ``jobs`` worker processes (the
    default; ``jobs=1`` runs in this process).
``local``
    A :class:`dask.distributed.LocalCluster` with ``jobs`` single-threaded worker processes, started
    for the run and closed after it.
``tcp://HOST:PORT``
    An existing Dask scheduler (``dask scheduler`` and ``dask worker`` started on other machines).

The two Dask schedulers need the ``distributed`` extra (``pip install -e ".[distributed]"``). A task
is a module-level function and its arguments; every task's result depends only on its arguments
(replicate seeds come from :class:`numpy.random.SeedSequence`, never from the worker or the order
tasks finish in), so the same seed gives the same numbers, byte for byte, on every scheduler.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any

PROCESSES = "processes"
LOCAL = "local"
SCHEDULERS = (PROCESSES, LOCAL, "tcp://HOST:PORT")
"""What ``--scheduler`` accepts."""


def check_scheduler(name: str) -> str:
    """``name`` if it is a scheduler (:data:`SCHEDULERS`), else a ValueError saying what is allowed.

    A Dask scheduler also needs the ``distributed`` extra installed; its absence is reported here,
    before anything runs.
    """
    if name == PROCESSES:
        return name
    if name != LOCAL and not (name.startswith("tcp://") and name.count(":") == 2 and name.rsplit(":", 1)[1].isdigit()):
        raise ValueError(f"unknown scheduler {name!r}; allowed: {', '.join(SCHEDULERS)}")
    try:
        # deferred: dask is an optional extra, imported only when a Dask scheduler is asked for
        import distributed  # noqa: F401
    except ImportError:
        raise ValueError(
            f"scheduler {name!r} needs Dask: pip install -e '.[distributed]' (or use --scheduler processes)"
        ) from None
    return name


def is_dask(name: str | None) -> bool:
    """Whether ``name`` is a Dask scheduler (``local`` or an address)."""
    return name not in (None, PROCESSES)


@contextmanager
def dask_client(name: str, jobs: int | None = None):
    """A :class:`distributed.Client` for ``local`` (a LocalCluster of ``jobs`` workers) or an address.

    The LocalCluster's workers are single-threaded processes (the engines hold the GIL), quiet, and
    closed with the client.
    """
    # deferred: dask is an optional extra
    from distributed import Client, LocalCluster

    if name == LOCAL:
        workers = max(1, jobs or os.cpu_count() or 1)
        with (
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
    else:
        with Client(name, timeout=30) as client:
            yield client


@contextmanager
def shared_scheduler(name: str, jobs: int | None = None):
    """The scheduler that several runs of one command share, for as long as the command runs.

    ``local`` starts one Dask LocalCluster of ``jobs`` workers and yields its address
    (``tcp://127.0.0.1:PORT``), so that every run (a batch's reports, each in its own kernel; a
    sensitivity study's samples) sends its tasks to the same workers instead of starting a cluster
    each; ``processes`` and an address are yielded as given.
    """
    if name != LOCAL:
        yield name
        return
    with dask_client(LOCAL, jobs) as client:
        yield client.scheduler.address


def run_tasks(
    fn: Callable,
    tasks: Iterable[tuple],
    scheduler: str = PROCESSES,
    jobs: int | None = None,
    initializer: Callable | None = None,
    initargs: tuple = (),
) -> Iterator[Any]:
    """Run ``fn(*task)`` for every task and yield the results as they finish (in any order).

    Parameters
    ----------
    fn : callable
        A module-level function (it is pickled to the workers).
    tasks : iterable of tuple
        The arguments of each call.
    scheduler : str
        ``processes``, ``local`` or ``tcp://HOST:PORT`` (:func:`check_scheduler`).
    jobs : int, optional
        Worker processes (``processes``, ``local``); default all cores. ``processes`` with one job
        runs in this process. Ignored for an address (its workers are already running).
    initializer, initargs : optional
        Called once in each worker process before its first task (``processes`` only: a Dask task
        prepares what it needs itself, see :func:`simulation.outputs.montecarlo.simulate`).

    Yields
    ------
    object
        ``fn(*task)`` for each task; the caller puts them in order (results carry their index).
    """
    tasks = list(tasks)
    if not tasks:
        return
    if is_dask(scheduler):
        with dask_client(scheduler, jobs) as client:
            # deferred: dask is an optional extra
            from distributed import as_completed as dask_completed

            futures = [client.submit(fn, *task, pure=False) for task in tasks]
            for future in dask_completed(futures):
                yield future.result()
                future.release()
        return
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    if jobs == 1:
        if initializer is not None:
            initializer(*initargs)
        for task in tasks:
            yield fn(*task)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=initializer, initargs=initargs) as pool:
        futures = [pool.submit(fn, *task) for task in tasks]
        for future in as_completed(futures):
            yield future.result()


def run_ordered(
    fn: Callable,
    tasks: Iterable[tuple],
    scheduler: str = PROCESSES,
    jobs: int | None = None,
    initializer: Callable | None = None,
    initargs: tuple = (),
    window: int | None = None,
) -> Iterator[Any]:
    """Run ``fn(*task)`` for every task and yield the results in the tasks' order.

    At most ``window`` tasks are in flight at once, so however many tasks there are, this process
    holds at most ``window`` results that have arrived before the one it waits for (a running sum
    fed in order keeps its floating-point order and its memory bound).

    Parameters
    ----------
    fn, tasks, scheduler, jobs, initializer, initargs
        As :func:`run_tasks`.
    window : int, optional
        Tasks in flight; default twice the workers of a process pool (whose results come back to this
        process as they finish), eight times a Dask cluster's (whose results wait on the workers
        until taken).

    Yields
    ------
    object
        ``fn(*task)``, task by task in order.
    """
    tasks = iter(tasks)
    if is_dask(scheduler):
        with dask_client(scheduler, jobs) as client:
            workers = len(client.scheduler_info().get("workers", {})) or 1
            # a finished task's result waits on its worker, not here: a deeper window keeps workers busy
            yield from _in_order(lambda task: client.submit(fn, *task, pure=False), tasks, window or 8 * workers)
        return
    jobs = max(1, jobs or os.cpu_count() or 1)
    if jobs == 1:
        if initializer is not None:
            initializer(*initargs)
        for task in tasks:
            yield fn(*task)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=initializer, initargs=initargs) as pool:
        yield from _in_order(lambda task: pool.submit(fn, *task), tasks, window or 2 * jobs)


def _in_order(submit: Callable, tasks: Iterator[tuple], window: int) -> Iterator[Any]:
    """Submit ``window`` tasks ahead and yield their results in order, submitting one as one is taken."""
    pending = deque(submit(task) for _, task in zip(range(max(1, window)), tasks, strict=False))
    while pending:
        future = pending.popleft()
        yield future.result()
        if hasattr(future, "release"):  # a Dask future: let its worker drop the result
            future.release()
        for task in (next(tasks, None),):
            if task is not None:
                pending.append(submit(task))
