"""A forked helper process that runs the side lane's steps (see `lanes`) beside the lead.

The runner forks it at the first batch of at least `MIN_BATCH` messages, so it inherits the
steps already built (models, gazetteer, lexicons) and costs no loading. Then, per batch, the
lead sends the items, runs its own lane, and reads back the side lane's stamped annotations
and step times. The exchange is strictly one request, one reply, over one socket pair.

Robustness rules:
- it is only forked from the main thread, on a machine with two cores or more, where the
  platform can fork, and unless `SITROOM_ANALYSIS_HELPER=0`;
- right after the fork the helper closes every inherited file descriptor but its socket and
  standard streams (it must not keep the archive's writer lock, the database, a server's
  listening socket or another helper's socket open), ignores Ctrl-C (the lead decides), and
  exits when its socket closes: the lead closed it, finished, or died;
- any failure (fork refused, helper gone, a reply that cannot be read) marks the helper
  broken and the batch's side lane runs in the lead instead; a step that raised in the helper
  is re-run in the lead, so the error surfaces there as it would without a helper.
Results do not depend on where a step ran: side-lane steps keep no state but caches.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import sys
import threading
import time
import traceback
import weakref
from collections.abc import Sequence
from multiprocessing import Pipe
from multiprocessing.connection import Connection

from sitroom.analysis.base import AnalysisItem, AnalysisStep, Annotations
from sitroom.analysis.chain import StepTimings, run_chain

log = logging.getLogger(__name__)

MIN_BATCH = 256
ENV_SWITCH = "SITROOM_ANALYSIS_HELPER"
_STOP_WAIT = 2.0

SideResult = tuple[list[list[Annotations]], dict[str, float]]


def helper_allowed() -> bool:
    """Whether a helper process may be forked here and now (see the module docstring)."""
    if os.environ.get(ENV_SWITCH, "1").strip().lower() in ("0", "no", "off", "false"):
        return False
    if not hasattr(os, "fork") or threading.current_thread() is not threading.main_thread():
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores >= 2


class SideProcess:
    """Some of the runner's steps, run in a forked helper process, one batch at a time."""

    def __init__(self, steps: Sequence[AnalysisStep]) -> None:
        """`steps`: all the runner's steps; each batch names the ones to run."""
        self._steps = list(steps)
        self._conn: Connection | None = None
        self._pid: int | None = None
        self._broken = False
        self._waiting = False
        self._finalizer: weakref.finalize[[Connection, int], SideProcess] | None = None

    @property
    def broken(self) -> bool:
        """Whether the helper failed (the side lane then runs in the lead)."""
        return self._broken

    @property
    def running(self) -> bool:
        """Whether a helper process has been forked and not stopped."""
        return self._pid is not None

    def submit(self, indexes: Sequence[int], items: Sequence[AnalysisItem]) -> bool:
        """Send a batch and the indexes of the steps to run on it (forking the helper first
        if needed); False when it cannot be done."""
        if self._broken:
            return False
        if self._conn is None and not self._start():
            return False
        assert self._conn is not None
        try:
            self._conn.send((tuple(indexes), list(items)))
        except Exception as exc:  # a dead helper, or items that cannot be pickled
            self._fail("cannot send the batch to the analysis helper", exc)
            return False
        self._waiting = True
        return True

    def collect(self) -> SideResult | None:
        """The reply to the last `submit`: per side step, each item's stamped annotations,
        and the seconds each step took; None when the lead must run the side lane itself."""
        if not self._waiting or self._conn is None:
            return None
        self._waiting = False
        try:
            reply = self._conn.recv()
        except Exception as exc:  # EOF (the helper died), or a reply that cannot be read
            self._fail("the analysis helper did not answer", exc)
            return None
        if not isinstance(reply, tuple) or len(reply) != 3 or reply[0] != "ok":
            detail = reply[1] if isinstance(reply, tuple) and len(reply) == 2 else repr(reply)
            log.warning("a step failed in the analysis helper; re-running the batch's side "
                        "lane in this process: %s", detail)
            return None
        return reply[1], reply[2]

    def abandon(self) -> None:
        """Stop using the helper (the lead failed while a batch was out): stop it for good."""
        self._broken = True
        self.close()

    def close(self) -> None:
        """Stop the helper process, if one runs (it exits when its socket closes)."""
        self._waiting = False
        if self._finalizer is not None:
            self._finalizer()
            self._finalizer = None
        self._conn, self._pid = None, None

    def _start(self) -> bool:
        if not helper_allowed():  # asked again at the next batch (another thread, say)
            return False
        try:
            lead_end, side_end = Pipe(duplex=True)
        except OSError as exc:
            self._fail("cannot open a socket to an analysis helper", exc)
            return False
        for stream in (sys.stdout, sys.stderr):  # nothing buffered may be written twice
            with contextlib.suppress(Exception):
                if stream is not None:
                    stream.flush()
        try:
            pid = os.fork()
        except OSError as exc:
            lead_end.close()
            side_end.close()
            self._fail("cannot fork an analysis helper", exc)
            return False
        if pid == 0:  # the helper: never returns
            _helper_main(side_end, self._steps)
        side_end.close()
        self._conn, self._pid = lead_end, pid
        self._finalizer = weakref.finalize(self, _stop, lead_end, pid)
        return True

    def _fail(self, what: str, exc: BaseException) -> None:
        log.warning("%s (%s: %s); the side steps run in this process from now on",
                    what, type(exc).__name__, exc)
        self._broken = True
        self.close()


def _stop(conn: Connection, pid: int) -> None:
    """Close the helper's socket and reap it (killed when it does not exit promptly)."""
    with contextlib.suppress(OSError):
        conn.close()
    deadline = time.monotonic() + _STOP_WAIT
    while True:
        try:
            done, _status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done:
            return
        if time.monotonic() >= deadline:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            return
        time.sleep(0.01)


def _helper_main(conn: Connection, steps: Sequence[AnalysisStep]) -> None:
    """The helper process: serve batches until the socket closes, then exit at once."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _close_inherited(conn.fileno())
        gc.enable()
        gc.freeze()  # what was inherited stays put: no collector pass copies its pages
        _serve(conn, steps)
    except BaseException:  # the helper must never unwind into the lead's code
        code = 1
    finally:
        os._exit(code)


def _close_inherited(keep: int) -> None:
    """Close every file descriptor but `keep` and the standard streams."""
    try:
        descriptors = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        descriptors = list(range(3, 1024))
    for fd in descriptors:
        if fd > 2 and fd != keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def _serve(conn: Connection, steps: Sequence[AnalysisStep]) -> None:
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        timings = StepTimings()
        reply: tuple[object, ...]
        gc.disable()
        try:
            indexes, items = request
            chain = [steps[index] for index in indexes]
            reply = ("ok", run_chain(chain, items, timings), timings.seconds)
        except Exception:
            reply = ("error", traceback.format_exc(limit=8))
        finally:
            gc.enable()
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return
        except Exception:  # a result that cannot be pickled: the lead re-runs the batch
            conn.send(("error", traceback.format_exc(limit=8)))
