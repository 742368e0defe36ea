"""Untrusted specs: imports stay in the folder being checked, no code from a spec is ever run,
and nothing is echoed from a file nverify was not asked to check.
"""

from __future__ import annotations

import ast
from pathlib import Path

from click.testing import CliRunner

from verifier.cli import main

ROOT = Path(__file__).resolve().parent.parent
SECRET = "TOP-SECRET-4711"
SPEC = 'instrument r "R";\nparty pa;\nact a(actor: party);\n'


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--color", "never", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout + result.stderr


def checked_folder(tmp_path: Path, importing: str) -> Path:
    """tmp/checked/main.nv imports `importing`; tmp/outside holds secrets."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.nv").write_text(f"party {SECRET.replace('-', '_')}; # {SECRET}\n", encoding="utf-8")
    (outside / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    checked = tmp_path / "checked"
    checked.mkdir()
    (checked / "main.nv").write_text(f'import "{importing}";\n' + SPEC + 'clause c "C" { pa must not a; }\n',
                                     encoding="utf-8")
    return checked


def assert_refused(code: int, output: str, *fragments: str) -> None:
    assert code == 2, output
    assert SECRET not in output and SECRET.replace("-", "_") not in output, output
    assert "Traceback" not in output and "internal error" not in output, output
    for fragment in fragments:
        assert fragment in output, output


# ---- imports stay inside the folder being checked ------------------------------------------------

def test_absolute_import(tmp_path: Path) -> None:
    folder = checked_folder(tmp_path, str(tmp_path / "outside" / "secret.nv"))
    assert_refused(*run(str(folder)), "main.nv:1:1: error[import-outside]", "is an absolute path")


def test_home_import(tmp_path: Path) -> None:
    folder = checked_folder(tmp_path, "~/secret.nv")
    assert_refused(*run(str(folder)), "error[import-outside]")


def test_import_escaping_with_dot_dot(tmp_path: Path) -> None:
    folder = checked_folder(tmp_path, "../outside/secret.nv")
    assert_refused(*run(str(folder)), "error[import-outside]", "leaves the folder being checked")


def test_import_escaping_even_when_the_file_is_named_directly(tmp_path: Path) -> None:
    folder = checked_folder(tmp_path, "../outside/secret.nv")
    assert_refused(*run(str(folder / "main.nv")), "error[import-outside]")


def test_import_through_a_symlinked_file(tmp_path: Path) -> None:
    folder = checked_folder(tmp_path, "link.nv")
    (folder / "link.nv").symlink_to(tmp_path / "outside" / "secret.nv")
    assert_refused(*run(str(folder / "main.nv")), "error[import-outside]", "leaves the folder being checked")


def test_import_through_a_symlinked_folder(tmp_path: Path) -> None:
    folder = checked_folder(tmp_path, "sub/secret.nv")
    (folder / "sub").symlink_to(tmp_path / "outside", target_is_directory=True)
    assert_refused(*run(str(folder / "main.nv")), "error[import-outside]")


def test_a_folder_member_that_links_outside_is_not_checked(tmp_path: Path) -> None:
    folder = tmp_path / "checked"
    folder.mkdir()
    outside = tmp_path / "outside.nv"
    outside.write_text(f"this is not a spec {SECRET}\n", encoding="utf-8")
    (folder / "link.nv").symlink_to(outside)
    assert_refused(*run(str(folder)), "link.nv is a link to a file outside")


def test_a_symlink_cycle_is_an_error_not_a_crash(tmp_path: Path) -> None:
    folder = checked_folder(tmp_path, "loop.nv")
    (folder / "loop.nv").symlink_to(folder / "loop2.nv")
    (folder / "loop2.nv").symlink_to(folder / "loop.nv")
    code, output = run(str(folder / "main.nv"))
    assert code == 2 and "Traceback" not in output and "internal error" not in output, output


def test_an_import_name_too_long_for_the_file_system(tmp_path: Path) -> None:
    """Found by fuzzing: `Path.is_file` raises ENAMETOOLONG, which was an internal error."""
    folder = checked_folder(tmp_path, "x" * 5000 + ".nv")
    code, output = run(str(folder / "main.nv"))
    assert code == 2 and "main.nv:1:1: error[import-not-found]" in output and "internal error" not in output


# ---- nothing echoed from files not asked for ----------------------------------------------------

def test_import_of_a_file_that_is_not_a_spec(tmp_path: Path) -> None:
    folder = checked_folder(tmp_path, "notes.txt")
    (folder / "notes.txt").write_text(f"password: {SECRET}\n", encoding="utf-8")
    assert_refused(*run(str(folder)), "error[import-not-found]", "does not name a spec file")


def test_import_of_a_non_spec_file_outside(tmp_path: Path) -> None:
    folder = checked_folder(tmp_path, "../outside/secret.txt")
    assert_refused(*run(str(folder)), "main.nv:1:1:")


def test_import_of_a_binary_file(tmp_path: Path) -> None:
    folder = checked_folder(tmp_path, "blob.nv")
    (folder / "blob.nv").write_bytes(b"party " + SECRET.encode() + b"\xff\xfe\x00 " + SECRET.encode() + b"\n")
    code, output = run(str(folder / "main.nv"))
    assert_refused(code, output, "main.nv:1:1: error[io-error]", "blob.nv is not UTF-8 text", "not shown")


def test_import_of_a_file_with_syntax_errors_inside_the_folder_is_quoted(tmp_path: Path) -> None:
    """A spec file of the folder being checked is the user's own: its errors show its lines."""
    folder = checked_folder(tmp_path, "other.nv")
    (folder / "other.nv").write_text("party pa pb;\n", encoding="utf-8")
    code, output = run(str(folder / "main.nv"))
    assert code == 2 and "other.nv:1:10: error[syntax]" in output and "party pa pb;" in output


# ---- no code from a spec is ever run -------------------------------------------------------------

def test_strings_are_data_never_code(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    payloads = [f"__import__('os').system('touch {marker}')", "\\x41\\u00e9", f"{{open('{marker}', 'w')}}",
                "'; import os; os.system('touch " + str(marker) + "') #"]
    for i, payload in enumerate(payloads):
        quoted = payload.replace('"', '\\"')
        spec = tmp_path / f"s{i}.nv"
        spec.write_text(f'instrument r "{quoted}" source "{quoted}";\nparty pa;\nact a(actor: party);\n'
                        f'clause c "{quoted}" text "{quoted}" {{ pa must not a; }}\n', encoding="utf-8")
        code, output = run(str(spec))
        assert code in (0, 1, 2) and "Traceback" not in output and "internal error" not in output, output
    assert not marker.exists()


def test_no_eval_exec_or_pickle_in_nverify() -> None:
    """Nothing in dsl/ or verifier/ evaluates code or unpickles data (Lark's cache is a pickle)."""
    banned_calls = {"eval", "exec", "compile", "__import__"}
    banned_modules = {"pickle", "marshal", "shelve", "dill", "cloudpickle"}
    for path in sorted([*(ROOT / "dsl").rglob("*.py"), *(ROOT / "verifier").rglob("*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in banned_calls, f"{path}:{node.lineno} calls {node.func.id}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "literal_eval":
                continue  # ast.literal_eval reads literals only
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
                assert not banned_modules & {n.split(".")[0] for n in names}, f"{path}:{node.lineno} imports {names}"
            if isinstance(node, ast.keyword) and node.arg == "cache":
                raise AssertionError(f"{path}:{node.value.lineno}: a Lark cache is a pickle on disk")
