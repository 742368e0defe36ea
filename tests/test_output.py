"""`-o FILE` refuses what it must not replace or create: a spec of the run (given, imported
or in the folder checked), a symbolic link, a FIFO, a file in a missing folder. Each is a
clear error with exit 2, given before any work, and nothing is written anywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from verifier.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "examples" / "03_obligation.nv").read_text(encoding="utf-8")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout + result.stderr


def assert_refused(code: int, output: str, reason: str) -> None:
    assert code == 2, output
    assert "nverify: error: cannot write the report to" in output and reason in output, output
    assert "Traceback" not in output and "internal error" not in output


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "self.nv"
    path.write_text(EXAMPLE, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", [[], ["negotiate"]])
def test_the_spec_itself(spec: Path, command: list[str]) -> None:
    assert_refused(*run(*command, str(spec), "-o", str(spec)), "it is an input of this run")
    assert spec.read_text(encoding="utf-8") == EXAMPLE


def test_the_spec_itself_in_diff(spec: Path) -> None:
    assert_refused(*run("diff", str(spec), f"{spec}@base", "-o", str(spec)), "it is an input of this run")
    assert spec.read_text(encoding="utf-8") == EXAMPLE


def test_the_spec_under_another_name(spec: Path, tmp_path: Path) -> None:
    os.link(spec, tmp_path / "hard.nv")
    assert_refused(*run(str(spec), "-o", str(tmp_path / "hard.nv")), "it is an input of this run")
    assert spec.read_text(encoding="utf-8") == EXAMPLE


def test_an_imported_file(tmp_path: Path) -> None:
    world = tmp_path / "world.nv"
    world.write_text("party pa;\nact a(actor: party);\n", encoding="utf-8")
    main_nv = tmp_path / "main.nv"
    main_nv.write_text('import "world.nv";\nclause c "C" { pa must not a; }\n', encoding="utf-8")
    assert_refused(*run(str(main_nv), "-o", str(world)), "it is an input of this run")
    assert world.read_text(encoding="utf-8").startswith("party pa;")


def test_a_new_spec_in_the_folder_checked(spec: Path, tmp_path: Path) -> None:
    assert_refused(*run(str(tmp_path), "-o", str(tmp_path / "report.nv")), "in the folder being checked")
    assert not (tmp_path / "report.nv").exists()


def test_a_symbolic_link(spec: Path, tmp_path: Path) -> None:
    target = tmp_path / "target.txt"
    target.write_text("kept\n", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(target)
    assert_refused(*run(str(spec), "-o", str(tmp_path / "link.txt")), "symbolic link")
    assert (tmp_path / "link.txt").is_symlink() and target.read_text(encoding="utf-8") == "kept\n"


def test_a_dangling_symbolic_link(spec: Path, tmp_path: Path) -> None:
    (tmp_path / "link.txt").symlink_to(tmp_path / "nowhere.txt")
    assert_refused(*run(str(spec), "-o", str(tmp_path / "link.txt")), "symbolic link")
    assert not (tmp_path / "nowhere.txt").exists()


def test_a_fifo(spec: Path, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    assert_refused(*run(str(spec), "-o", str(tmp_path / "pipe")), "not a regular file")


def test_a_missing_folder_is_not_created(spec: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "deeper" / "report.json"
    assert_refused(*run(str(spec), "-o", str(target)), "does not exist")
    assert not (tmp_path / "missing").exists()


def test_a_plain_new_file_is_written_atomically(spec: Path, tmp_path: Path) -> None:
    code, _ = run(str(spec), "--format", "json", "-o", str(tmp_path / "report.json"))
    assert code in (0, 1)
    assert (tmp_path / "report.json").read_text(encoding="utf-8").startswith("{")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json", "self.nv"]
