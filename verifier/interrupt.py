"""Ctrl-C on the command line: exit code 130 at once, no report, no temporary file left.

`install` is called by the command's entry point (`verifier.__main__.main`, and `cli.main`
when click runs it as the command), never on import, never under CliRunner or in a library
caller, which keep Python's own Ctrl-C. Files being
written register themselves with `pending` so that an interrupt removes them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator

EXIT_INTERRUPTED = 130
_PENDING: set[str] = set()  # temporary files (reports, SMT-LIB), removed if the run is interrupted


@contextlib.contextmanager
def pending(path: str) -> Iterator[None]:
    """While the block runs, `path` is a temporary file that an interrupt removes."""
    _PENDING.add(path)
    try:
        yield
    finally:
        _PENDING.discard(path)


def _stop() -> None:
    for path in list(_PENDING):
        with contextlib.suppress(OSError):
            os.unlink(path)
    os.write(2, b"nverify: interrupted; no report was written\n")
    os._exit(EXIT_INTERRUPTED)


def install() -> None:
    """Ctrl-C ends the run at once: exit code 130, one line on stderr, never a traceback.

    A KeyboardInterrupt raised in Python lands wherever the interpreter happens to be
    (inside click, or in a Z3 destructor, where Python swallows it and the run goes on),
    and a long solver call would not see it before it returns. So the signal only wakes
    a watcher thread (through the wakeup fd, written even while Z3 runs), which removes
    temporary files and ends the process.

    Z3 installs a SIGINT handler of its own for the length of each solver call (and
    Optimize call), which takes the signal from Python and turns it into an `unknown`
    answer: the run went on and wrote its report. Its global parameter `ctrl_c` turns
    that off. It is set globally, once, here: Optimize reads it from nowhere else, and
    whoever owns the process's SIGINT (this function) is who must say so. It is set even when
    Ctrl-C is ignored: Z3's handler would otherwise cancel a query of a background job.
    """
    global _installed
    if _installed:
        return
    _installed = True
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # (a background job keeps Ctrl-C ignored)
        read_fd, write_fd = os.pipe()
        os.set_blocking(write_fd, False)
        signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
        signal.signal(signal.SIGINT, lambda signum, frame: None)

        def watch() -> None:
            while True:
                if signal.SIGINT in os.read(read_fd, 64):
                    _stop()

        threading.Thread(target=watch, name="nverify-interrupt", daemon=True).start()
    import z3  # (after the handler: importing Z3 takes a moment)

    z3.set_param("ctrl_c", False)


_installed = False
