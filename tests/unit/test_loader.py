"""dsl.loader: files and folders, imports (each file once), confinement, and declarations-only modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import load
from dsl.loader import LoadResult

WORLD = "party ukraine, russia;\nact join(actor: party);\n"
CLAUSE = 'clause c "C" { ukraine must not join; }\n'


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def errors(result: LoadResult) -> list[tuple[str, str, int]]:
    return [(d.code.value, d.span.path, d.span.line) for d in result.diagnostics.sorted()]


def test_a_root_with_its_import(tree: Path) -> None:
    write(tree / "shared" / "world.nv", WORLD + "assume not join(russia);\n" + CLAUSE.replace("c ", "shared_c "))
    root = write(tree / "main.nv", 'import "shared/world.nv";\n' + CLAUSE + "scenario s: join(russia) or true;\n")
    result = load([root])
    assert errors(result) == []
    (inst,) = result.instruments
    assert inst.path == "main.nv" and inst.files == ("main.nv", "shared/world.nv")
    assert [c.id for c in inst.clauses] == ["shared_c", "c"]       # imports first
    assert [c.path for c in inst.clauses] == ["shared/world.nv", "main.nv"]
    assert len(inst.assumptions) == 1 and len(inst.queries) == 1
    assert inst.parties == ("ukraine", "russia")


def test_queries_are_not_imported(tree: Path) -> None:
    write(tree / "a.nv", WORLD + CLAUSE + "assert no conflict;\n")
    root = write(tree / "b.nv", 'import "a.nv";\nclause d "D" { russia may join; }\n')
    (inst,) = load([root]).instruments
    assert inst.queries == ()


def test_a_diamond_of_imports_reads_each_file_once(tree: Path) -> None:
    write(tree / "d.nv", WORLD)
    write(tree / "b.nv", 'import "d.nv";\ngroup gb = {ukraine};\n')
    write(tree / "c.nv", 'import "d.nv";\ngroup gc = {russia};\n')
    root = write(tree / "a.nv", 'import "b.nv";\nimport "c.nv";\n' + CLAUSE)
    result = load([root])
    assert errors(result) == []
    (inst,) = result.instruments
    assert sorted(inst.files) == ["a.nv", "b.nv", "c.nv", "d.nv"]
    assert set(inst.groups) == {"gb", "gc"}


def test_a_declarations_module_is_checked_but_yields_no_instrument(tree: Path) -> None:
    result = load([write(tree / "world.nv", WORLD)])
    assert errors(result) == [] and result.instruments == [] and result.modules == ["world.nv"]


def test_folders_are_searched_recursively_in_order(tree: Path) -> None:
    write(tree / "specs" / "b.nv", WORLD + CLAUSE)
    write(tree / "specs" / "a.nv", WORLD + CLAUSE)
    write(tree / "specs" / "sub" / "c.nv", WORLD + CLAUSE)
    write(tree / "specs" / "notes.txt", "not a spec")
    result = load([tree / "specs"])
    assert [i.path for i in result.instruments] == ["specs/a.nv", "specs/b.nv", "specs/sub/c.nv"]


def test_a_file_named_twice_is_checked_once(tree: Path) -> None:
    spec = write(tree / "a.nv", WORLD + CLAUSE)
    assert len(load([spec, tree / "a.nv", tree]).instruments) == 1


def test_imports_may_reach_up_inside_the_folder_being_checked(tree: Path) -> None:
    write(tree / "specs" / "world.nv", WORLD)
    sub = write(tree / "specs" / "sub" / "x.nv", 'import "../world.nv";\n' + CLAUSE)
    assert errors(load([tree / "specs"])) == []
    # Checked on its own, the file's folder is specs/sub, and the import leaves it.
    assert errors(load([sub])) == [("import-outside", "specs/sub/x.nv", 1)]


def test_import_errors(tree: Path) -> None:
    write(tree / "cyc" / "a.nv", 'import "b.nv";\n')
    write(tree / "cyc" / "b.nv", 'import "a.nv";\n')
    assert errors(load([tree / "cyc" / "a.nv"])) == [("import-cycle", "cyc/b.nv", 1)]
    missing = write(tree / "m.nv", 'party a;\nimport "nope.nv";\n')
    assert errors(load([missing])) == [("import-not-found", "m.nv", 2)]
    absolute = write(tree / "abs.nv", f'import "{tree / "m.nv"}";\n')
    assert errors(load([absolute])) == [("import-outside", "abs.nv", 1)]


def test_an_error_in_an_import_is_reported_in_that_file(tree: Path) -> None:
    write(tree / "world.nv", "party ukraine\nact join(actor: party);\n")
    root = write(tree / "main.nv", 'import "world.nv";\n' + CLAUSE)
    result = load([root])
    assert errors(result) == [("syntax", "world.nv", 1)]
    assert result.instruments == []


def test_an_error_shared_by_two_roots_is_reported_once(tree: Path) -> None:
    write(tree / "specs" / "world.nv", "party ukraine;\nparty ukraine;\n")
    write(tree / "specs" / "a.nv", 'import "world.nv";\n')
    write(tree / "specs" / "b.nv", 'import "world.nv";\n')
    assert errors(load([tree / "specs"])) == [("duplicate-name", "specs/world.nv", 2)]


def test_unreadable_input(tree: Path) -> None:
    [missing] = load([tree / "nothing.nv"]).diagnostics.sorted()
    assert missing.code.value == "io-error" and missing.message.startswith("no such file or folder")
    binary = tree / "latin1.nv"
    binary.write_bytes(b"party a;\n# caf\xe9\n")
    [(code, path, line)] = errors(load([binary]))
    assert (code, path, line) == ("io-error", "latin1.nv", 2)


def test_size_limit(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dsl.loader.MAX_FILE_BYTES", 10)
    assert errors(load([write(tree / "big.nv", WORLD)])) == [("too-large", "big.nv", 1)]


def test_crlf_and_tabs_load_like_lf(tree: Path) -> None:
    spec = write(tree / "w.nv", (WORLD + CLAUSE).replace("\n", "\r\n").replace("  ", "\t"))
    (inst,) = load([spec]).instruments
    assert inst.clauses[0].span.line == 3
