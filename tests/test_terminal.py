"""The terminal experience: the progress line, --quiet and --verbose."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.report_support import DATA, REPO, nverify
from verifier.findings import Finding, FindingKind, Report, Severity
from verifier.progress import Activity, ProgressLine

ERASE = "\x1b[2K"  # erase the line (rich's live display ends by erasing its line)
CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|[\r\n]")


def visible(drawn: str) -> str:
    """What a drawing shows, without its control sequences."""
    return CONTROL.sub("", drawn)


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _session(name: str, path: str) -> SimpleNamespace:
    return SimpleNamespace(instrument=SimpleNamespace(name=name, path=path))


def test_activity_times_and_counts_per_instrument() -> None:
    now = [100.0]
    activity = Activity(clock=lambda: now[0])
    assert activity.status().startswith("nverify: loading specs")
    a, b = _session("alpha", "a.nv"), _session("beta", "b.nv")
    now[0] = 100.5
    activity("session", a)
    for _ in range(3):
        activity("query", a)
    now[0] = 102.0
    activity("session", b)
    activity("query", b)
    assert activity.status().startswith("nverify: checking beta \u00b7 ") and activity.status().endswith("b.nv")
    assert "1 instrument done" in activity.status()
    assert "4 queries" in activity.status()
    now[0] = 102.25
    activity.finish()
    report = Report(findings=[Finding(FindingKind.CONFLICT, Severity.ERROR, "", "a.nv", ())] * 2)
    lines = activity.verbose_lines(report)
    assert lines == ["nverify: loading and parsing: 0.50 s",
                     "nverify: alpha (a.nv): 1.50 s, 3 queries, 2 findings",
                     "nverify: beta (b.nv): 0.25 s, 1 query, 0 findings",
                     "nverify: total: 2 instruments, 4 queries, 2.25 s"]


def test_progress_line_draws_on_a_terminal_and_erases_itself() -> None:
    stream = FakeTty()
    with ProgressLine(stream, lambda: "working", delay=0, interval=0.01):
        time.sleep(0.1)
    out = stream.getvalue()
    assert "working" in out
    assert out.endswith(ERASE)
    # (A newline is only ever followed by a return to the line above: the line stays one line.)
    assert out.count("\n") == out.count("\x1b[1A")


def test_progress_line_waits_a_second_before_showing() -> None:
    stream = FakeTty()
    with ProgressLine(stream, lambda: "working", delay=1.0, interval=0.01):
        time.sleep(0.05)
    assert stream.getvalue() == ""


def test_progress_line_is_silent_off_a_terminal() -> None:
    stream = io.StringIO()
    line = ProgressLine(stream, lambda: "working", delay=0, interval=0.01)
    with line:
        time.sleep(0.05)
    assert stream.getvalue() == "" and not line.active


def test_progress_line_never_wraps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback=(80, 24): os.terminal_size((30, 24)))
    stream = FakeTty()
    with ProgressLine(stream, lambda: "x" * 200, delay=0, interval=0.01):
        time.sleep(0.05)
    drawn = [visible(part) for part in stream.getvalue().split(ERASE) if visible(part)]
    assert drawn and all(len(part) <= 29 for part in drawn)


# ---- the command line ------------------------------------------------------------


def test_quiet_prints_only_the_summary_line(tmp_path: Path) -> None:
    proc = nverify("--quiet", DATA / "drafts.nv")
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("1 instrument checked; ")
    assert proc.stdout == ""
    full = nverify(DATA / "drafts.nv")
    assert full.stderr == proc.stderr

    out = tmp_path / "r.json"
    with_file = nverify("-q", "--format", "json", "-o", out, DATA / "drafts.nv")
    assert with_file.returncode == 1 and with_file.stderr == proc.stderr and with_file.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("{")


def test_the_summary_line_goes_to_stderr_in_every_format_and_with_o(tmp_path: Path) -> None:
    """The text report on standard output leaves its summary line to standard error; the other
    formats, and any report written with -o FILE, keep theirs, and standard error has it too."""
    text = nverify(DATA / "drafts.nv")
    line = text.stderr
    assert line.startswith("1 instrument checked; ") and line.count("\n") == 1
    assert text.stdout.endswith("\n\n") and not text.stdout.rstrip("\n").splitlines()[-1].startswith("1 instrument")
    for fmt in ("json", "sarif", "markdown", "html"):
        proc = nverify("--format", fmt, DATA / "drafts.nv")
        assert proc.returncode == 1 and proc.stderr == line, fmt
    out = tmp_path / "r.txt"
    to_file = nverify("-o", out, DATA / "drafts.nv")
    assert to_file.returncode == 1 and to_file.stdout == "" and to_file.stderr == line
    assert out.read_text(encoding="utf-8") == text.stdout + line


def test_quiet_needs_a_file_for_other_formats_and_excludes_verbose() -> None:
    proc = nverify("--quiet", "--format", "json", DATA / "drafts.nv")
    assert proc.returncode == 2 and "-o FILE" in proc.stderr
    proc = nverify("--quiet", "--verbose", DATA / "drafts.nv")
    assert proc.returncode == 2 and "cannot be used together" in proc.stderr


def test_verbose_adds_timings_on_stderr_only() -> None:
    """And shows expected findings in full, as --show-expected does; the rest of stdout is the same."""
    plain = nverify("--show-expected", DATA / "drafts.nv")
    proc = nverify("--verbose", DATA / "drafts.nv", DATA / "escaping.nv")
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("nverify: loading and parsing: ")
    assert any(line.startswith("nverify: drafts (tests/data/report/drafts.nv): ") and " queries, " in line
               for line in lines)
    assert any(line.startswith("nverify: escaping (tests/data/report/escaping.nv): ") for line in lines)
    assert lines[-2].startswith("nverify: total: 2 instruments, ")
    assert lines[-1].startswith("2 instruments checked; ")
    solo = nverify("--verbose", DATA / "drafts.nv")
    assert solo.stdout == plain.stdout


def test_no_progress_when_stderr_is_not_a_terminal() -> None:
    proc = nverify(DATA / "drafts.nv", env={"NVERIFY_PROGRESS_DELAY": "0"})
    assert "\x1b" not in proc.stderr and proc.stderr.startswith("1 instrument checked; ")
    assert proc.stderr.count("\n") == 1


def test_progress_on_a_real_terminal() -> None:
    """stderr on a pty: the line shows (with no delay), then is erased; stdout is the plain report."""
    master, slave = pty.openpty()
    env = {**os.environ, "NVERIFY_PROGRESS_DELAY": "0", "COLUMNS": "120"}
    proc = subprocess.Popen([sys.executable, "-m", "verifier", str(DATA / "drafts.nv")], cwd=REPO, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    stdout, _ = proc.communicate(timeout=120)
    reader.join(timeout=10)
    os.close(master)
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "nverify: " in shown and ("checking drafts" in shown or "loading specs" in shown)
    assert ERASE in shown
    assert "1 instrument checked; " in shown.rsplit(ERASE, 1)[1]  # the summary line, after the last erase
    assert stdout == nverify(DATA / "drafts.nv").stdout
