"""dsl.parser: every construct, operator precedence, spans, and syntax errors (several per file)."""

from __future__ import annotations

import pytest

from dsl import syntax as S
from dsl.parser import grammar_parser, parse_text


def parse_ok(text: str) -> S.Spec:
    spec, diags = parse_text("t.nv", text)
    assert spec is not None and len(diags) == 0, [d.message for d in diags.sorted()]
    return spec


def decl(text: str) -> S.Decl:
    (only,) = parse_ok(text).decls
    return only


def expr(text: str) -> S.Expr:
    d = decl(f"assume {text};")
    assert isinstance(d, S.AssumeDecl)
    return d.expr


def shape(e: object) -> object:
    """A compact tree of an expression, for precedence tests."""
    if isinstance(e, S.Binary):
        return (e.op, shape(e.left), shape(e.right))
    if isinstance(e, S.Not):
        return ("not", shape(e.operand))
    if isinstance(e, S.Compare):
        return (e.op, shape(e.left), shape(e.right))
    if isinstance(e, S.Arith):
        return (e.op, shape(e.left), shape(e.right))
    if isinstance(e, S.Member):
        return ("not in" if e.negated else "in", shape(e.element), shape(e.set))
    if isinstance(e, S.Quantified):
        return (e.kind, tuple(b.var.text for b in e.binders), shape(e.body))
    if isinstance(e, S.NameRef):
        return e.name.text
    if isinstance(e, S.Call):
        return e.name.text + "()"
    if isinstance(e, S.Number):
        return e.value
    if isinstance(e, S.BoolLit):
        return e.value
    if isinstance(e, (S.SetName,)):
        return e.name.text
    if isinstance(e, S.SetLiteral):
        return tuple(i.text for i in e.items)
    if isinstance(e, S.ExprBracket):
        return ("[]", tuple((a.label.text, shape(a.expr)) for a in e.alts))
    raise AssertionError(e)


# ---- the grammar itself ---------------------------------------------------------

def test_grammar_builds_in_strict_mode() -> None:
    """strict=True makes Lark reject any shift/reduce or terminal collision."""
    assert grammar_parser(strict=True) is not None


def test_empty_and_comment_only_files() -> None:
    assert parse_ok("").decls == ()
    assert parse_ok("# nothing here\n   # at all\n").decls == ()


# ---- declarations -------------------------------------------------------------------

def test_instrument_header() -> None:
    d = decl('instrument istanbul "Draft treaty" source "NYT" "15 June 2024" rank 2;')
    assert isinstance(d, S.InstrumentDecl)
    assert (d.name.text, d.title, d.source, d.rank) == ("istanbul", "Draft treaty", "NYT15 June 2024", 2)
    bare = decl('instrument x "X";')
    assert isinstance(bare, S.InstrumentDecl) and bare.source is None and bare.rank is None


def test_import() -> None:
    d = decl('import "shared/world.nv";')
    assert isinstance(d, S.ImportDecl) and d.path == "shared/world.nv"


def test_world_declarations() -> None:
    spec = parse_ok("""
        party ukraine, russia;
        group guarantors = {russia, ukraine};
        enum area = {mainland, crimea};
        fact armed_attack(by: party, on: party, area: area) controlled by by;
        fact at_war(a: party, b: party);
        act conclude(actor: party, partner: party, mutual: bool);
        quantity personnel(p: party) controlled by p;
        quantity budget();
    """)
    party, group, enum, attack, war, act, qty, budget = spec.decls
    assert isinstance(party, S.PartyDecl) and [n.text for n in party.names] == ["ukraine", "russia"]
    assert isinstance(group, S.GroupDecl) and [m.text for m in group.members] == ["russia", "ukraine"]
    assert isinstance(enum, S.EnumDecl) and [v.text for v in enum.values] == ["mainland", "crimea"]
    assert isinstance(attack, S.PredicateDecl) and attack.kind == "fact"
    assert [(p.name.text, p.type.text) for p in attack.params] == [("by", "party"), ("on", "party"), ("area", "area")]
    assert attack.control is not None and attack.control.text == "by"
    assert isinstance(war, S.PredicateDecl) and war.control is None
    assert isinstance(act, S.PredicateDecl) and act.kind == "act" and act.control is None
    assert isinstance(qty, S.PredicateDecl) and qty.kind == "quantity" and qty.control is not None
    assert isinstance(budget, S.PredicateDecl) and budget.params == ()


def test_keywords_double_as_parameter_names() -> None:
    d = decl("fact f(by: party, on: party, to: party, in: party, where: party, all: party);")
    assert isinstance(d, S.PredicateDecl)
    assert [p.name.text for p in d.params] == ["by", "on", "to", "in", "where", "all"]


