"""dsl.source and dsl.render: offsets, lines and columns, and carets, with tabs, CRLF and non-ASCII text."""

from __future__ import annotations

from dsl.diagnostics import Code, Diagnostic, Severity
from dsl.render import render_diagnostic, snippet
from dsl.source import SourceFile, Span


def test_positions_are_one_based() -> None:
    src = SourceFile.of("a.nv", "ab\ncd\n")
    assert src.position(0) == (1, 1)
    assert src.position(1) == (1, 2)
    assert src.position(3) == (2, 1)
    assert src.position(4) == (2, 2)
    assert src.position(6) == (3, 1)  # just after the last newline


def test_positions_are_clamped() -> None:
    src = SourceFile.of("a.nv", "ab")
    assert src.position(-5) == (1, 1)
    assert src.position(99) == (1, 3)


def test_line_text() -> None:
    src = SourceFile.of("a.nv", "first\nsecond\n\nlast")
    assert src.line_text(1) == "first"
    assert src.line_text(2) == "second"
    assert src.line_text(3) == ""
    assert src.line_text(4) == "last"
    assert src.line_text(0) == ""
    assert src.line_text(9) == ""


def test_crlf_and_cr_line_endings_are_normalised() -> None:
    crlf = SourceFile.of("a.nv", "party a;\r\nparty b;\r\n")
    lf = SourceFile.of("a.nv", "party a;\nparty b;\n")
    assert crlf.text == lf.text
    assert crlf.line_text(2) == "party b;"
    assert crlf.position(crlf.text.index("b")) == (2, 7)
    old_mac = SourceFile.of("a.nv", "party a;\rparty b;")
    assert old_mac.line_text(2) == "party b;"


def test_columns_count_characters_not_bytes() -> None:
    src = SourceFile.of("a.nv", 'clause c "Völkerrecht – 中立" text "x";')
    offset = src.text.index("text")
    assert src.position(offset) == (1, 29)
    span = src.span(offset, offset + 4)
    assert (span.line, span.column, span.end_line, span.end_column) == (1, 29, 1, 33)


def test_span_to_joins_two_spans() -> None:
    src = SourceFile.of("a.nv", "ab\ncd")
    a, b = src.span(0, 1), src.span(3, 5)
    joined = a.to(b)
    assert (joined.start, joined.end, joined.line, joined.column, joined.end_line, joined.end_column) == \
        (0, 5, 1, 1, 2, 3)


def test_spans_take_no_part_in_syntax_equality() -> None:
    from dsl import syntax as S
    one = S.Name("ukraine", Span("a.nv", 0, 7, 1, 1, 1, 8))
    other = S.Name("ukraine", Span("b.nv", 40, 47, 3, 5, 3, 12))
    assert one == other


def test_caret_under_a_tabbed_line() -> None:
    # A tab expands to 4 columns in the snippet; the caret must stay under the word.
    src = SourceFile.of("a.nv", "\tukrain must act;")
    start = src.text.index("ukrain")
    line, under = snippet(src, src.span(start, start + 6))
    assert line == "    1 |     ukrain must act;"
    assert under.index("^") == line.index("ukrain")
    assert under.count("^") == 6


def test_caret_with_tabs_inside_the_line() -> None:
    src = SourceFile.of("a.nv", "a\tb\tbad")
    start = src.text.index("bad")
    line, under = snippet(src, src.span(start, start + 3))
    assert under.index("^") == line.index("bad")


def test_caret_under_non_ascii_text() -> None:
    src = SourceFile.of("a.nv", 'text "café" ukrain;')
    start = src.text.index("ukrain")
    line, under = snippet(src, src.span(start, start + 6))
    assert under.index("^") == line.index("ukrain")


def test_multiline_span_marks_to_end_of_first_line() -> None:
    src = SourceFile.of("a.nv", "clause c {\n}\n")
    _, under = snippet(src, src.span(0, len(src.text) - 1))
    assert under.count("^") == len("clause c {")


def test_render_diagnostic_layout() -> None:
    src = SourceFile.of("dir/a.nv", "party ukraine;\nrusia must act;\n")
    start = src.text.index("rusia")
    diag = Diagnostic(Severity.ERROR, Code.UNKNOWN_NAME, "unknown party `rusia`", src.span(start, start + 5),
                      help="did you mean `russia`?",
                      notes=(("declared here", src.span(6, 13)),))
    text = render_diagnostic(diag, {"dir/a.nv": src})
    assert text.splitlines() == [
        "dir/a.nv:2:1: error[unknown-name]: unknown party `rusia`",
        "    2 | rusia must act;",
        "      | ^^^^^",
        "  note: declared here (dir/a.nv:1:7)",
        "    1 | party ukraine;",
        "      |       -------",
        "  help: did you mean `russia`?",
    ]


def test_render_without_source_has_only_the_head() -> None:
    diag = Diagnostic(Severity.ERROR, Code.IO_ERROR, "no such file", Span("x.nv", 0, 0, 1, 1, 1, 1))
    assert render_diagnostic(diag, {}) == "x.nv:1:1: error[io-error]: no such file"


def test_caret_after_wide_characters() -> None:
    # CJK characters take two terminal columns each; the caret must still sit under the word.
    src = SourceFile.of("a.nv", 'clause c "中立" ukrain;')
    start = src.text.index("ukrain")
    line, under = snippet(src, src.span(start, start + 6))
    shown_before = line[: line.index("ukrain")]
    assert under.index("^") == len(shown_before) + sum(1 for c in shown_before if c in "中立")
    assert under.count("^") == 6


def test_caret_width_with_a_tab_inside_the_span() -> None:
    src = SourceFile.of("a.nv", "x a\tb y")
    start = src.text.index("a")
    line, under = snippet(src, src.span(start, start + 3))
    assert line.endswith("x a b y")  # the tab reaches the next stop of 4 columns
    assert under.index("^") == line.index("a") and under.count("^") == len("a b")
