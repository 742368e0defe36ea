"""Text -> IR 1: parse one SourceFile into a `syntax.Spec`, or into diagnostics.

Only this module knows Lark, and only through its public API: Lark's LALR
parser makes a parse tree (with positions), and `_Build` turns it into syntax
nodes, bottom up. Lark's analysis of the grammar is kept between
runs in Lark's own cache (see `_cache_file`).

Lark's syntax errors become diagnostics with the expected tokens spelled as the
user would type them, never Lark's internal terminal names. After a syntax error
the parser resumes at the next declaration, so independent mistakes in one file
are all reported.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import os
import re
import sys
import warnings
from bisect import bisect_right
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import lark
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from dsl import syntax as S
from dsl.diagnostics import Code, Diagnostics
from dsl.source import SourceFile, Span

# How terminals are shown in "expected ..." lists.
_TERMINAL_TEXT = {
    "NAME": "a name", "FINDING_KIND": "a kind of finding", "INT": "a number", "STRING": "a quoted string",
    "CMP_OP": "a comparison",
    "ADD_OP": "'+' or '-'", "$END": "end of file",
}
# Declaration keywords: after an error the parser skips to the next of these.
_DECL_KEYWORDS = ("instrument", "import", "party", "group", "enum", "fact", "act", "quantity", "define",
                  "term", "assume", "check", "clause", "expect", "assert", "scenario", "goal", "maximize", "minimize")


_OPTIONS: dict[str, Any] = {"parser": "lalr", "propagate_positions": True, "maybe_placeholders": True}


@lru_cache(maxsize=1)
def _lark() -> Lark:
    """The grammar's parser: Lark's analysis of dsl/grammar.lark (0.2 s), or that analysis as an
    earlier run kept it with `Lark.save` (a few ms)."""
    kept = _cache_file()
    if kept is not None:
        try:
            with open(kept, "rb") as f:
                return Lark.load(f)
        except FileNotFoundError:
            pass
        except Exception:  # noqa: BLE001, S110 - a damaged file (whatever unpickling raises): analyse again
            pass
    parser = Lark.open_from_package("dsl", "grammar.lark", **_OPTIONS)
    if kept is not None:
        # Written under a name of its own, then renamed: whole or absent for any other nverify
        # process (workers, a run alongside). A failure only costs the next run the analysis.
        partial = f"{kept}.{os.getpid()}.partial"
        try:
            with open(partial, "wb") as f:
                parser.save(f)
            os.replace(partial, kept)
        except OSError:
            with contextlib.suppress(OSError):
                os.remove(partial)
    return parser


def _cache_file() -> str | None:
    """Where the parser is kept between runs, or None for nowhere.

    Lark's saved parser (`Lark.save`, which its `cache=` option uses too) is a pickle, and
    unpickling runs code: so it is not kept where Lark's `cache=True` keeps it (a predictable
    name in the shared temporary folder, which another user could write first), but in the
    user's own cache folder (XDG_CACHE_HOME, else ~/.cache) under nverify/, and only while that
    folder belongs to the user and no one else may write it: then it is as much the user's own
    as the installed code is. (Lark's `cache=PATH` would do the reading, but it writes the file
    in place, where another nverify process may read it half-written, and its check of the file
    covers the path itself, so a file written elsewhere and renamed never matches.) The name
    holds a digest of the grammar, the options and the versions of Lark and Python: each install
    keeps its own.
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "nverify")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        status = os.stat(folder)
    except OSError:
        return None
    if status.st_uid != os.getuid() or status.st_mode & 0o022:
        return None
    grammar = resources.files("dsl").joinpath("grammar.lark").read_bytes()
    stamp = f"|{sorted(_OPTIONS.items())}|{lark.__version__}|{sys.version_info[:2]}".encode()
    return os.path.join(folder, f"grammar-{hashlib.sha256(grammar + stamp).hexdigest()[:24]}.lark")


def grammar_parser(strict: bool = False) -> Lark:
    """The Lark parser; `strict=True` (tests) also rejects grammar conflicts."""
    if strict:
        return Lark.open_from_package("dsl", "grammar.lark", parser="lalr", propagate_positions=True,
                                      maybe_placeholders=True, strict=True)
    return _lark()