def test_define_and_term() -> None:
    spec = parse_ok("""
        define peacetime = true;
        define attacked(p: party) = x(p);
        term harms(kind: k) {
          reading ordinary: kind == alliance;
          reading russia: kind in {alliance, training};
          reading strict = russia;
        }
        term status_breach(kind: k);
    """)
    peace, attacked, harms, open_term = spec.decls
    assert isinstance(peace, S.DefineDecl) and peace.params == ()
    assert isinstance(attacked, S.DefineDecl) and [p.name.text for p in attacked.params] == ["p"]
    assert isinstance(harms, S.TermDecl)
    assert [r.name.text for r in harms.readings] == ["ordinary", "russia", "strict"]
    assert harms.readings[2].body is None and harms.readings[2].alias is not None
    assert harms.readings[2].alias.text == "russia"
    assert isinstance(open_term, S.TermDecl) and open_term.readings == ()


def test_clause_with_every_part() -> None:
    d = decl("""
        clause art5 "Art. 5" source "press" text "first " "second" note "a note" overrides art1, art2 {
          each g in guarantors must assist(to: ukraine) where means == force when attacked unless vetoed
            protects ukraine against attacked(ukraine);
          ukraine may keep personnel(ukraine) >= 250_000;
          ukraine must not join;
          limit tanks(ukraine) <= 800 when peacetime unless war;
          [russia: ukraine must notify; | base: ]
        }
    """)
    assert isinstance(d, S.ClauseDecl)
    assert (d.id.text, d.label, d.source, d.text, d.note) == ("art5", "Art. 5", "press", "first second", "a note")
    assert [o.text for o in d.overrides] == ["art1", "art2"]
    guarantee, keep, ban, limit, bracket = d.items
    assert isinstance(guarantee, S.NormDecl) and guarantee.modality == "must"
    assert isinstance(guarantee.subject, S.EachSubject) and guarantee.subject.var.text == "g"
    assert isinstance(guarantee.action, S.ActAction) and guarantee.action.name.text == "assist"
    assert guarantee.where is not None and guarantee.when is not None and guarantee.unless is not None
    assert guarantee.protects is not None and guarantee.protects.party.text == "ukraine"
    assert isinstance(keep, S.NormDecl) and keep.modality == "may" and isinstance(keep.action, S.KeepAction)
    assert shape(keep.action.expr) == (">=", "personnel()", 250000)
    assert isinstance(ban, S.NormDecl) and ban.modality == "must not"
    assert isinstance(ban.subject, S.Name) and isinstance(ban.action, S.ActAction) and ban.action.args == ()
    assert isinstance(limit, S.LimitDecl) and limit.when is not None and limit.unless is not None
    assert isinstance(bracket, S.NormBracket)
    assert [(a.label.text, len(a.items)) for a in bracket.alts] == [("russia", 1), ("base", 0)]


def test_queries() -> None:
    spec = parse_ok("""
        expect hollow-permission on a, b by ukraine in draft russia under reading strict;
        expect contradiction;
        assert no blockable-guarantee on art5 in draft ukraine;
        assert caps: personnel(ukraine) <= 250000;
        scenario member: join(ukraine, eu);
    """)
    expect, bare, assert_no, assertion, scenario = spec.decls
    assert isinstance(expect, S.ExpectDecl)
    p = expect.pattern
    assert (p.kind.text, [c.text for c in p.clauses], p.party and p.party.text, p.draft and p.draft.text,
            p.reading and p.reading.text) == ("hollow-permission", ["a", "b"], "ukraine", "russia", "strict")
    assert isinstance(bare, S.ExpectDecl) and bare.pattern.clauses == () and bare.pattern.party is None
    assert isinstance(assert_no, S.AssertNoDecl) and assert_no.pattern.kind.text == "blockable-guarantee"
    assert isinstance(assertion, S.AssertDecl) and assertion.name.text == "caps"
    assert isinstance(scenario, S.ScenarioDecl) and shape(scenario.expr) == "join()"


@pytest.mark.parametrize("kind", ["contradiction", "hollow-permission", "a-kind-not-yet-known", "Typo_d-kind"])
def test_any_kind_name_parses(kind: str) -> None:
    # The grammar takes any hyphenated word; which kinds exist is checked when names are
    # resolved (tests/test_registry.py), so a new kind leaves the grammar alone.
    d = decl(f"expect {kind};")
    assert isinstance(d, S.ExpectDecl) and d.pattern.kind.text == kind
    assert d.pattern.kind.span.column == len("expect ") + 1


# ---- arguments, literals, strings ----------------------------------------------------

