"""Per-document work in worker processes (or on a Dask cluster), with time and memory limits.

Workers only compute; the parent alone writes the knowledge base. A document that hangs, runs out of
memory or kills its worker costs that one document: the parent records it and the batch goes on.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from spacy.language import Language

from rapportkb.process import DEFAULT_READER, DocumentTimeout, Processed, error_result, process_file

#: What one task gives back: the document record and its section records, plain picklable dicts.
Outcome = tuple[dict[str, Any], list[dict[str, Any]]]


@dataclass(frozen=True)
class Task:
    """One file to process, with everything a worker on another machine needs to know."""

    path: str
    source: str
    report_date: date | None = None
    reader: str = DEFAULT_READER
    timeout: float | None = None
    max_pages: int | None = None
    explain_hyphens: bool = False
    #: NER backend ("spacy" or "stanza") and, for stanza, the models folder (None: Stanza's default).
    backend: str = "spacy"
    stanza_dir: str | None = None


_local = threading.local()


def _tagger(backend: str = "spacy", stanza_dir: str | None = None) -> Language:
    # One pipeline per worker thread and backend, loaded on first use: a worker process pays the load once.
    taggers = getattr(_local, "taggers", None)
    if taggers is None:
        taggers = _local.taggers = {}
    key = (backend, stanza_dir)
    if key not in taggers:
        from nlp.pipeline import build_pipeline

        taggers[key] = build_pipeline(backend=backend, stanza_dir=Path(stanza_dir) if stanza_dir else None)
    return taggers[key]


def _watch_parent(parent: int) -> None:
    # A parent killed by -9 cannot stop its workers; they stop themselves instead of burning CPU.
    # Workers are children of the forkserver, which exits with the parent: either change means gone.
    server = os.getppid()
    while os.getppid() == server:
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            break
        except PermissionError:
            pass
        time.sleep(0.5)
    os._exit(1)


def init_worker(
    parent: int, max_memory: int | None, backend: str = "spacy", stanza_dir: str | None = None
) -> None:
    """Process-pool initializer: memory limit, parent watch, and the spaCy pipeline loaded once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if max_memory:
        import resource

        # The limit comes on top of what a warmed-up worker maps (the first document loads lexicons
        # lazily, ~200 MB), so it means what one document may use.
        _warm_up(backend, stanza_dir)
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = _address_space() + max_memory
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    _tagger(backend, stanza_dir)


_WARM_UP_TEXT = (
    "Region Norrbotten\n\nUnder januari 2023 hade Luleå kommun 29 bokade möten med före-\n"
    "tag i Kiruna och Piteå, och 1,5 miljoner kronor gick till projektet.\n"
)


def _warm_up(backend: str = "spacy", stanza_dir: str | None = None) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "uppvärmning.txt"
        path.write_text(_WARM_UP_TEXT, encoding="utf-8")
        process_file(path, path.name, _tagger(backend, stanza_dir))


def _address_space() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise DocumentTimeout into the enclosed code after `seconds`.

    SIGALRM in a main thread (process workers); elsewhere (Dask runs tasks in threads) an asynchronous
    exception. Both interrupt Python code only: a hang inside C code is the parent's watchdog's job.
    """
    if not seconds:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):

        def expire(signum: int, frame: Any) -> None:
            raise DocumentTimeout

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    target = threading.get_ident()
    armed = threading.Lock()
    state = {"active": True}

    def expire_thread() -> None:
        with armed:
            if state["active"]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(target), ctypes.py_object(DocumentTimeout)
                )

    timer = threading.Timer(seconds, expire_thread)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with armed:
            state["active"] = False
        timer.cancel()


def run_task(task: Task) -> Outcome:
    """Process one file in this worker; always returns records, never raises."""
    started = time.perf_counter()
    try:
        with time_limit(task.timeout):
            processed = process_file(
                Path(task.path),
                task.source,
                _tagger(task.backend, task.stanza_dir),
                task.report_date,
                task.reader,
                task.max_pages,
                task.explain_hyphens,
            )
    except DocumentTimeout:
        # The limit struck between process_file's own handlers and the end of the block.
        processed = _timeout_result(task, time.perf_counter() - started)
    return processed.document, processed.sections


def _info(task: Task) -> dict[str, str]:
    from rapportkb.process import pipeline_version

    model = "rapportkb" if task.backend == "spacy" else f"rapportkb_{task.backend}"
    return {"version": pipeline_version(), "model": model, "reader": task.reader}


def _timeout_result(task: Task, seconds: float) -> Processed:
    error = {
        "code": "timeout",
        "message": f"processing took longer than the time limit ({seconds:.0f} s); add it alone with a "
        "larger --timeout, or split the PDF",
    }
    return error_result(Path(task.path), task.source, error, _info(task), seconds)


def _died_result(task: Task, exitcode: int | None, max_memory: int | None) -> Processed:
    how = f"signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"exit status {exitcode}"
    if max_memory:
        error = {
            "code": "too_large",
            "message": f"the worker reading this file died ({how}), most likely at the memory limit; add "
            "it alone with a larger --max-memory, or split the PDF",
        }
    else:
        error = {
            "code": "corrupt",
            "message": f"the reader crashed on this file ({how}); it is probably damaged: get a fresh "
            "copy or repair it, e.g. with `qpdf in.pdf out.pdf`",
        }
    return error_result(Path(task.path), task.source, error, _info(task))


def _stop(pool: ProcessPoolExecutor) -> list[int | None]:
    """Kill the pool's workers (a hung one will not stop by asking); returns their exit codes."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with suppress(Exception):
            process.kill()
    codes = []
    for process in processes:
        with suppress(Exception):
            process.join(5)
        codes.append(process.exitcode)
    pool.shutdown(wait=False, cancel_futures=True)
    return codes


