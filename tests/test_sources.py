"""Every source a spec cites can be opened by a reader: nothing points outside the repository.

The digest of sources is docs/sources.md; `source` lines in specs/ and examples/ cite it, a
spec of the repository, or a public citation, never the working files the corpus was
written from (`shared/...`, "the reference digest").
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = re.compile(r'^\s*source\s+((?:"(?:\\.|[^"\\])*"\s*)+)', re.MULTILINE)
PRIVATE = ("shared/", "reference digest", "instruments.md", "armed-neutrality-article")


def spec_files() -> list[Path]:
    return sorted([*(ROOT / "specs").rglob("*.nv"), *(ROOT / "examples").rglob("*.nv")])


def test_source_lines_cite_nothing_outside_the_repository() -> None:
    bad = []
    for path in spec_files():
        for m in SOURCE.finditer(path.read_text(encoding="utf-8")):
            if any(p in m.group(1) for p in PRIVATE):
                bad.append(f"{path.relative_to(ROOT)}: {m.group(1).strip()}")
    assert not bad, "source lines that point outside the repository:\n" + "\n".join(bad)


def test_the_corpus_and_its_readme_point_to_docs_sources() -> None:
    for path in [*(ROOT / "specs").rglob("*.nv"), ROOT / "specs" / "README.md"]:
        text = path.read_text(encoding="utf-8")
        found = [p for p in PRIVATE if p in text]
        assert not found, f"{path.relative_to(ROOT)} mentions {found}: cite docs/sources.md instead"
    assert "docs/sources.md" in (ROOT / "specs" / "README.md").read_text(encoding="utf-8")


def test_docs_sources_sections_cited_by_specs_exist() -> None:
    sections = set(re.findall(r"^#{2,3} (\d+[a-z]?)\.", (ROOT / "docs" / "sources.md").read_text(encoding="utf-8"), re.MULTILINE))
    for path in (ROOT / "specs").rglob("*.nv"):
        for cited in re.findall(r"docs/sources\.md,?\s+(?:#\s*)?sections?\s+(\d+[a-z]?)", path.read_text(encoding="utf-8")):
            assert cited in sections, f"{path.relative_to(ROOT)} cites docs/sources.md section {cited}, which does not exist"
