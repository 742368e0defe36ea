"""Text -> IR 1: parse one SourceFile into a `syntax.Spec`, or into diagnostics.

Only this module knows Lark. Syntax errors become diagnostics with the
expected tokens spelled as the user would type them, never Lark's internal
terminal names. After a syntax error the parser resumes at the next
declaration, so independent mistakes in one file are all reported.
"""

from __future__ import annotations

import ast
import gc
import re
import warnings
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from dsl import syntax as S
from dsl.diagnostics import Code, Diagnostics
from dsl.source import SourceFile, Span

# How terminals are shown in "expected ..." lists.
_TERMINAL_TEXT = {
    "NAME": "a name", "INT": "a number", "STRING": "a quoted string", "CMP_OP": "a comparison",
    "ADD_OP": "'+' or '-'", "$END": "end of file",
}
# Declaration keywords: after an error the parser skips to the next of these.
_DECL_KEYWORDS = ("instrument", "import", "party", "group", "enum", "fact", "act", "quantity", "define",
                  "term", "assume", "clause", "expect", "assert", "scenario", "goal", "maximize", "minimize")


@lru_cache(maxsize=1)
def _lark() -> Lark:
    return Lark.open_from_package("dsl", "grammar.lark", parser="lalr", propagate_positions=True,
                                  maybe_placeholders=True)


def grammar_parser(strict: bool = False) -> Lark:
    """The Lark parser; `strict=True` (tests) also rejects grammar conflicts."""
    if strict:
        return Lark.open_from_package("dsl", "grammar.lark", parser="lalr", propagate_positions=True,
                                      maybe_placeholders=True, strict=True)
    return _lark()


# How deeply brackets and expressions may nest. Every later stage walks expressions
# recursively; real instruments stay below 20 levels, and Python's stack allows about 400.
MAX_NESTING = 100


def parse(source: SourceFile, diags: Diagnostics) -> S.Spec | None:
    """Parse a file. Returns None (with diagnostics) on any syntax error."""
    # Parsing makes a great many objects and frees almost none until it ends, so Python's
    # cycle collector would walk the growing tree again and again (parse time grew with the
    # square of the file's length); it runs as usual before and after.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(source, diags)
    finally:
        if enabled:
            gc.enable()


def _parse(source: SourceFile, diags: Diagnostics) -> S.Spec | None:
    text = source.text
    if not _nesting_ok(source, diags):
        return None
    decls: list[S.Decl] = []
    ok = True
    offset = 0
    # Parse declaration by declaration region: on an error, report it and resume at the
    # next line that starts with a declaration keyword.
    while offset <= len(text):
        chunk = text[offset:]
        try:
            tree = _lark().parse(chunk)
        except UnexpectedInput as err:
            ok = False
            _report(source, offset, err, diags)
            next_start = _next_declaration(text, offset + _error_offset(err, chunk))
            if next_start is None:
                break
            offset = next_start
            continue
        if ok:
            if not _depth_ok(source, offset, tree, diags):
                return None
            try:
                spec = _Build(source, offset).transform(tree)
            except VisitError as err:
                if isinstance(err.orig_exc, _BadLiteral):
                    diags.error(Code.BAD_STRING, err.orig_exc.span, err.orig_exc.message,
                                help="a backslash starts an escape: write `\\\\` for a backslash, `\\\"` for a quote")
                    return None
                raise
            decls.extend(spec)
        break
    if not ok:
        return None
    return S.Spec(source, tuple(decls))


def _nesting_ok(source: SourceFile, diags: Diagnostics) -> bool:
    """Brackets `(` and `[` nest at most MAX_NESTING deep (strings and comments skipped)."""
    text = source.text
    depth = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif ch in "([":
            depth += 1
            if depth > MAX_NESTING:
                diags.error(Code.TOO_COMPLEX, source.span(i, i + 1),
                            f"brackets nest more than {MAX_NESTING} levels deep here",
                            help="split the condition into named parts with `define`")
                return False
        elif ch in ")]":
            depth = max(0, depth - 1)
        i += 1
    return True


