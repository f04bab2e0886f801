"""Processes that render PDF chunks side by side, so big documents use every core.

The workers fork from a server process that has imported WeasyPrint once (``forkserver``: no
fork of a process with threads and open database connections); each warms its fonts once and
renders many chunks. The pool lives as long as the app process; ``shutdown`` ends it.
"""

import multiprocessing
import os
import select
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import repeat

from conference.documents import engine

# A worker is replaced after this many chunks, which bounds what a long-lived process can accumulate.
CHUNKS_PER_WORKER = 200

_executor: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def _pool() -> ProcessPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["conference.documents.engine"])
            _executor = ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=context,
                                            initializer=_start_worker, initargs=(os.getpid(),),
                                            max_tasks_per_child=CHUNKS_PER_WORKER)
        return _executor


def _start_worker(app_pid: int) -> None:
    engine.warm_up()
    threading.Thread(target=_exit_with, args=(app_pid,), daemon=True).start()


def _exit_with(app_pid: int) -> None:
    """End this worker when the app process ends, however it ends.

    A killed app leaves its workers waiting on the task queue for ever (they hold its pipe themselves),
    and with them the forkserver and the resource tracker, which wait for every holder of their pipes.
    Once the workers are gone, those two see the end of their pipes and exit as well.
    """
    try:
        select.select([os.pidfd_open(app_pid)], [], [])  # a process's pidfd turns readable when it ends
    except ProcessLookupError:
        pass  # it has ended already
    os._exit(0)


def render_in_parallel(html_chunks: Iterable[str], folders: dict[str, str], tagged: bool = True) -> Iterator[bytes]:
    """The PDF of each chunk, in the order given, rendered by the pool."""
    try:
        yield from _pool().map(engine.html_to_pdf, html_chunks, repeat(folders), repeat(tagged))
    except BrokenProcessPool:
        shutdown()  # a worker died (killed, out of memory): the next call starts a new pool
        raise


def shutdown() -> None:
    global _executor
    with _lock:
        if _executor is not None:
            _executor.shutdown(cancel_futures=True)
            _executor = None