# How deeply brackets and expressions may nest. Every later stage walks expressions
# recursively; real instruments stay below 20 levels, and Python's stack allows about 400.
MAX_NESTING = 100
# Levels of the syntax tree: start, declaration, norm and clause part sit above any expression.
_DEPTH_LIMIT = MAX_NESTING + 4


def parse(source: SourceFile, diags: Diagnostics) -> S.Spec | None:
    """Parse a file. Returns None (with diagnostics) on any syntax error."""
    # Python's cycle collector is left alone: switching it off for the whole process (and any
    # other thread, such as the language server's) while a file parses saved 1.2 s of 3.5 s
    # on 10,000 lines, a few per cent of checking them.
    if not _nesting_ok(source, diags):
        return None
    try:
        tree = _lark().parse(source.text)
    except UnexpectedInput:
        _report_syntax_errors(source, diags)
        return None
    order, too_deep = _children_first(tree)
    if too_deep is not None:
        diags.error(Code.TOO_COMPLEX, source.span(too_deep, too_deep + 1),
                    f"this expression nests more than {MAX_NESTING} levels deep",
                    help="split the condition into named parts with `define`")
        return None
    build = _Build(source)
    decls = _build_all(build, order)
    if build.bad_literal is not None:
        diags.error(Code.BAD_STRING, build.bad_literal.span, build.bad_literal.message,
                    help="a backslash starts an escape: write `\\\\` for a backslash, `\\\"` for a quote")
        return None
    return S.Spec(source, tuple(decls))


def _report_syntax_errors(source: SourceFile, diags: Diagnostics) -> None:
    """Report each syntax error Lark's parser finds: after one, it resumes at the next line that
    starts with a declaration keyword."""
    text = source.text
    offset = 0
    while offset <= len(text):
        chunk = text[offset:]
        try:
            _lark().parse(chunk)
        except UnexpectedInput as err:
            _report(source, offset, err, diags)
            next_start = _next_declaration(text, offset + _error_offset(err, chunk))
            if next_start is None:
                break
            offset = next_start
            continue
        assert offset > 0, "Lark parses a file that _run rejects"
        break


# What the bracket count skips: comments, and strings up to their closing quote (or the end of
# the text). Each bracket is a match of its own.
_BRACKET_SCAN = re.compile(r'#[^\n]*|"(?:[^"\\]|\\[\s\S]?)*"?|[()\[\]]')


def _nesting_ok(source: SourceFile, diags: Diagnostics) -> bool:
    """Brackets `(` and `[` nest at most MAX_NESTING deep (strings and comments skipped)."""
    depth = 0
    for match in _BRACKET_SCAN.finditer(source.text):
        found = match.group()
        if found == "(" or found == "[":
            depth += 1
            if depth > MAX_NESTING:
                start = match.start()
                diags.error(Code.TOO_COMPLEX, source.span(start, start + 1),
                            f"brackets nest more than {MAX_NESTING} levels deep here",
                            help="split the condition into named parts with `define`")
                return False
        elif found == ")" or found == "]":
            depth = max(0, depth - 1)
    return True


