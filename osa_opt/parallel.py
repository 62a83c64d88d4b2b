"""Run independent chunks of work serially, on local processes or on a Dask cluster.

One interface, three executors. A *task* is a top-level function ``task(shared, item)``;
``shared`` is sent to each worker once (the Problem, say), ``items`` are the chunks (a
contiguous block of samples, one scenario). Results come back to the calling process as
each chunk finishes, so the caller can show progress and keep what is done when the user
presses Ctrl-C.

>>> from osa_opt.parallel import make_executor, split
>>> with make_executor(jobs=1) as executor:
...     done = dict(executor.map(pow, 2, [3, 4]))
>>> done
{0: 8, 1: 16}
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from osa_opt.errors import OsaError

#: How often (seconds) a waiting executor checks whether the user asked to stop.
POLL_SECONDS = 0.05

DASK_HINT = "pip install 'osa-opt[distributed]'"

Task = Callable[[Any, Any], Any]
StopCheck = Callable[[], bool]


def _never() -> bool:
    return False


def split(n: int, chunk_size: int) -> list[range]:
    """Contiguous ranges covering ``0..n-1``, each at most ``chunk_size`` long.

    The split depends on ``n`` and ``chunk_size`` only, never on the executor, so serial,
    local-process and Dask runs hand out the very same chunks.

    >>> split(5, 2)
    [range(0, 2), range(2, 4), range(4, 5)]
    """
    size = max(1, int(chunk_size))
    return [range(start, min(start + size, n)) for start in range(0, n, size)]


def default_chunk_size(n: int, target_chunks: int = 40, largest: int = 25) -> int:
    """A chunk size that gives a progress bar about ``target_chunks`` steps.

    Small chunks cost little: each worker keeps its model and solver between chunks.

    >>> default_chunk_size(500)
    13
    """
    return max(1, min(largest, math.ceil(n / target_chunks)))


class Executor:
    """Runs ``task(shared, item)`` for every item; subclasses say where.

    Use as a context manager so workers and connections are released::

        with make_executor(jobs=2) as executor:
            for index, result in executor.map(task, shared, items, stop=stop):
                ...
    """

    kind = "serial"

    @property
    def workers(self) -> int:
        return 1

    def map(
        self, task: Task, shared: Any, items: Sequence[Any], stop: StopCheck = _never
    ) -> Iterator[tuple[int, Any]]:
        """Yield ``(item index, result)`` as chunks finish (in any order).

        When ``stop()`` turns true, pending chunks are cancelled and the iteration ends;
        chunks already finished have been yielded.
        """
        for index, item in enumerate(items):
            if stop():
                return
            yield index, task(shared, item)

    def close(self) -> None:
        """Release workers (nothing to do for the serial executor)."""

    def describe(self) -> str:
        return "1 process (serial)"

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------- local processes
_WORKER_SHARED: Any = None


def _init_process_worker(shared: Any) -> None:
    """Runs once in each worker process: keep ``shared``, quiet fd 1, leave Ctrl-C to the parent."""
    global _WORKER_SHARED
    _WORKER_SHARED = shared
    # The parent handles Ctrl-C (keeps what is done); workers just finish their chunk.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # HiGHS may print on fd 1; stdout belongs to the parent's --json output.
    with contextlib.suppress(OSError):
        os.dup2(2, 1)


def _call_in_worker(task: Task, item: Any) -> Any:
    return task(_WORKER_SHARED, item)


def _poll(pending: dict[Any, int], stop: StopCheck) -> Iterator[tuple[Any, int]]:
    """Yield (future, index) as futures finish; stop early when ``stop()`` turns true."""
    while pending:
        if stop():
            return
        ready = [f for f in pending if f.done()]
        if not ready:
            time.sleep(POLL_SECONDS)
            continue
        for future in ready:
            yield future, pending.pop(future)


#: Said when a worker process dies: the usual causes, and the one a script can fix itself.
BROKEN_POOL_HINT = (
    "Worker processes are started with 'spawn': each imports the main script again, so in a "
    "script run as `python script.py` the calls that start them (jobs=2 or more) must be "
    "under `if __name__ == \"__main__\":`; otherwise a worker was killed (out of memory?). "
    "jobs=1 runs in this process.")


class ProcessExecutor(Executor):
    """Local worker processes (``spawn`` context: safe with threads and on every platform)."""

    kind = "processes"

    def __init__(self, jobs: int) -> None:
        self.jobs = int(jobs)
        self._pool: Any = None

    @property
    def workers(self) -> int:
        return self.jobs

    def describe(self) -> str:
        return f"{self.jobs} local processes"

    def map(
        self, task: Task, shared: Any, items: Sequence[Any], stop: StopCheck = _never
    ) -> Iterator[tuple[int, Any]]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        self.close()
        self._pool = ProcessPoolExecutor(
            max_workers=min(self.jobs, max(1, len(items))),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_process_worker,
            initargs=(shared,),
        )
        pending = {self._pool.submit(_call_in_worker, task, item): i for i, item in enumerate(items)}
        try:
            for future, index in _poll(pending, stop):
                try:
                    outcome = future.result()
                except BrokenProcessPool as exc:
                    raise BrokenProcessPool(f"{exc} {BROKEN_POOL_HINT}") from exc
                yield index, outcome
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            # Chunks are short: waiting for the ones in flight leaves no stray process.
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


# ---------------------------------------------------------------------- Dask
def require_dask() -> None:
    """Fail early, with the install command, when ``--scheduler`` is used without Dask."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise worded(f"a Dask scheduler (scheduler=) needs Dask, which is not installed: "
                     f"{DASK_HINT}",
                     f"--scheduler needs Dask, which is not installed: {DASK_HINT}") from None