def _depth_ok(source: SourceFile, base: int, tree: Tree[Any], diags: Diagnostics) -> bool:
    """The syntax tree nests at most MAX_NESTING levels below a declaration (checked without recursion)."""
    limit = MAX_NESTING + 4  # start, declaration, norm and clause part sit above any expression
    first: int | None = None  # where the earliest too-deep part starts
    stack: list[tuple[Tree[Any], int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            start = 0 if node.meta.empty else node.meta.start_pos
            first = start if first is None else min(first, start)
            continue
        for child in node.children:
            if isinstance(child, Tree):
                stack.append((child, depth + 1))
    if first is None:
        return True
    diags.error(Code.TOO_COMPLEX, source.span(base + first, base + first + 1),
                f"this expression nests more than {MAX_NESTING} levels deep",
                help="split the condition into named parts with `define`")
    return False


def _error_offset(err: UnexpectedInput, chunk: str) -> int:
    pos = getattr(err, "pos_in_stream", None)
    if pos is None:
        token = getattr(err, "token", None)
        pos = getattr(token, "start_pos", None)
    return len(chunk) if pos is None else int(pos)


def _next_declaration(text: str, after: int) -> int | None:
    """Offset of the next line (after `after`) that begins with a declaration keyword."""
    line_start = text.find("\n", after)
    while line_start >= 0:
        line_start += 1
        stripped = text[line_start:].lstrip(" \t")
        word = stripped.split(None, 1)[0] if stripped.strip() else ""
        if word in _DECL_KEYWORDS:
            return line_start + (len(text[line_start:]) - len(stripped))
        line_start = text.find("\n", line_start)
    return None


def _expected(accepts: set[str] | frozenset[str]) -> str:
    shown = set()
    parser = _lark()
    for name in accepts:
        if name in _TERMINAL_TEXT:
            shown.add(_TERMINAL_TEXT[name])
            continue
        term = next((t for t in parser.terminals if t.name == name), None)
        if term is not None and term.pattern.type == "str":
            shown.add(f"'{term.pattern.value}'")
        else:
            shown.add(name.lower())
    items = sorted(shown)
    if not items:
        return "something else"
    if len(items) > 8:
        return ", ".join(items[:8]) + ", ..."
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _previous_token_end(chunk: str, pos: int) -> int | None:
    """Offset in chunk just after the last token before pos (comments and blanks skipped)."""
    try:
        tokens = list(_lark().lex(chunk[:pos]))
    except UnexpectedInput:
        return None
    return tokens[-1].end_pos if tokens else None


def _report(source: SourceFile, base: int, err: UnexpectedInput, diags: Diagnostics) -> None:
    if isinstance(err, UnexpectedCharacters):
        start = base + err.pos_in_stream
        span = source.span(start, start + 1)
        char = source.text[start] if start < len(source.text) else ""
        if char == '"':
            # A quote the STRING terminal cannot match: no closing quote anywhere after it.
            line_end = source.text.find("\n", start)
            span = source.span(start, len(source.text) if line_end < 0 else line_end)
            diags.error(Code.BAD_STRING, span, "unterminated string: this `\"` is never closed",
                        help="a string ends with a second `\"` (it may span lines)")
            return
        hint = "strings are written in double quotes" if char == "'" else None
        diags.error(Code.SYNTAX, span, f"unexpected character {char!r}",
                    help=hint or (f"expected {_expected(err.allowed)}" if err.allowed else None))
        return
    if isinstance(err, UnexpectedEOF):
        end = len(source.text)
        diags.error(Code.SYNTAX, source.span(max(0, end - 1), end), "unexpected end of file",
                    help=f"expected {_expected(err.expected)}")
        return
    assert isinstance(err, UnexpectedToken)
    token = err.token
    if token.type == "$END":
        end = len(source.text.rstrip())
        span = source.span(max(0, end - 1), end)
        diags.error(Code.SYNTAX, span, "unexpected end of file", help=f"expected {_expected(err.accepts)}")
        return
    start = base + (token.start_pos or 0)
    span = source.span(start, start + max(1, len(str(token))))
    message = f"unexpected {str(token)!r}"
    help_text = f"expected {_expected(err.accepts)}"
    if token.type == "IMPLIES" and "OR" in err.accepts:
        message = "`implies` cannot be chained"
        help_text = "add parentheses: `(a implies b) implies c` or `a implies (b implies c)`"
    elif token.type == "NAME" and err.accepts and {"MUST", "MAY"} & set(err.accepts):
        message = f"unknown modality {str(token)!r}"
        help_text = "a norm says `must`, `must not` or `may`"
    elif "SEMICOLON" in err.accepts and len(err.accepts) <= 6:
        previous = _previous_token_end(source.text[base:], token.start_pos or 0)
        if previous is not None and source.position(base + previous)[0] < span.line:
            # The statement ended on an earlier line: point where the ';' belongs.
            span = source.span(base + previous, base + previous)
            message = "missing ';' at the end of this statement"
            help_text = f"expected {_expected(err.accepts)}; the next line starts with {str(token)!r}"
        else:
            message = f"unexpected {str(token)!r}; missing ';'?"
    diags.error(Code.SYNTAX, span, message, help=help_text)


class _BadLiteral(Exception):
    def __init__(self, span: Span, message: str) -> None:
        super().__init__(message)
        self.span = span
        self.message = message


# A string body without escapes (and without what Python's reading of a literal rejects:
# NUL, lone surrogates; carriage returns are gone already) is its own value: checked
# against ast.literal_eval for every code point.
_PLAIN = re.compile(r'[^\\\x00\r\ud800-\udfff]*\Z')


def _unquote(token: Token, span: Span) -> str:
    body = str(token)[1:-1]
    if _PLAIN.match(body):
        return body
    try:
        # Python only warns about an unknown escape such as `\q`; here it is an error. Triple
        # quotes let the wording span lines, as clause texts do.
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            value = ast.literal_eval('"""' + str(token)[1:-1] + '"""')
    except (ValueError, SyntaxError, Warning):
        raise _BadLiteral(span, "invalid escape in string") from None
    assert isinstance(value, str)
    return value


class _Build(Transformer[Any, Any]):
    """Lark tree -> syntax nodes. Every node gets a span in the whole file."""

    def __init__(self, source: SourceFile, base: int) -> None:
        super().__init__()
        self.source = source
        self.base = base
        # Lark makes a fresh wrapper of a `v_args` method each time the method is looked up
        # (once per tree node); look each up once, for this transformer.
        for name in _META_METHODS:
            self.__dict__[name] = getattr(self, name)

    # -- spans
    def _span(self, meta: Any) -> Span:
        if getattr(meta, "empty", True):
            return self.source.span(self.base, self.base)
        return self.source.span(self.base + meta.start_pos, self.base + meta.end_pos)

    def _tok(self, token: Token) -> Span:
        start = self.base + (token.start_pos or 0)
        return self.source.span(start, start + len(str(token)))

    def _name(self, token: Token) -> S.Name:
        return S.Name(str(token), self._tok(token))

    # -- top level
    def start(self, items: list[Any]) -> list[Any]:
        return [i for i in items if i is not None]

    @v_args(meta=True)
    def string(self, meta: Any, tokens: list[Token]) -> str:
        span = self._span(meta)
        return "".join(_unquote(t, span) for t in tokens)

    @v_args(meta=True)
    def meta_source(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("source", c[0])

    @v_args(meta=True)
    def meta_rank(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("rank", int(str(c[0]).replace("_", "")))

    @v_args(meta=True)
    def meta_text(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("text", c[0])

    @v_args(meta=True)
    def meta_note(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("note", c[0])

    @v_args(meta=True)
    def meta_overrides(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("overrides", tuple(self._name(t) for t in c))

    @v_args(meta=True)
    def instrument_decl(self, meta: Any, c: list[Any]) -> S.InstrumentDecl:
        fields = dict(c[2:])
        return S.InstrumentDecl(self._name(c[0]), c[1], fields.get("source"), fields.get("rank"), self._span(meta))

    @v_args(meta=True)
    def import_decl(self, meta: Any, c: list[Any]) -> S.ImportDecl:
        return S.ImportDecl(c[0], self._span(meta))

    @v_args(meta=True)
    def party_decl(self, meta: Any, c: list[Token]) -> S.PartyDecl:
        return S.PartyDecl(tuple(self._name(t) for t in c), self._span(meta))

    @v_args(meta=True)
    def group_decl(self, meta: Any, c: list[Any]) -> S.GroupDecl:
        return S.GroupDecl(self._name(c[0]), c[1].items, self._span(meta))

    @v_args(meta=True)
    def enum_decl(self, meta: Any, c: list[Token]) -> S.EnumDecl:
        return S.EnumDecl(self._name(c[0]), tuple(self._name(t) for t in c[1:]), self._span(meta))

    def _predicate(self, kind: str, meta: Any, c: list[Any]) -> S.PredicateDecl:
        control = c[2] if len(c) > 2 else None
        control = control if isinstance(control, S.Name) else None
        return S.PredicateDecl(kind, self._name(c[0]), c[1], control, self._span(meta))

    @v_args(meta=True)
    def fact_decl(self, meta: Any, c: list[Any]) -> S.PredicateDecl:
        return self._predicate("fact", meta, c)

    @v_args(meta=True)
    def act_decl(self, meta: Any, c: list[Any]) -> S.PredicateDecl:
        return self._predicate("act", meta, c)

    @v_args(meta=True)
    def quantity_decl(self, meta: Any, c: list[Any]) -> S.PredicateDecl:
        return self._predicate("quantity", meta, c)

    def params(self, c: list[Any]) -> tuple[S.Param, ...]:
        return tuple(p for p in c if p is not None)

    @v_args(meta=True)
    def param(self, meta: Any, c: list[Token]) -> S.Param:
        return S.Param(self._name(c[0]), self._name(c[1]), self._span(meta))

    def control(self, c: list[Token]) -> S.Name:
        return self._name(c[0])

    @v_args(meta=True)
    def define_decl(self, meta: Any, c: list[Any]) -> S.DefineDecl:
        params = c[1] if c[1] is not None else ()
        return S.DefineDecl(self._name(c[0]), params, c[2], self._span(meta))

    @v_args(meta=True)
    def term_decl(self, meta: Any, c: list[Any]) -> S.TermDecl:
        params = c[1] if c[1] is not None else ()
        return S.TermDecl(self._name(c[0]), params, tuple(c[2]), self._span(meta))

    def readings(self, c: list[Any]) -> list[S.Reading]:
        return list(c)

    def no_readings(self, c: list[Any]) -> list[S.Reading]:
        return []

    @v_args(meta=True)
    def reading_formula(self, meta: Any, c: list[Any]) -> S.Reading:
        return S.Reading(self._name(c[0]), c[1], None, self._span(meta))

    @v_args(meta=True)
    def reading_alias(self, meta: Any, c: list[Any]) -> S.Reading:
        return S.Reading(self._name(c[0]), None, self._name(c[1]), self._span(meta))

    @v_args(meta=True)
    def assume_decl(self, meta: Any, c: list[Any]) -> S.AssumeDecl:
        return S.AssumeDecl(c[0], self._span(meta))

    # -- clauses
    @v_args(meta=True)
    def clause_decl(self, meta: Any, c: list[Any]) -> S.ClauseDecl:
        ident = self._name(c[0])
        label = c[1]
        fields: dict[str, Any] = {}
        items: list[Any] = []
        for child in c[2:]:
            if isinstance(child, tuple) and len(child) == 2 and isinstance(child[0], str):
                fields[child[0]] = child[1]
            else:
                items.append(child)
        span = self._span(meta)
        header = ident.span.to(ident.span)
        return S.ClauseDecl(ident, label, fields.get("source"), fields.get("text"), fields.get("note"),
                            fields.get("overrides", ()), tuple(items), span, header)

    @v_args(meta=True)
    def norm(self, meta: Any, c: list[Any]) -> S.NormDecl:
        subject, modality, action = c[0], c[1], c[2]
        where = when = unless = protects = None
        for part in c[3:]:
            if part is None:
                continue
            kind, value = part
            if kind == "where":
                where = value
            elif kind == "when":
                when = value
            elif kind == "unless":
                unless = value
            else:
                protects = value
        return S.NormDecl(subject, modality, action, where, when, unless, protects, self._span(meta))

    def subject_party(self, c: list[Token]) -> S.Name:
        return self._name(c[0])

    @v_args(meta=True)
    def subject_each(self, meta: Any, c: list[Any]) -> S.EachSubject:
        return S.EachSubject(self._name(c[0]), c[1], self._span(meta))

    def must(self, c: list[Any]) -> str:
        return "must"

    def must_not(self, c: list[Any]) -> str:
        return "must not"

    def may(self, c: list[Any]) -> str:
        return "may"

    @v_args(meta=True)
    def act_action(self, meta: Any, c: list[Any]) -> S.ActAction:
        return S.ActAction(self._name(c[0]), c[1] if c[1] is not None else (), self._span(meta))

    @v_args(meta=True)
    def keep_action(self, meta: Any, c: list[Any]) -> S.KeepAction:
        return S.KeepAction(c[0], self._span(meta))

    def where(self, c: list[Any]) -> tuple[str, Any]:
        return ("where", c[0])

    def when(self, c: list[Any]) -> tuple[str, Any]:
        return ("when", c[0])

    def unless(self, c: list[Any]) -> tuple[str, Any]:
        return ("unless", c[0])

    @v_args(meta=True)
    def protects(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("protects", S.Protects(self._name(c[0]), c[1], self._span(meta)))

    @v_args(meta=True)
    def limit(self, meta: Any, c: list[Any]) -> S.LimitDecl:
        when = unless = None
        for part in c[1:]:
            if part is None:
                continue
            if part[0] == "when":
                when = part[1]
            else:
                unless = part[1]
        return S.LimitDecl(c[0], when, unless, self._span(meta))

    @v_args(meta=True)
    def for_item(self, meta: Any, c: list[Any]) -> S.ForItem:
        return S.ForItem(self._name(c[0]), c[1], c[2], self._span(meta))

    @v_args(meta=True)
    def norm_bracket(self, meta: Any, c: list[Any]) -> S.NormBracket:
        return S.NormBracket(tuple(c), self._span(meta))

    @v_args(meta=True)
    def norm_alt(self, meta: Any, c: list[Any]) -> S.NormAlt:
        return S.NormAlt(self._name(c[0]), tuple(c[1:]), self._span(meta))

    # -- queries
    @v_args(meta=True)
    def expect_decl(self, meta: Any, c: list[Any]) -> S.ExpectDecl:
        return S.ExpectDecl(c[0], self._span(meta))

    @v_args(meta=True)
    def assert_no_decl(self, meta: Any, c: list[Any]) -> S.AssertNoDecl:
        return S.AssertNoDecl(c[0], self._span(meta))

    @v_args(meta=True)
    def assert_decl(self, meta: Any, c: list[Any]) -> S.AssertDecl:
        return S.AssertDecl(self._name(c[0]), c[1], self._span(meta))

    @v_args(meta=True)
    def scenario_decl(self, meta: Any, c: list[Any]) -> S.ScenarioDecl:
        return S.ScenarioDecl(self._name(c[0]), c[1], self._span(meta))

    @v_args(meta=True)
    def goal_decl(self, meta: Any, c: list[Any]) -> S.GoalDecl:
        kind, body = c[2]
        pattern = body if isinstance(body, S.FindingPattern) else None
        expr = None if pattern is not None else body
        return S.GoalDecl(self._name(c[0]), c[1], kind, pattern, expr, self._span(meta))

    def goal_no(self, c: list[Any]) -> tuple[str, Any]:
        return ("no", c[0])

    def goal_some(self, c: list[Any]) -> tuple[str, Any]:
        return ("some", c[0])

    def goal_always(self, c: list[Any]) -> tuple[str, Any]:
        return ("always", c[0])

    def goal_possible(self, c: list[Any]) -> tuple[str, Any]:
        return ("possible", c[0])

    @v_args(meta=True)
    def maximize(self, meta: Any, c: list[Any]) -> S.ObjectiveDecl:
        return S.ObjectiveDecl("maximize", c[0], self._span(meta))

    @v_args(meta=True)
    def minimize(self, meta: Any, c: list[Any]) -> S.ObjectiveDecl:
        return S.ObjectiveDecl("minimize", c[0], self._span(meta))

    @v_args(meta=True)
    def finding_pattern(self, meta: Any, c: list[Any]) -> S.FindingPattern:
        kind = c[0]
        clauses: tuple[S.Name, ...] = ()
        party = draft = reading = None
        for kind_of, value in c[1:]:
            if kind_of == "on":
                clauses = clauses + value
            elif kind_of == "by":
                party = value
            elif kind_of == "draft":
                draft = value
            else:
                reading = value
        return S.FindingPattern(kind, clauses, party, draft, reading, self._span(meta))

    def finding_kind(self, c: list[Token]) -> str:
        return str(c[0])

    def on_clauses(self, c: list[Token]) -> tuple[str, Any]:
        return ("on", tuple(self._name(t) for t in c))

    def by_party(self, c: list[Token]) -> tuple[str, Any]:
        return ("by", self._name(c[0]))

    def in_draft(self, c: list[Token]) -> tuple[str, Any]:
        return ("draft", self._name(c[0]))

    def under_reading(self, c: list[Token]) -> tuple[str, Any]:
        return ("reading", self._name(c[0]))

    # -- expressions
    @v_args(meta=True)
    def implies(self, meta: Any, c: list[Any]) -> S.Binary:
        return S.Binary("implies", c[0], c[1], self._span(meta))

    @v_args(meta=True)
    def or_(self, meta: Any, c: list[Any]) -> S.Binary:
        return S.Binary("or", c[0], c[1], self._span(meta))

    @v_args(meta=True)
    def and_(self, meta: Any, c: list[Any]) -> S.Binary:
        return S.Binary("and", c[0], c[1], self._span(meta))

    @v_args(meta=True)
    def not_(self, meta: Any, c: list[Any]) -> S.Not:
        return S.Not(c[0], self._span(meta))

    @v_args(meta=True)
    def compare(self, meta: Any, c: list[Any]) -> S.Compare:
        return S.Compare(str(c[1]), c[0], c[2], self._span(meta))

    @v_args(meta=True)
    def member(self, meta: Any, c: list[Any]) -> S.Member:
        return S.Member(c[0], c[1], False, self._span(meta))

    @v_args(meta=True)
    def not_member(self, meta: Any, c: list[Any]) -> S.Member:
        return S.Member(c[0], c[1], True, self._span(meta))

    @v_args(meta=True)
    def arith(self, meta: Any, c: list[Any]) -> S.Arith:
        return S.Arith(str(c[1]), c[0], c[2], self._span(meta))

    @v_args(meta=True)
    def name_ref(self, meta: Any, c: list[Token]) -> S.NameRef:
        return S.NameRef(self._name(c[0]), self._span(meta))

    @v_args(meta=True)
    def call(self, meta: Any, c: list[Any]) -> S.Call:
        return S.Call(self._name(c[0]), c[1], self._span(meta))

    @v_args(meta=True)
    def number(self, meta: Any, c: list[Token]) -> S.Number:
        return S.Number(int(str(c[0]).replace("_", "")), self._span(meta))

    @v_args(meta=True)
    def true(self, meta: Any, c: list[Any]) -> S.BoolLit:
        return S.BoolLit(True, self._span(meta))

    @v_args(meta=True)
    def false(self, meta: Any, c: list[Any]) -> S.BoolLit:
        return S.BoolLit(False, self._span(meta))

    def _quantified(self, kind: str, meta: Any, c: list[Any]) -> S.Quantified:
        return S.Quantified(kind, tuple(c[:-1]), c[-1], self._span(meta))

    @v_args(meta=True)
    def exists_(self, meta: Any, c: list[Any]) -> S.Quantified:
        return self._quantified("exists", meta, c)

    @v_args(meta=True)
    def forall_(self, meta: Any, c: list[Any]) -> S.Quantified:
        return self._quantified("all", meta, c)

    @v_args(meta=True)
    def expr_bracket(self, meta: Any, c: list[Any]) -> S.ExprBracket:
        return S.ExprBracket(tuple(c), self._span(meta))

    @v_args(meta=True)
    def expr_alt(self, meta: Any, c: list[Any]) -> S.ExprAlt:
        return S.ExprAlt(self._name(c[0]), c[1], self._span(meta))

    @v_args(meta=True)
    def binder(self, meta: Any, c: list[Any]) -> S.Binder:
        return S.Binder(self._name(c[0]), c[1], self._span(meta))

    @v_args(meta=True)
    def set_name(self, meta: Any, c: list[Token]) -> S.SetName:
        return S.SetName(self._name(c[0]), self._span(meta))

    @v_args(meta=True)
    def set_literal(self, meta: Any, c: list[Any]) -> S.SetLiteral:
        return S.SetLiteral(tuple(i for i in c if i is not None), self._span(meta))

    def set_item(self, c: list[Token]) -> S.Name:
        return self._name(c[0])

    def args(self, c: list[Any]) -> tuple[S.Arg, ...]:
        return tuple(a for a in c if a is not None)

    @v_args(meta=True)
    def positional_arg(self, meta: Any, c: list[Any]) -> S.Arg:
        return S.Arg(None, c[0], self._span(meta))

    @v_args(meta=True)
    def named_arg(self, meta: Any, c: list[Any]) -> S.Arg:
        return S.Arg(self._name(c[0]), c[1], self._span(meta))

    def arg_name(self, c: list[Token]) -> S.NameRef:
        name = self._name(c[0])
        return S.NameRef(name, name.span)

    @v_args(meta=True)
    def arg_wildcard(self, meta: Any, c: list[Any]) -> S.Wildcard:
        return S.Wildcard(self._span(meta))

    def arg_number(self, c: list[Token]) -> S.Number:
        return S.Number(int(str(c[0]).replace("_", "")), self._tok(c[0]))

    @v_args(meta=True)
    def arg_true(self, meta: Any, c: list[Any]) -> S.BoolLit:
        return S.BoolLit(True, self._span(meta))

    @v_args(meta=True)
    def arg_false(self, meta: Any, c: list[Any]) -> S.BoolLit:
        return S.BoolLit(False, self._span(meta))


def parse_text(path: str, text: str) -> tuple[S.Spec | None, Diagnostics]:
    """Convenience for tests: parse text as if read from path."""
    diags = Diagnostics()
    return parse(SourceFile.of(path, text), diags), diags


__all__ = ["parse", "parse_text", "grammar_parser", "Tree"]


# The rules whose methods take the node's position (`v_args(meta=True)`).
_META_METHODS = tuple(name for name, value in vars(_Build).items() if hasattr(value, "visit_wrapper"))
