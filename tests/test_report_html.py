"""--format html: one self-contained page, everything escaped, checked in a real headless browser.

The browser tests run Debian's chromium (/usr/bin/chromium; `make test` and
.ci/run install it where apt is available) on the written page, with
--dump-dom for the DOM as the browser built it and --screenshot for a
rendering; they skip, saying so, only where chromium is absent.
"""

from __future__ import annotations

import html
import struct
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.report_support import DATA, check, nverify
from verifier.findings import Report
from verifier.report import FORMATS
from verifier.report.common import primary_location, reading_words, summary_line

CHROMIUM = Path("/usr/bin/chromium")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        found = []
        for c in self.children:
            if isinstance(c, Node):
                if (tag is None or c.tag == tag) and (cls is None or cls in c.attrs.get("class", "").split()):
                    found.append(c)
                found += c.iter(tag, cls)
        return found


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html_text: str) -> Node:
    builder = _Builder()
    builder.feed(html_text)
    builder.close()
    return builder.root


def chromium(url: str, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", *extra, url]
    return subprocess.run(args, check=False, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="/usr/bin/chromium is absent (apt-get install chromium; .ci/run does)")


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    return {"drafts": check([DATA / "drafts.nv"]), "escaping": check([DATA / "escaping.nv"])}


# ---- the page itself ---------------------------------------------------------------


def test_page_is_self_contained(reports: dict[str, Report]) -> None:
    for report in reports.values():
        page = FORMATS["html"](report)
        assert page.startswith("<!DOCTYPE html>")
        dom = parse(page)
        csp = [m.attrs["content"] for m in dom.iter("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"]
        assert csp and csp[0].startswith("default-src 'none';")
        for tag in ("script", "link", "img", "iframe", "object", "embed", "base", "form"):
            assert not dom.iter(tag), tag
        for node in dom.iter():
            assert "src" not in node.attrs and not any(a.startswith("on") for a in node.attrs)
            assert node.attrs.get("href", "#").startswith("#finding-") or "href" not in node.attrs
        style = "".join(s.text() for s in dom.iter("style"))
        assert "@import" not in style and "url(" not in style


def test_everything_from_the_spec_is_escaped(reports: dict[str, Report]) -> None:
    page = FORMATS["html"](reports["escaping"])
    dom = parse(page)
    assert not dom.iter("script") and not dom.iter("img") and not dom.iter("i") and not dom.iter("b")
    assert [a.attrs.get("href") for a in dom.iter("a")] == [f"#finding-{n}" for n in range(1, 4)]
    quotes = [q.text() for q in dom.iter("blockquote")]
    assert any("<script>alert(1)</script> any *alliance* | `code` & &amp; <img src=x onerror=alert(2)>" in q
               for q in quotes)
    assert "Press | reports & <a href=\"http://example.invalid/\">link</a>" in html.unescape(page)


# ---- in a real browser --------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(reports: dict[str, Report], tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Node]]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent (apt-get install chromium; .ci/run does)")
    folder = tmp_path_factory.mktemp("html")
    out = {}
    for name, report in reports.items():
        page = folder / f"{name}.html"
        page.write_text(FORMATS["html"](report), encoding="utf-8")
        proc = chromium(page.as_uri(), folder / f"profile-{name}", "--dump-dom")
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "<html" in proc.stdout, proc.stderr[-2000:]
        out[name] = (page, parse(proc.stdout))
    return out


@needs_chromium
def test_browser_dom_has_summary_then_findings(reports: dict[str, Report],
                                               rendered: dict[str, tuple[Path, Node]]) -> None:
    report = reports["drafts"]
    _, dom = rendered["drafts"]
    assert dom.iter("title")[0].text().startswith("nverify report")
    assert dom.iter("p", "summary-line")[0].text() == summary_line(report)
    sections = [s.attrs.get("id") for s in dom.iter("section")]
    assert sections == ["summary", "files", "findings", "expectations"]
    kinds_table = dom.iter("table", "kinds")[0]
    body_rows = kinds_table.iter("tbody")[0].iter("tr")
    assert {r.iter("td")[0].text() for r in body_rows} == {f.kind.value for f in report.findings}
    assert kinds_table.iter("tfoot")[0].iter("td")[1].text() == str(len(report.findings))
    index_rows = dom.iter("table", "index")[0].iter("tbody")[0].iter("tr")
    assert len(index_rows) == len(report.findings)

    articles = dom.iter("article", "finding")
    assert len(articles) == len(report.findings)
    for n, (f, art) in enumerate(zip(report.findings, articles, strict=True), start=1):
        assert art.attrs["id"] == f"finding-{n}"
        assert art.attrs["data-kind"] == f.kind.value
        assert f"severity-{f.severity.value}" in art.attrs["class"].split()
        assert ("is-expected" in art.attrs["class"].split()) == f.expected
        assert art.iter("p", "message")[0].text() == f.message.replace("`", "")
        assert str(primary_location(f)) in art.iter("p", "where")[0].text()
        clauses = art.iter("li", "clause")
        assert [c.iter("code", "clause-id")[0].text() for c in clauses] == [c.id for c in f.clauses]
        for li, c in zip(clauses, f.clauses, strict=True):
            assert li.iter("strong", "label")[0].text() == c.label
            if c.text:
                assert li.iter("blockquote")[0].text() == f"\u201c{c.text}\u201d"
            if c.source:
                assert c.source in li.iter("p", "source")[0].text()
        context = art.text()
        for d in f.drafts:
            assert d in context
        for term, reading in f.readings:
            assert f"{term}: {reading_words(reading)}" in context
        tables = art.iter("table", "scenario")
        if f.scenario is not None and (f.scenario.facts or f.scenario.acts or f.scenario.quantities):
            rows = [[td.text() for td in tr.iter("td")] for tr in tables[0].iter("tbody")[0].iter("tr")]
            atoms = [r[1] for r in rows]
            assert atoms == [*f.scenario.facts, *f.scenario.acts, *f.scenario.terms,
                             *(q for q, _ in f.scenario.quantities)]
        elif f.scenario is None:
            assert not tables


@needs_chromium
def test_browser_shows_hostile_text_as_text(rendered: dict[str, tuple[Path, Node]]) -> None:
    _, dom = rendered["escaping"]
    assert not dom.iter("script") and not dom.iter("img") and not dom.iter("i") and not dom.iter("b")
    labels = [s.text() for s in dom.iter("strong", "label")]
    assert "Art. 1 <script>alert('label')</script>" in labels
    assert "# Art. 2 [link](http://example.invalid/)" in labels
    assert dom.iter("title")[0].text().startswith("nverify report")
    files = dom.iter("table", "files")[0].iter("tbody")[0].iter("td")
    assert files[2].text() == 'Title with <b>bold</b> & "quotes" | pipes'


@needs_chromium
def test_browser_screenshot(rendered: dict[str, tuple[Path, Node]], tmp_path: Path) -> None:
    page, _ = rendered["drafts"]
    shot = tmp_path / "report.png"
    proc = chromium(page.as_uri(), tmp_path / "profile", "--hide-scrollbars", "--window-size=1280,2000",
                    f"--screenshot={shot}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)
    assert len(data) > 20_000  # a rendered page, not a blank one


def test_cli_writes_html(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    proc = nverify("--format", "html", "-o", out, DATA / "drafts.nv")
    assert proc.returncode == 1, proc.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