def worded(python: str, cli: str) -> OsaError:
    """An OsaError in Python's words (``scheduler=``) that the command line prints in its
    own (``--scheduler``): this layer does not know which one called it."""
    error = OsaError(python)
    error.cli_message = cli
    return error


class DaskExecutor(Executor):
    """Workers of a ``dask.distributed`` cluster, given by the scheduler address or a Client."""

    kind = "dask"

    def __init__(self, scheduler: Any, connect_timeout: float = 10.0) -> None:
        require_dask()
        import distributed

        self._own_client = not isinstance(scheduler, distributed.Client)
        if self._own_client:
            try:
                self.client = distributed.Client(
                    str(scheduler), timeout=connect_timeout, set_as_default=False)
            except (OSError, TimeoutError, ValueError) as exc:
                why = f"cannot reach the Dask scheduler at {scheduler!r} ({exc}); give its address"
                raise worded(f'{why}, e.g. scheduler="tcp://10.0.0.5:8786"',
                             f"{why}, e.g. --scheduler tcp://10.0.0.5:8786") from None
        else:
            self.client = scheduler
        self.address = getattr(self.client.scheduler, "address", str(scheduler))

    @property
    def workers(self) -> int:
        info = self.client.scheduler_info()
        return max(1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values()))

    def describe(self) -> str:
        return f"Dask cluster {self.address} ({self.workers} worker threads)"

    def map(
        self, task: Task, shared: Any, items: Sequence[Any], stop: StopCheck = _never
    ) -> Iterator[tuple[int, Any]]:
        client = self.client
        # Sent once to every worker; tasks refer to it instead of carrying it.
        shared_future = client.scatter(shared, broadcast=True, hash=False)
        pending = {client.submit(task, shared_future, item, pure=False): i
                   for i, item in enumerate(items)}
        try:
            for future, index in _poll(pending, stop):
                yield index, future.result()
        finally:
            if pending:
                client.cancel(list(pending))
            client.cancel([shared_future])

    def close(self) -> None:
        if self._own_client:
            self.client.close()


def make_executor(jobs: int = 1, scheduler: Any = None) -> Executor:
    """The executor for ``--jobs N`` / ``--scheduler ADDRESS``.

    Parameters
    ----------
    jobs : local worker processes; 1 runs in this process.
    scheduler : a Dask scheduler address (``tcp://host:8786``) or a ``distributed.Client``;
        when given, the cluster's workers do the work and ``jobs`` is not used.

    Raises
    ------
    OsaError
        ``jobs`` < 1, Dask is not installed, or the scheduler cannot be reached (exit 2).

    >>> make_executor(jobs=1).describe()
    '1 process (serial)'
    """
    if scheduler is not None:
        return DaskExecutor(scheduler)
    if int(jobs) < 1:
        raise OsaError(f"jobs must be 1 or more, got {jobs}")
    return Executor() if int(jobs) == 1 else ProcessExecutor(int(jobs))


@contextlib.contextmanager
def stop_on_interrupt() -> Iterator[StopCheck]:
    """While inside, the first Ctrl-C asks the work to stop instead of raising.

    Yields a function that tells whether Ctrl-C was pressed. A second Ctrl-C interrupts at
    once (KeyboardInterrupt). Outside the main thread, Ctrl-C cannot be caught here and the
    function always answers False.

    >>> with stop_on_interrupt() as stopped:
    ...     stopped()
    False
    """
    if threading.current_thread() is not threading.main_thread():
        yield _never
        return
    requested = threading.Event()
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum: int, frame: Any) -> None:
        requested.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    signal.signal(signal.SIGINT, handler)
    try:
        yield requested.is_set
    finally:
        signal.signal(signal.SIGINT, previous)
