"""Processes that render PDF chunks side by side, so big documents use every core, each within a time limit.

The workers fork from a server process that has imported WeasyPrint once (``forkserver``: no
fork of a process with threads and open database connections); each warms its fonts once and
renders many chunks. A chunk that takes longer than its time limit has its worker stopped (and
replaced), so a hostile or monstrous document cannot keep a process busy for minutes: pebble's pool
does this, which the standard library's cannot before Python 3.14. The pool lives as long as the app
process; ``shutdown`` ends it.
"""

import multiprocessing
import os
import select
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import TimeoutError

from pebble import ProcessPool

from conference.documents import engine

# A worker is replaced after this many chunks, which bounds what a long-lived process can accumulate.
CHUNKS_PER_WORKER = 200

_pool_of_process: ProcessPool | None = None
_lock = threading.Lock()


class TooSlow(Exception):
    """A chunk took longer than its time limit; its worker was stopped."""


def _pool() -> ProcessPool:
    global _pool_of_process
    with _lock:
        if _pool_of_process is None or not _pool_of_process.active:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["conference.documents.engine"])
            _pool_of_process = ProcessPool(
                max_workers=os.cpu_count() or 1,
                max_tasks=CHUNKS_PER_WORKER,
                initializer=_start_worker,
                initargs=(os.getpid(),),
                context=context,
            )
        return _pool_of_process


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


def render_in_parallel(
    html_chunks: Iterable[str], folders: dict[str, str], tagged: bool = True, seconds: float = 60
) -> Iterator[bytes]:
    """The PDF of each chunk, in the order given, rendered by the pool; TooSlow as soon as one chunk takes
    longer than ``seconds`` once a worker has started it (the chunks not yet rendered are dropped)."""
    futures = [
        _pool().schedule(engine.html_to_pdf, args=(html, folders, tagged), timeout=seconds) for html in html_chunks
    ]
    try:
        for future in futures:
            try:
                yield future.result()
            except TimeoutError as error:
                raise TooSlow(f"a chunk took longer than {seconds} s") from error
    finally:
        for future in futures:
            future.cancel()


def shutdown() -> None:
    global _pool_of_process
    with _lock:
        if _pool_of_process is not None:
            _pool_of_process.stop()
            _pool_of_process.join()
            _pool_of_process = None
