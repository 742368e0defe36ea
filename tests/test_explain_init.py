"""`nverify explain [KIND]` and `nverify init [PATH]`."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.report_support import check, nverify
from verifier import kinds
from verifier.cli import main
from verifier.findings import FindingKind
from verifier.starter import instrument_name


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


# ---- explain ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", [k.value for k in FindingKind])
def test_explain_every_kind(kind: str) -> None:
    code, out, err = _invoke("explain", kind)
    assert code == 0, err
    info = kinds.info(FindingKind(kind))
    assert out.startswith(f"{kind}: {info.summary}")
    for heading in ("What it finds", "Why it matters", "Evidence"):
        assert f"\n{heading}\n" in out
    assert "\nExample (`nverify " in out
    assert info.example.splitlines()[0] in out
    assert "\nWhat nverify says about it\n" in out
    assert f"[{kind}]" in out.split("What nverify says about it", 1)[1]


@pytest.mark.parametrize("kind", list(FindingKind), ids=lambda k: k.value)
def test_each_example_produces_its_kind(kind: FindingKind) -> None:
    info = kinds.info(kind)
    code, text = kinds.run_example(info)
    assert f"[{kind.value}]" in text
    if kind in (FindingKind.EXPECTATION_FAILED, FindingKind.UNKNOWN):
        assert code == 1
    else:
        assert code == 0, f"the example's own `expect` should cover every finding:\n{text}"


def test_text_comes_from_the_check_docstrings() -> None:
    for kind in FindingKind:
        info = kinds.info(kind)
        if info.module is None:
            continue
        doc = importlib.import_module(info.module).__doc__
        _, sections = kinds.parse_docstring(doc or "")
        for heading, body in sections:
            if heading != "Example":
                assert (info.section(heading) or "").startswith(body), (kind, heading)


def test_parse_docstring() -> None:
    first, sections = kinds.parse_docstring('''Things: a summary.

What it finds
    One line,
    and its continuation.
Query
    `A` is unsat.
''')
    assert first == "Things: a summary."
    assert sections == (("What it finds", "One line, and its continuation."), ("Query", "`A` is unsat."))
    assert kinds.parse_docstring("Title.\n\nA plain body\nin two lines.\n")[1] == (
        ("What it finds", "A plain body in two lines."),)


def test_explain_lists_kinds_and_forgives_spelling() -> None:
    code, out, _ = _invoke("explain")
    assert code == 0
    for kind in FindingKind:
        assert f"  {kind.value} " in out
    assert kinds.lookup("HollowPermission") is FindingKind.HOLLOW_PERMISSION
    assert kinds.lookup("blockable_guarantee") is FindingKind.BLOCKABLE_GUARANTEE
    code, out, err = _invoke("explain", "pretxt")
    assert code == 2 and "did you mean `pretext`?" in err


def test_explain_without_running() -> None:
    code, out, _ = _invoke("explain", "--no-run", "conflict")
    assert code == 0 and "What nverify says" not in out and "expect conflict on art5, art7 by usa;" in out


# ---- init ----------------------------------------------------------------------------


def test_init_writes_a_starter_that_checks_cleanly(tmp_path: Path) -> None:
    proc = nverify("init", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    spec = tmp_path / "instrument.nv"
    assert spec.is_file() and "instrument.nv" in proc.stdout
    checked = nverify(spec, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    report = check([spec])
    assert report.findings and all(f.expected for f in report.findings)
    assert report.expectations and all(e.met for e in report.expectations)
    assert {f.kind for f in report.findings} >= {FindingKind.PRETEXT, FindingKind.BLOCKABLE_GUARANTEE}


def test_init_never_overwrites(tmp_path: Path) -> None:
    spec = tmp_path / "draft.nv"
    spec.write_text("# mine\n", encoding="utf-8")
    proc = nverify("init", spec, cwd=tmp_path)
    assert proc.returncode == 2
    assert "already exists" in proc.stderr and "never overwrites" in proc.stderr
    assert spec.read_text(encoding="utf-8") == "# mine\n"


def test_init_into_a_folder_or_a_new_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "drafts").mkdir()
    code, _, err = _invoke("init", "drafts")
    assert code == 0, err
    assert (tmp_path / "drafts" / "instrument.nv").is_file()
    code, _, err = _invoke("init", "new/folder/my-draft.nv")
    assert code == 0, err
    text = (tmp_path / "new" / "folder" / "my-draft.nv").read_text(encoding="utf-8")
    assert "\ninstrument my_draft " in text and "`nverify new/folder/my-draft.nv`" in text
    code, _, err = _invoke("init", "drafts")
    assert code == 2 and "already exists" in err


def test_instrument_names() -> None:
    assert instrument_name(Path("my-draft.nv")) == "my_draft"
    assert instrument_name(Path("2024 treaty.nv")) == "instrument_2024_treaty"
    assert instrument_name(Path("---.nv")) == "instrument"
