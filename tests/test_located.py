"""Every error located: inputs that ended in "internal error" now get `file:line:col`, the
line and a caret, exit 2; options that cannot be a duration are usage errors.

Reproducers: an integer literal over 4,300 digits ("internal error: ValueError: Exceeds the
limit (4300 digits)"); an escaped NUL in an import path ("internal error: ValueError:
embedded null byte", which in a folder run hid every other file's diagnostics);
`--timeout nan` and `--timeout inf`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dsl.literals import MAX_DIGITS
from verifier.cli import main

ROOT = Path(__file__).resolve().parent.parent
WORLD = 'party pa;\nquantity q(p: party) controlled by p;\n'


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--color", "never", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout + result.stderr


def assert_located(code: int, output: str, *fragments: str) -> None:
    assert code == 2, output
    assert "Traceback" not in output and "internal error" not in output, output
    for fragment in fragments:
        assert fragment in output, output


def test_a_number_of_five_thousand_digits(tmp_path: Path) -> None:
    spec = tmp_path / "big.nv"
    spec.write_text(WORLD + 'clause c "C" { limit q(pa) <= ' + "9" * 5000 + "; }\n", encoding="utf-8")
    assert_located(*run(str(spec)), "big.nv:3:31: error[too-large]", "5,000 digits",
                   f"at most {MAX_DIGITS:,}", "3 | clause c", "^")


def test_digits_in_names_strings_and_comments_are_not_numbers(tmp_path: Path) -> None:
    long = "7" * 5000
    spec = tmp_path / "names.nv"
    spec.write_text(f'# {long}\nparty p{long};\nact a(actor: party);\nclause c "{long}" {{ p{long} must not a; }}\n',
                    encoding="utf-8")
    code, output = run(str(spec))
    assert code in (0, 1), output


def test_a_figure_of_a_thousand_digits_is_checked_and_shown(tmp_path: Path) -> None:
    """The largest literal allowed, in a model: the value is printed whole (through the
    command, which lifts Python's limit on converting long integers to text)."""
    figure = "1" + "0" * (MAX_DIGITS - 1)
    spec = tmp_path / "figure.nv"
    spec.write_text(WORLD + f"scenario big: q(pa) >= {figure} + {figure} + {figure};\n"
                            f"assert small: q(pa) <= {figure};\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "verifier", "--format", "json", str(spec)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    failed = [f for f in report["findings"] if f["kind"] == "expectation-failed"]
    assert len(failed) == 1 and int(failed[0]["scenario"]["quantities"]["q(pa)"]) > int(figure)


def test_a_nul_in_an_import_is_located_and_the_folder_still_reports_every_file(tmp_path: Path) -> None:
    (tmp_path / "nul.nv").write_text('party pa;\nimport "a\\u0000b.nv";\n', encoding="utf-8")
    (tmp_path / "other.nv").write_text('party pb;\nact a(actor: party);\nclause d "D" { pb must not b; }\n',
                                       encoding="utf-8")
    (tmp_path / "fine.nv").write_text('party pc;\nact a(actor: party);\nclause e "E" { pc must not a; }\n',
                                      encoding="utf-8")
    code, output = run(str(tmp_path))
    assert_located(code, output, "nul.nv:2:1: error[import-not-found]", "contains a NUL character",
                   "other.nv:3:28: error[unknown-name]", "2 errors in the input")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "0", "1e308", "ten"])
@pytest.mark.parametrize("command", [[], ["diff"], ["negotiate"]], ids=["check", "diff", "negotiate"])
def test_a_timeout_that_is_no_duration_is_a_usage_error(command: list[str], value: str) -> None:
    spec = str(ROOT / "examples" / "03_obligation.nv")
    files = [spec, spec] if command == ["diff"] else [spec]
    result = CliRunner().invoke(main, [*command, "--timeout", value, *files])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--timeout'" in result.output and "internal error" not in result.output
