"""Where `-o FILE` may write, and writing it atomically.

A report never replaces what the user did not mean to lose: a spec of the run, the
target of a symbolic link (or the link itself), a FIFO or device, and it never
creates folders. Each refusal is a usage error (exit 2) given before any work.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from verifier.interrupt import pending


class OutputError(Exception):
    """`-o FILE` names a place nverify will not write to (exit 2)."""


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _inside(path: Path, folder: Path) -> bool:
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))
    except (OSError, ValueError):
        return False


def refuse_unsafe(output: Path, inputs: Iterable[Path] = ()) -> None:
    """Raise OutputError when `output` is not a place for a report; `inputs` are the files and
    folders the run reads (a folder's `.nv` files are all inputs)."""
    try:
        info = os.lstat(output)
    except FileNotFoundError:
        info = None
    except (OSError, ValueError) as err:
        raise OutputError(f"cannot write the report to {output}: {getattr(err, 'strerror', None) or err}") from None
    cannot = f"cannot write the report to {output}:"
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise OutputError(f"{cannot} it is a symbolic link; nverify does not write a report through a link "
                          "(name the file itself)")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise OutputError(f"{cannot} it is not a regular file (a folder, FIFO or device); name a file")
    parent = output.parent
    if not parent.exists():
        raise OutputError(f"{cannot} the folder {parent} does not exist; nverify does not create folders "
                          "for a report (create it first)")
    for source in inputs:
        if info is not None and _same_file(source, output):
            raise OutputError(f"{cannot} it is an input of this run, which the report would replace")
        if output.suffix == ".nv" and Path(source).is_dir() and _inside(output, source):
            raise OutputError(f"{cannot} it is a `.nv` file in the folder being checked; name a file outside "
                              "it or with another extension")


def write_atomically(text: str, output: Path) -> None:
    """Write through a temporary file in the same folder, then rename: a reader never sees half
    a report, and a failed write leaves the old one. Raises OutputError or OSError."""
    refuse_unsafe(output)  # (again: the place may have changed while the run lasted)
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    with pending(tmp):
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            # mkstemp makes the file private (0600); the report gets the mode the file had, or
            # that of any new file (0666 less the umask), as if it were written in place.
            os.chmod(tmp, _mode_for(output))
            os.replace(tmp, output)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _mode_for(output: Path) -> int:
    try:
        return output.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