def test_arguments() -> None:
    e = expr("f(ukraine, by: _, on: russia, flag: true, n: 1_000)")
    assert isinstance(e, S.Call)
    first, wildcard, named, flag, number = e.args
    assert first.name is None and isinstance(first.value, S.NameRef)
    assert wildcard.name is not None and isinstance(wildcard.value, S.Wildcard)
    assert named.name is not None and named.name.text == "on"
    assert isinstance(flag.value, S.BoolLit) and flag.value.value is True
    assert isinstance(number.value, S.Number) and number.value.value == 1000


def test_strings_join_span_lines_and_unescape() -> None:
    d = decl('clause c "A" text "line one\nline two " "and \\"quoted\\" \\\\ text" { }')
    assert isinstance(d, S.ClauseDecl)
    assert d.text == 'line one\nline two and "quoted" \\ text'


def test_hash_inside_a_string_is_not_a_comment() -> None:
    d = decl('clause c "Art. #5" { }  # trailing comment')
    assert isinstance(d, S.ClauseDecl) and d.label == "Art. #5"


# ---- precedence ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "tree"), [
    ("a or b and c", ("or", "a", ("and", "b", "c"))),
    ("a and b or c", ("or", ("and", "a", "b"), "c")),
    ("not a and b", ("and", ("not", "a"), "b")),
    ("not not a", ("not", ("not", "a"))),
    ("a implies b or c", ("implies", "a", ("or", "b", "c"))),
    ("a or b implies c and d", ("implies", ("or", "a", "b"), ("and", "c", "d"))),
    ("a or b or c", ("or", ("or", "a", "b"), "c")),
    ("not x == y", ("not", ("==", "x", "y"))),
    ("x + 1 <= y - 2", ("<=", ("+", "x", 1), ("-", "y", 2))),
    ("a - b - c > 0", (">", ("-", ("-", "a", "b"), "c"), 0)),
    ("k in {a, b} and k not in g", ("and", ("in", "k", ("a", "b")), ("not in", "k", "g"))),
    ("(a or b) and c", ("and", ("or", "a", "b"), "c")),
    ("exists g in G: p(g) and q", ("and", ("exists", ("g",), "p()"), "q")),
    ("all g in G, h in H: (p(g) or q(h))", ("all", ("g", "h"), ("or", "p()", "q()"))),
    ("not exists g in G: p(g)", ("not", ("exists", ("g",), "p()"))),
    ("[russia: a | base: b] and c", ("and", ("[]", (("russia", "a"), ("base", "b"))), "c")),
])
def test_precedence(text: str, tree: object) -> None:
    assert shape(expr(text)) == tree


# ---- spans -----------------------------------------------------------------------------

def test_spans_point_at_what_was_written() -> None:
    text = 'party ukraine;\nclause art1 "Art. 1" {\n  ukraine must not join(org: nato);\n}\n'
    spec = parse_ok(text)
    clause = spec.decls[1]
    assert isinstance(clause, S.ClauseDecl)
    assert (clause.span.line, clause.span.column, clause.span.end_line) == (2, 1, 4)
    assert (clause.id.span.line, clause.id.span.column, clause.id.span.end_column) == (2, 8, 12)
    (norm,) = clause.items
    assert isinstance(norm, S.NormDecl)
    assert (norm.span.line, norm.span.column) == (3, 3)
    assert text[norm.span.start:norm.span.end] == "ukraine must not join(org: nato);"
    assert isinstance(norm.action, S.ActAction)
    arg = norm.action.args[0]
    assert text[arg.span.start:arg.span.end] == "org: nato"
    assert isinstance(arg.value, S.NameRef)
    assert (arg.value.span.line, arg.value.span.column) == (3, 30)


def test_spans_with_crlf_and_tabs() -> None:
    text = "party a;\r\n\tclause c \"C\" {\r\n\t}\r\n"
    clause = parse_ok(text).decls[1]
    assert isinstance(clause, S.ClauseDecl)
    assert (clause.id.span.line, clause.id.span.column) == (2, 9)


def test_spans_after_non_ascii_text() -> None:
    clause = parse_ok('party a; clause c "Neutralität" text "ä ö ü" { a may x; }').decls[1]
    assert isinstance(clause, S.ClauseDecl)
    (norm,) = clause.items
    assert norm.span.column == len('party a; clause c "Neutralität" text "ä ö ü" { ') + 1


def test_names_may_be_written_in_any_alphabet() -> None:
    """Names are Unicode letters, digits and `_`, starting with a letter or `_`."""
    d = decl("party türkiye, россия, _usa, 日本2;")
    assert isinstance(d, S.PartyDecl)
    assert [n.text for n in d.names] == ["türkiye", "россия", "_usa", "日本2"]
    assert (d.names[1].span.column, d.names[1].span.end_column) == (16, 22)  # columns count characters
    e = expr("pass_straits(türkiye, _kind: _)")
    assert isinstance(e, S.Call)
    [first, wildcard] = e.args
    assert isinstance(first.value, S.NameRef) and first.value.name.text == "türkiye"
    assert wildcard.name is not None and wildcard.name.text == "_kind" and isinstance(wildcard.value, S.Wildcard)