def run_local(
    tasks: Iterable[Task],
    workers: int,
    max_memory: int | None = None,
    grace: float = 30.0,
    work: Callable[[Task], Outcome] = run_task,
    backend: str = "spacy",
    stanza_dir: str | None = None,
) -> Iterator[tuple[Task, Outcome]]:
    """Run tasks on `workers` processes; yields (task, outcome) in completion order.

    When a worker dies, the documents it might have been holding are retried one at a time, so only
    the one that kills a worker alone is recorded as failed. A document past its time limit plus
    `grace` (stuck in C code, where the worker's own alarm cannot reach) gets its pool killed; the
    other documents in flight are simply redone. `work` is the per-task function (a module-level
    one, as the workers import it by name). Each worker loads the `backend` pipeline once, up front.
    """
    pending = deque(tasks)
    suspects: deque[Task] = deque()
    # forkserver: workers fork from a clean server process (no inherited lock or files of this one)
    # that has imported spaCy and our modules once, so replacing a dead worker is cheap.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["rapportkb.workers", "nlp.pipeline"])
    pool: ProcessPoolExecutor | None = None
    in_flight: dict[Future[Outcome], tuple[Task, float, bool]] = {}

    def submit(task: Task, suspect: bool) -> None:
        assert pool is not None
        in_flight[pool.submit(work, task)] = (task, time.monotonic(), suspect)

    try:
        while pending or suspects or in_flight:
            if pool is None:
                pool = ProcessPoolExecutor(
                    max_workers=workers,
                    mp_context=context,
                    initializer=init_worker,
                    initargs=(os.getpid(), max_memory, backend, stanza_dir),
                )
            if suspects:
                if not in_flight:
                    submit(suspects.popleft(), suspect=True)
            else:
                while pending and len(in_flight) < workers:
                    submit(pending.popleft(), suspect=False)
            done, _ = wait(list(in_flight), timeout=1.0, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                task, _, suspect = in_flight.pop(future)
                try:
                    yield task, future.result()
                except BrokenProcessPool:
                    broken = True
                    if suspect:
                        # Workers the broken pool terminated itself show -SIGTERM; the culprit shows its own.
                        codes = [code for code in _stop(pool) if code and code != -signal.SIGTERM]
                        died = _died_result(task, codes[0] if codes else None, max_memory)
                        yield task, (died.document, died.sections)
                    else:
                        suspects.append(task)
            now = time.monotonic()
            overdue = [
                future
                for future, (task, started, _) in in_flight.items()
                if task.timeout and now - started > task.timeout + grace
            ]
            for future in overdue:
                task, started, _ = in_flight.pop(future)
                hung = _timeout_result(task, now - started)
                yield task, (hung.document, hung.sections)
            if overdue:
                pending.extendleft(task for task, _, _ in in_flight.values())
                in_flight.clear()
                _stop(pool)
                pool = None
            elif broken:
                suspects.extend(task for task, _, _ in in_flight.values())
                in_flight.clear()
                _stop(pool)
                pool = None
    finally:
        if pool is not None:
            _stop(pool)


def run_in_process(tasks: Iterable[Task]) -> Iterator[tuple[Task, Outcome]]:
    """No worker processes (--workers 0): for debugging and small jobs; no memory limit, no watchdog."""
    for task in tasks:
        yield task, run_task(task)


def run_dask(tasks: Iterable[Task], scheduler: Any) -> Iterator[tuple[Task, Outcome]]:
    """Run tasks on a Dask distributed cluster; files must be readable at the same path on the workers.

    `scheduler` is an address ("tcp://host:8786") or a distributed.Client. A worker that dies is
    retried by Dask; a document that keeps killing workers is recorded as failed.
    """
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise RuntimeError("--executor dask needs Dask distributed: pip install 'rapportkb[dask]'") from exc
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        threads = sum(client.nthreads().values()) or 1
        source = iter(tasks)
        futures: dict[Any, Task] = {}
        running = as_completed()

        def submit_next() -> None:
            task = next(source, None)
            if task is not None:
                future = client.submit(run_task, task, pure=False)
                futures[future] = task
                running.add(future)

        # A bounded window keeps finished results from piling up in the cluster's memory.
        for _ in range(2 * threads):
            submit_next()
        for future in running:
            task = futures.pop(future)
            try:
                outcome = future.result()
            except Exception as exc:  # KilledWorker and friends: this document, not the batch
                died = _died_result(task, None, None)
                died.document["error"]["message"] = (
                    f"the Dask worker reading this file failed ({type(exc).__name__}); "
                    + died.document["error"]["message"]
                )
                outcome = (died.document, died.sections)
            future.release()
            yield task, outcome
            submit_next()
    finally:
        if client is not scheduler:
            client.close()