def _children_first(tree: Tree[Token]) -> tuple[list[Tree[Token] | Token | None], int | None]:
    """The nodes of Lark's tree of a file, each after its children, and where the tree first nests
    more than _DEPTH_LIMIT levels, if it does (found without recursion: the later stages recurse)."""
    order: list[Tree[Token] | Token | None] = []
    first: int | None = None  # where the earliest too-deep part starts
    stack: list[tuple[Tree[Token] | Token | None, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        order.append(node)
        if isinstance(node, Tree):
            if depth > _DEPTH_LIMIT:
                start = 0 if node.meta.empty else node.meta.start_pos
                first = start if first is None else min(first, start)
                continue
            stack.extend((child, depth + 1) for child in node.children)
    order.reverse()
    return order, first


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


def _expected(accepts: Iterable[str]) -> str:
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
        assert err.pos_in_stream is not None, "Lark's lexer says where it stopped"
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
    misspelt = None if _ends_an_earlier_line(source, base, token, err) else _misspelt_keyword(source.text[base:], err)
    if misspelt is not None:
        (word_start, word), keyword, accepted = misspelt
        span = source.span(base + word_start, base + word_start + len(word))
        message = f"unknown word {word!r} here; did you mean {keyword!r}?"
        help_text = f"expected {_expected(accepted)}"
    elif token.type == "IMPLIES" and "OR" in err.accepts:
        message = "`implies` cannot be chained"
        help_text = "add parentheses: `(a implies b) implies c` or `a implies (b implies c)`"
    elif token.type == "NAME" and err.accepts and {"MUST", "MAY"} & set(err.accepts):
        message = f"unknown modality {str(token)!r}"
        help_text = "a norm says `must`, `must not` or `may`"
    elif "SEMICOLON" in err.accepts and len(err.accepts) <= 7:
        previous = _previous_token_end(source.text[base:], token.start_pos or 0)
        if previous is not None and source.position(base + previous)[0] < span.line:
            # The statement ended on an earlier line: point where the ';' belongs.
            span = source.span(base + previous, base + previous)
            message = "missing ';' at the end of this statement"
            help_text = f"expected {_expected(err.accepts)}; the next line starts with {str(token)!r}"
        else:
            message = f"unexpected {str(token)!r}; missing ';'?"
    diags.error(Code.SYNTAX, span, message, help=help_text)


def _ends_an_earlier_line(source: SourceFile, base: int, token: Token, err: UnexpectedToken) -> bool:
    """Whether a `;` is accepted here and the statement before the token ended on an earlier line
    (then the `;` is what is missing, whatever word the next line starts with)."""
    if "SEMICOLON" not in err.accepts:
        return False
    previous = _previous_token_end(source.text[base:], token.start_pos or 0)
    return previous is not None and source.position(base + previous)[0] < source.position(base + (token.start_pos or 0))[0]


def _keywords(accepts: Iterable[str]) -> dict[str, str]:
    """The words among the accepted terminals (`not`, `where`, ...): word -> terminal name."""
    out = {}
    for term in _lark().terminals:
        if term.name in accepts and term.pattern.type == "str" and str(term.pattern.value).isalpha():
            out[str(term.pattern.value)] = term.name
    return out


def _close_keyword(word: str, accepts: Iterable[str]) -> tuple[str, set[str]] | None:
    """The keyword accepted here that `word` most looks like a misspelling of (difflib), if any."""
    import difflib

    keywords = _keywords(accepts)
    close = difflib.get_close_matches(word, list(keywords), n=1, cutoff=0.6)
    return (close[0], set(accepts)) if close and close[0] != word else None


def _misspelt_keyword(chunk: str, err: UnexpectedToken) -> tuple[tuple[int, str], str, set[str]] | None:
    """A name where the parser could also take a keyword it resembles: the word (offset in chunk,
    text), the keyword, and what the parser accepted there. The word is the unexpected token
    itself (`whre`), or the name just before it, which the parser took as a name although a
    keyword was expected too (`must nto join`: `nto` is read as the act, then `join` is unexpected)."""
    token = err.token
    if token.type == "NAME":
        found = _close_keyword(str(token), err.accepts)
        if found is not None:
            return (token.start_pos or 0, str(token)), *found
    try:
        before = list(_lark().lex(chunk[: token.start_pos or 0]))
    except UnexpectedInput:
        return None
    if not before or before[-1].type != "NAME":
        return None
    previous = before[-1]
    # What the parser accepted at the name before: replay the parse up to it.
    interactive = _lark().parse_interactive(chunk)
    try:
        for seen in interactive.iter_parse():
            if seen.start_pos == previous.start_pos:
                accepted: set[str] = interactive.accepts()  # type: ignore[no-untyped-call]
                break
        else:
            return None
    except UnexpectedInput:
        return None
    found = _close_keyword(str(previous), accepted)
    return ((previous.start_pos or 0, str(previous)), *found) if found is not None else None


class _BadLiteral(Exception):
    def __init__(self, span: Span, message: str) -> None:
        super().__init__(message)
        self.span = span
        self.message = message


# A string body without escapes (and without what Python's reading of a literal rejects:
# NUL, lone surrogates; carriage returns are gone already) is its own value: checked
# against ast.literal_eval for every code point.
_PLAIN = re.compile(r'[^\\\x00\r\ud800-\udfff]*\Z')


def _unquote(token: str, span: Span) -> str:
    body = token[1:-1]
    if _PLAIN.match(body):
        return body
    try:
        # Python only warns about an unknown escape such as `\q`; here it is an error. Triple
        # quotes let the wording span lines, as clause texts do.
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            value = ast.literal_eval('"""' + body + '"""')
    except (ValueError, SyntaxError, Warning):
        raise _BadLiteral(span, "invalid escape in string") from None
    assert isinstance(value, str)
    return value



# ---- the parse tree -> syntax nodes ---------------------------------------------------------------

# A token as the builder takes it: its text and where it starts.
_Token = tuple[str, int]


def _spanned(method: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a builder method that takes the node's span after its children."""
    method.spanned = True  # type: ignore[attr-defined]  # a mark on the function, read by _method
    return method


def _build_all(build: _Build, order: list[Tree[Token] | Token | None]) -> Any:
    """The value of the tree's root, from its nodes children first (`_children_first`).

    Lark has shaped the tree already: anonymous tokens (keywords, punctuation) dropped, an absent
    `[x]` a None, a `?rule` with one child that child, a `_rule`'s children its parent's. A rule's
    node is made by the `_Build` method named after the rule (or its alias), from its children,
    tokens as `_Token`s; a `_spanned` one also gets Lark's position of the rule's whole text,
    keywords and brackets included.
    """
    values: list[Any] = []
    for node in order:
        if isinstance(node, Tree):
            cut = len(values) - len(node.children)
            children = values[cut:]
            del values[cut:]
            method, spanned = _method(node.data)
            meta = node.meta
            values.append(method(build, children, build.span(meta.start_pos, meta.end_pos)) if spanned
                          else method(build, children))
        elif isinstance(node, Token):
            values.append((str(node), node.start_pos))
        else:
            values.append(node)  # None: an absent `[x]`
    (root,) = values
    return root


@cache
def _method(rule: str) -> tuple[Callable[..., Any], bool]:
    method = getattr(_Build, rule)
    return method, getattr(method, "spanned", False)


class _Build:
    """Syntax nodes from the children of a grammar rule. Every node gets a span in the file."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.bad_literal: _BadLiteral | None = None  # the first string with a bad escape

    def span(self, start: int, end: int) -> Span:
        """`source.span(start, end)` for offsets in the text, in one call: the parser makes one per node."""
        lines = self.source.line_starts
        line = bisect_right(lines, start)
        end_line = bisect_right(lines, end, line - 1)
        return Span(self.source.path, start, end, line, start - lines[line - 1] + 1,
                    end_line, end - lines[end_line - 1] + 1)

    def _tok(self, token: _Token) -> Span:
        text, start = token
        return self.span(start, start + len(text))

    def _name(self, token: _Token) -> S.Name:
        return S.Name(token[0], self._tok(token))

    # -- top level
    def start(self, items: list[Any]) -> list[Any]:
        return [i for i in items if i is not None]

    @_spanned
    def string(self, tokens: list[_Token], span: Span) -> str:
        try:
            return "".join(_unquote(text, span) for text, _ in tokens)
        except _BadLiteral as err:
            # Reported once the whole file has parsed: a syntax error anywhere comes first.
            self.bad_literal = self.bad_literal or err
            return ""

    def meta_source(self, c: list[Any]) -> tuple[str, Any]:
        return ("source", c[0])

    def meta_rank(self, c: list[Any]) -> tuple[str, Any]:
        return ("rank", int(c[0][0].replace("_", "")))

    def meta_text(self, c: list[Any]) -> tuple[str, Any]:
        return ("text", c[0])

    def meta_note(self, c: list[Any]) -> tuple[str, Any]:
        return ("note", c[0])

    def meta_overrides(self, c: list[Any]) -> tuple[str, Any]:
        return ("overrides", tuple(self._name(t) for t in c))

    @_spanned
    def instrument_decl(self, c: list[Any], span: Span) -> S.InstrumentDecl:
        fields = dict(c[2:])
        return S.InstrumentDecl(self._name(c[0]), c[1], fields.get("source"), fields.get("rank"), span)

    @_spanned
    def import_decl(self, c: list[Any], span: Span) -> S.ImportDecl:
        return S.ImportDecl(c[0], span)

    @_spanned
    def party_decl(self, c: list[_Token], span: Span) -> S.PartyDecl:
        return S.PartyDecl(tuple(self._name(t) for t in c), span)

    @_spanned
    def group_decl(self, c: list[Any], span: Span) -> S.GroupDecl:
        return S.GroupDecl(self._name(c[0]), c[1].items, span)

    @_spanned
    def enum_decl(self, c: list[_Token], span: Span) -> S.EnumDecl:
        return S.EnumDecl(self._name(c[0]), tuple(self._name(t) for t in c[1:]), span)

    def _predicate(self, kind: str, c: list[Any], span: Span) -> S.PredicateDecl:
        control = c[2] if len(c) > 2 else None
        control = control if isinstance(control, S.Name) else None
        return S.PredicateDecl(kind, self._name(c[0]), c[1], control, span)

    @_spanned
    def fact_decl(self, c: list[Any], span: Span) -> S.PredicateDecl:
        return self._predicate("fact", c, span)

    @_spanned
    def act_decl(self, c: list[Any], span: Span) -> S.PredicateDecl:
        return self._predicate("act", c, span)

    @_spanned
    def quantity_decl(self, c: list[Any], span: Span) -> S.PredicateDecl:
        return self._predicate("quantity", c, span)

    def params(self, c: list[Any]) -> tuple[S.Param, ...]:
        return tuple(p for p in c if p is not None)

    @_spanned
    def param(self, c: list[_Token | None], span: Span) -> S.Param:
        name, qualifier, type_ = c
        assert name is not None and type_ is not None
        return S.Param(self._name(name), self._name(type_), span, None if qualifier is None else self._name(qualifier))

    def control(self, c: list[_Token]) -> S.Name:
        return self._name(c[0])

    @_spanned
    def define_decl(self, c: list[Any], span: Span) -> S.DefineDecl:
        params = c[1] if c[1] is not None else ()
        return S.DefineDecl(self._name(c[0]), params, c[2], span)

    @_spanned
    def term_decl(self, c: list[Any], span: Span) -> S.TermDecl:
        params = c[1] if c[1] is not None else ()
        return S.TermDecl(self._name(c[0]), params, tuple(c[2]), span)

    def readings(self, c: list[Any]) -> list[S.Reading]:
        return list(c)

    def no_readings(self, c: list[Any]) -> list[S.Reading]:
        return []

    @_spanned
    def reading_formula(self, c: list[Any], span: Span) -> S.Reading:
        return S.Reading(self._name(c[0]), c[1], None, span)

    @_spanned
    def reading_alias(self, c: list[Any], span: Span) -> S.Reading:
        return S.Reading(self._name(c[0]), None, self._name(c[1]), span)

    @_spanned
    def check_reading_decl(self, c: list[Any], span: Span) -> S.CheckReadingDecl:
        return S.CheckReadingDecl(self._name(c[0]), tuple(self._name(t) for t in c[1:] if t is not None), span)

    @_spanned
    def assume_decl(self, c: list[Any], span: Span) -> S.AssumeDecl:
        return S.AssumeDecl(c[0], span)

    # -- clauses
    @_spanned
    def clause_decl(self, c: list[Any], span: Span) -> S.ClauseDecl:
        ident = self._name(c[0])
        label = c[1]
        fields: dict[str, Any] = {}
        items: list[Any] = []
        for child in c[2:]:
            if isinstance(child, tuple) and len(child) == 2 and isinstance(child[0], str):
                fields[child[0]] = child[1]
            else:
                items.append(child)
        header = ident.span.to(ident.span)
        return S.ClauseDecl(ident, label, fields.get("source"), fields.get("text"), fields.get("note"),
                            fields.get("overrides", ()), tuple(items), span, header)

    @_spanned
    def norm(self, c: list[Any], span: Span) -> S.NormDecl:
        subject, modality, action = c[0], c[1], c[2]
        where = when = unless = protects = deadline = None
        for part in c[3:]:
            if part is None:
                continue
            if isinstance(part, S.Deadline):
                deadline = part
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
        return S.NormDecl(subject, modality, action, where, when, unless, protects, span, deadline)

    @_spanned
    def deadline(self, c: list[Any], span: Span) -> S.Deadline:
        return S.Deadline(c[0], c[1], span)

    @_spanned
    def protection_decl(self, c: list[Any], span: Span) -> S.ProtectionDecl:
        where = next((p[1] for p in c[4:] if isinstance(p, tuple) and p[0] == "where"), None)
        within = next((p for p in c[4:] if isinstance(p, S.Number)), None)
        return S.ProtectionDecl(self._name(c[0]), c[1], c[2], c[3], where, span, within)

    def delay(self, c: list[_Token]) -> S.Number:
        return self._number(c[0])

    def _number(self, token: _Token) -> S.Number:
        return S.Number(int(token[0].replace("_", "")), self._tok(token))

    # -- time
    @_spanned
    def time_range(self, c: list[_Token], span: Span) -> S.TimeDecl:
        return S.TimeDecl(self._name(c[0]), self._number(c[1]), self._number(c[2]), (), span)

    @_spanned
    def time_phases(self, c: list[_Token], span: Span) -> S.TimeDecl:
        return S.TimeDecl(None, None, None, tuple(self._name(t) for t in c), span)

    @_spanned
    def phase_decl(self, c: list[_Token], span: Span) -> S.PhaseDecl:
        return S.PhaseDecl(self._name(c[0]), self._number(c[1]), self._number(c[2]), span)

    @_spanned
    def at_(self, c: list[Any], span: Span) -> S.Temporal:
        ref = c[1]
        if isinstance(ref, S.Number):
            return S.Temporal("at", c[0], ref, None, span)
        return S.Temporal("at", c[0], None, ref.name, span)

    @_spanned
    def within_(self, c: list[Any], span: Span) -> S.Temporal:
        return S.Temporal("within", c[1], self._number(c[0]), None, span)

    @_spanned
    def since_(self, c: list[Any], span: Span) -> S.Temporal:
        return S.Temporal("since", c[0], None, None, span)

    @_spanned
    def after_(self, c: list[Any], span: Span) -> S.Temporal:
        return S.Temporal("after", c[0], None, None, span)

    @_spanned
    def before_(self, c: list[Any], span: Span) -> S.Temporal:
        return S.Temporal("before", c[0], None, None, span)

    @_spanned
    def until_(self, c: list[Any], span: Span) -> S.Temporal:
        return S.Temporal("until", c[0], None, None, span)

    @_spanned
    def first_(self, c: list[Any], span: Span) -> S.Temporal:
        return S.Temporal("first", c[0], None, None, span)

    @_spanned
    def during_(self, c: list[_Token], span: Span) -> S.Temporal:
        return S.Temporal("during", None, None, self._name(c[0]), span)

    def subject_party(self, c: list[_Token]) -> S.Name:
        return self._name(c[0])

    @_spanned
    def subject_each(self, c: list[Any], span: Span) -> S.EachSubject:
        return S.EachSubject(self._name(c[0]), c[1], span)

    def must(self, c: list[Any]) -> str:
        return "must"

    def must_not(self, c: list[Any]) -> str:
        return "must not"

    def may(self, c: list[Any]) -> str:
        return "may"

    @_spanned
    def act_action(self, c: list[Any], span: Span) -> S.ActAction:
        return S.ActAction(self._name(c[0]), c[1] if c[1] is not None else (), span)

    @_spanned
    def keep_action(self, c: list[Any], span: Span) -> S.KeepAction:
        return S.KeepAction(c[0], span)

    def where(self, c: list[Any]) -> tuple[str, Any]:
        return ("where", c[0])

    def when(self, c: list[Any]) -> tuple[str, Any]:
        return ("when", c[0])

    def unless(self, c: list[Any]) -> tuple[str, Any]:
        return ("unless", c[0])

    @_spanned
    def protects(self, c: list[Any], span: Span) -> tuple[str, Any]:
        return ("protects", S.Protects(self._name(c[0]), c[1], c[2] if len(c) > 2 else None, span))

    @_spanned
    def limit(self, c: list[Any], span: Span) -> S.LimitDecl:
        when = unless = None
        for part in c[1:]:
            if part is None:
                continue
            if part[0] == "when":
                when = part[1]
            else:
                unless = part[1]
        return S.LimitDecl(c[0], when, unless, span)

    @_spanned
    def for_item(self, c: list[Any], span: Span) -> S.ForItem:
        return S.ForItem(self._name(c[0]), c[1], c[2], span)

    @_spanned
    def norm_bracket(self, c: list[Any], span: Span) -> S.NormBracket:
        return S.NormBracket(tuple(c), span)

    @_spanned
    def norm_alt(self, c: list[Any], span: Span) -> S.NormAlt:
        return S.NormAlt(self._name(c[0]), tuple(c[1:]), span)

    # -- queries
    @_spanned
    def expect_decl(self, c: list[Any], span: Span) -> S.ExpectDecl:
        return S.ExpectDecl(c[0], span)

    @_spanned
    def assert_no_decl(self, c: list[Any], span: Span) -> S.AssertNoDecl:
        return S.AssertNoDecl(c[0], span)

    @_spanned
    def assert_decl(self, c: list[Any], span: Span) -> S.AssertDecl:
        return S.AssertDecl(self._name(c[0]), c[1], c[2] or (), span)

    @_spanned
    def scenario_decl(self, c: list[Any], span: Span) -> S.ScenarioDecl:
        return S.ScenarioDecl(self._name(c[0]), c[1], c[2] or (), span)

    def while_breaches(self, c: list[Any]) -> tuple[S.BreachOf, ...]:
        return tuple(c)

    @_spanned
    def breach_of(self, c: list[Any], span: Span) -> S.BreachOf:
        return S.BreachOf(self._name(c[0]), tuple(self._name(t) for t in c[1:] if t is not None), span)

    @_spanned
    def goal_decl(self, c: list[Any], span: Span) -> S.GoalDecl:
        kind, body = c[2]
        pattern = body if isinstance(body, S.FindingPattern) else None
        expr = None if pattern is not None else body
        return S.GoalDecl(self._name(c[0]), c[1], kind, pattern, expr, span)

    def goal_no(self, c: list[Any]) -> tuple[str, Any]:
        return ("no", c[0])

    def goal_some(self, c: list[Any]) -> tuple[str, Any]:
        return ("some", c[0])

    def goal_always(self, c: list[Any]) -> tuple[str, Any]:
        return ("always", c[0])

    def goal_possible(self, c: list[Any]) -> tuple[str, Any]:
        return ("possible", c[0])

    @_spanned
    def maximize(self, c: list[Any], span: Span) -> S.ObjectiveDecl:
        return S.ObjectiveDecl("maximize", c[0], span)

    @_spanned
    def minimize(self, c: list[Any], span: Span) -> S.ObjectiveDecl:
        return S.ObjectiveDecl("minimize", c[0], span)

    @_spanned
    def finding_pattern(self, c: list[Any], span: Span) -> S.FindingPattern:
        kind = self._name(c[0])
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
        return S.FindingPattern(kind, clauses, party, draft, reading, span)

    def on_clauses(self, c: list[_Token]) -> tuple[str, Any]:
        return ("on", tuple(self._name(t) for t in c))

    def by_party(self, c: list[_Token]) -> tuple[str, Any]:
        return ("by", self._name(c[0]))

    def in_draft(self, c: list[_Token]) -> tuple[str, Any]:
        return ("draft", self._name(c[0]))

    def under_reading(self, c: list[_Token]) -> tuple[str, Any]:
        return ("reading", self._name(c[0]))

    # -- expressions
    @_spanned
    def implies(self, c: list[Any], span: Span) -> S.Binary:
        return S.Binary("implies", c[0], c[1], span)

    @_spanned
    def or_(self, c: list[Any], span: Span) -> S.Binary:
        return S.Binary("or", c[0], c[1], span)

    @_spanned
    def and_(self, c: list[Any], span: Span) -> S.Binary:
        return S.Binary("and", c[0], c[1], span)

    @_spanned
    def not_(self, c: list[Any], span: Span) -> S.Not:
        return S.Not(c[0], span)

    @_spanned
    def compare(self, c: list[Any], span: Span) -> S.Compare:
        return S.Compare(c[1][0], c[0], c[2], span)

    @_spanned
    def member(self, c: list[Any], span: Span) -> S.Member:
        return S.Member(c[0], c[1], False, span)

    @_spanned
    def not_member(self, c: list[Any], span: Span) -> S.Member:
        return S.Member(c[0], c[1], True, span)

    @_spanned
    def arith(self, c: list[Any], span: Span) -> S.Arith:
        return S.Arith(c[1][0], c[0], c[2], span)

    @_spanned
    def name_ref(self, c: list[_Token], span: Span) -> S.NameRef:
        return S.NameRef(self._name(c[0]), span)

    @_spanned
    def call(self, c: list[Any], span: Span) -> S.Call:
        return S.Call(self._name(c[0]), c[1], span)

    @_spanned
    def number(self, c: list[_Token], span: Span) -> S.Number:
        return S.Number(int(c[0][0].replace("_", "")), span)

    @_spanned
    def true(self, c: list[Any], span: Span) -> S.BoolLit:
        return S.BoolLit(True, span)

    @_spanned
    def false(self, c: list[Any], span: Span) -> S.BoolLit:
        return S.BoolLit(False, span)

    def _quantified(self, kind: str, c: list[Any], span: Span) -> S.Quantified:
        return S.Quantified(kind, tuple(c[:-1]), c[-1], span)

    @_spanned
    def exists_(self, c: list[Any], span: Span) -> S.Quantified:
        return self._quantified("exists", c, span)

    @_spanned
    def forall_(self, c: list[Any], span: Span) -> S.Quantified:
        return self._quantified("all", c, span)

    @_spanned
    def count_(self, c: list[Any], span: Span) -> S.Count:
        kind = " ".join(c[0][0].split())  # `at  least` is `at least`
        return S.Count(kind, c[1], c[2], c[3], span)

    @_spanned
    def majority_(self, c: list[Any], span: Span) -> S.Count:
        return S.Count("a majority", None, c[1], c[2], span)

    @_spanned
    def expr_bracket(self, c: list[Any], span: Span) -> S.ExprBracket:
        return S.ExprBracket(tuple(c), span)

    @_spanned
    def expr_alt(self, c: list[Any], span: Span) -> S.ExprAlt:
        return S.ExprAlt(self._name(c[0]), c[1], span)

    @_spanned
    def binder(self, c: list[Any], span: Span) -> S.Binder:
        return S.Binder(self._name(c[0]), c[1], span)

    @_spanned
    def set_name(self, c: list[_Token], span: Span) -> S.SetName:
        return S.SetName(self._name(c[0]), span)

    @_spanned
    def set_literal(self, c: list[Any], span: Span) -> S.SetLiteral:
        return S.SetLiteral(tuple(i for i in c if i is not None), span)

    def set_item(self, c: list[_Token]) -> S.Name:
        return self._name(c[0])

    def args(self, c: list[Any]) -> tuple[S.Arg, ...]:
        return tuple(a for a in c if a is not None)

    @_spanned
    def positional_arg(self, c: list[Any], span: Span) -> S.Arg:
        return S.Arg(None, c[0], span)

    @_spanned
    def named_arg(self, c: list[Any], span: Span) -> S.Arg:
        return S.Arg(self._name(c[0]), c[1], span)

    def arg_name(self, c: list[_Token]) -> S.NameRef:
        name = self._name(c[0])
        return S.NameRef(name, name.span)

    @_spanned
    def arg_wildcard(self, c: list[Any], span: Span) -> S.Wildcard:
        return S.Wildcard(span)

    def arg_number(self, c: list[_Token]) -> S.Number:
        return S.Number(int(c[0][0].replace("_", "")), self._tok(c[0]))

    @_spanned
    def arg_true(self, c: list[Any], span: Span) -> S.BoolLit:
        return S.BoolLit(True, span)

    @_spanned
    def arg_false(self, c: list[Any], span: Span) -> S.BoolLit:
        return S.BoolLit(False, span)




def parse_text(path: str, text: str) -> tuple[S.Spec | None, Diagnostics]:
    """Convenience for tests: parse text as if read from path."""
    diags = Diagnostics()
    return parse(SourceFile.of(path, text), diags), diags


__all__ = ["Tree", "grammar_parser", "parse", "parse_text"]