@pytest.mark.parametrize("text", ["party 2nd;", "party a-b;", "party ;"])
def test_a_name_starts_with_a_letter_or_underscore(text: str) -> None:
    assert errors(text)


# ---- errors ---------------------------------------------------------------------------

def errors(text: str) -> list[tuple[int, int, str, str | None]]:
    spec, diags = parse_text("t.nv", text)
    assert spec is None
    return [(d.span.line, d.span.column, d.message, d.help) for d in diags.sorted()]


def test_unknown_modality() -> None:
    [(line, col, message, help_text)] = errors("party a;\nclause c \"C\" {\n  a shall x;\n}\n")
    assert (line, col, message) == (3, 5, "unknown modality 'shall'")
    assert help_text is not None and "must" in help_text


def test_missing_semicolon_points_after_the_statement() -> None:
    [(line, col, message, help_text)] = errors("party a, b\n\n# comment\nact x(actor: party);\n")
    assert (line, col, message) == (1, 11, "missing ';' at the end of this statement")
    assert help_text is not None and "';'" in help_text and "'act'" in help_text


def test_unterminated_string() -> None:
    [(line, col, message, _)] = errors('party a;\nclause c "C" text "never closed {\n}\n')
    assert (line, col) == (2, 19)
    assert message.startswith("unterminated string")


def test_stray_character_and_expected_tokens() -> None:
    [(line, col, message, help_text)] = errors("party a $ b;")
    assert (line, col, message) == (1, 9, "unexpected character '$'")
    assert help_text == "expected ',' or ';'"


def test_no_lark_terminal_names_leak() -> None:
    for text in ("party a b;", "clause c \"C\" { a must x(; }", "assume a ==;", "expect ;"):
        for _, _, message, help_text in errors(text):
            shown = message + (help_text or "")
            assert "__ANON" not in shown and "SEMICOLON" not in shown and "$END" not in shown


def test_unexpected_end_of_file() -> None:
    [(line, _, message, help_text)] = errors("party a;\nclause c \"C\" {\n  a must")
    assert (line, message) == (3, "unexpected end of file")
    assert help_text is not None and "'keep'" in help_text


def test_invalid_escape() -> None:
    [(line, col, message, _)] = errors('clause c "bad \\q" { }')
    assert (line, col, message) == (1, 10, "invalid escape in string")


def test_chained_implies_is_an_error() -> None:
    [(_, _, message, _)] = errors("assume a implies b implies c;")
    assert message == "`implies` cannot be chained"


def test_recovery_reports_each_independent_error() -> None:
    text = ("party a;\n"
            "clause c \"C\" {\n  a must x(;\n}\n"      # error on line 3
            "party ok;\n"
            "clause d \"D\" {\n  a must\n}\n"         # error on line 8
            "fact f(p party);\n")                     # error on line 9
    found = errors(text)
    assert [line for line, *_ in found] == [3, 8, 9]


CLAUSE = 'party ukraine;\nact join(actor: party);\nclause c "C" {\n  %s\n}\n'


@pytest.mark.parametrize(("norm", "column", "word", "keyword"), [
    ("ukraine must nto join;", 16, "nto", "not"),          # taken as the act; the error comes at `join`
    ("ukraine mst not join;", 11, "mst", "must"),
    ("ukraine must join whre true;", 21, "whre", "where"),
    ("ukraine may join unles true;", 20, "unles", "unless"),
    ("ukraine must join when true adn true;", 31, "adn", "and"),
])
def test_a_misspelt_keyword_is_named_with_the_keyword_meant(norm: str, column: int, word: str, keyword: str) -> None:
    spec, diags = parse_text("t.nv", CLAUSE % norm)
    assert spec is None
    [d] = diags.sorted()
    assert d.message == f"unknown word {word!r} here; did you mean {keyword!r}?"
    assert (d.span.line, d.span.column, d.span.end_column) == (4, column, column + len(word))
    assert d.help is not None and f"'{keyword}'" in d.help


def test_a_misspelt_declaration_keyword() -> None:
    [(line, col, message, _)] = errors("party ukraine;\nexpct contradiction;\n")
    assert (line, col, message) == (2, 1, "unknown word 'expct' here; did you mean 'expect'?")


def test_a_word_like_no_keyword_keeps_the_plain_message() -> None:
    [(_, _, message, _)] = errors(CLAUSE % "ukraine must zzz join;")
    assert message == "unexpected 'join'; missing ';'?"
