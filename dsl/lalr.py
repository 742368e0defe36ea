"""Lark's LALR parser with its contextual lexer, driven here, minus what only error messages
and parse trees need (dsl.parser uses it; with dsl.parser, the only module that knows Lark).

`run` reads Lark's analysis of the grammar (internals of the pinned Lark 1.3.1) and keeps its
rules for shaping nodes: anonymous tokens (keywords, punctuation) are dropped, `[x]` leaves
None when absent, a `?rule` with one child is that child, and a `_rule` (Lark's helper for `*`
and `+`) hands its children to its parent. A rule's node is made by the method of the builder
class named after the rule (or its alias), as the rule reduces.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from lark import Lark
from lark.grammar import Rule
from lark.lexer import BasicLexer, UnlessCallback
from lark.parsers.lalr_analysis import Shift


class Rejected(Exception):
    """The text does not parse (Lark's own parser then says why)."""


# A token on the parser's stack: its text and where it starts.
Token = tuple[str, int]

# What a reduction pushes: a syntax node from the builder's method named after the rule, the
# one child of a `?rule`, or the children of a `_rule`.
_NODE, _INLINE, _SPLICE = range(3)


class _Reduction(NamedTuple):
    """How `run` reduces by one grammar rule."""

    size: int  # stack entries popped
    origin: str  # the rule's name, for the state to go to
    how: int  # _NODE, _INLINE or _SPLICE
    # Which popped values are the children, as (index, splice it) or (None, False) for an absent
    # `[x]`; None when they all are, as they are.
    steps: tuple[tuple[int | None, bool], ...] | None
    method: Callable[..., Any] | None  # for a _NODE
    spanned: bool  # the method takes the node's span


def spanned(method: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a builder method that takes the node's span after its children."""
    method.spanned = True  # type: ignore[attr-defined]
    return method


def _reduction(rule: Rule, builder: type) -> _Reduction:
    expansion = rule.expansion
    options = rule.options
    # Positions of an empty rule would be Lark's "empty" ones; only an empty file is one.
    assert expansion or rule.origin.name == "start", f"{rule}: only `start` may match nothing"
    steps: list[tuple[int | None, bool]] = []
    symbols = iter(enumerate(expansion))
    for absent in options.empty_indices or (False,) * len(expansion):
        if absent:
            steps.append((None, False))
            continue
        index, symbol = next(symbols)
        if options.keep_all_tokens or not (symbol.is_term and symbol.filter_out):
            steps.append((index, not symbol.is_term and symbol.name.startswith("_")))
    method = None
    if rule.origin.name.startswith("_"):
        how = _SPLICE
    elif options.expand1 and not rule.alias and len(steps) == 1 and not steps[0][1]:
        how = _INLINE
    else:
        how = _NODE
        method = getattr(builder, rule.alias or rule.origin.name)
    kept = None if steps == [(i, False) for i in range(len(expansion))] else tuple(steps)
    # A plain string: Lark names rules with its Token, whose __eq__ would slow every table lookup.
    return _Reduction(len(expansion), str(rule.origin.name), how, kept, method, getattr(method, "spanned", False))


def _scanner(lexer: BasicLexer) -> tuple[Callable[..., Any], dict[str, dict[str, str]]]:
    """One parser state's lexer: its pattern's match, and for a terminal such as NAME the
    keywords (of this state) that it would also match, by text."""
    (pattern,) = lexer.scanner._mres  # the property builds lexer.callback too
    keywords = {}
    for kind, callback in lexer.callback.items():
        assert isinstance(callback, UnlessCallback)
        assert not any(t.pattern.flags for t in callback.scanner.terminals)
        keywords[kind] = {t.pattern.value: t.name for t in callback.scanner.terminals}
    return pattern.match, keywords


class Machine:
    """Lark's analysis of the grammar, laid out for `run`, with the builder class's methods."""

    def __init__(self, lark: Lark, builder: type) -> None:
        table = lark.parser.parser._parse_table
        self.start_state = table.start_states["start"]
        self.end_state = table.end_states["start"]
        reductions = {rule: _reduction(rule, builder) for rule in lark.rules}
        # state -> symbol -> (Shift, next state) or (Reduce, `_reduction` of the rule)
        self.states = {state: {symbol: (action, arg if action is Shift else reductions[arg])
                               for symbol, (action, arg) in actions.items()}
                       for state, actions in table.states.items()}
        self.scanners = {state: _scanner(lexer) for state, lexer in lark.parser.lexer.lexers.items()}
        self.ignore = frozenset(lark.lexer_conf.ignore)


def run(machine: Machine, build: Any, text: str) -> tuple[Any, int]:
    """Parse text into the value of `start` and the height of Lark's tree of it, with `build`
    (an instance of the machine's builder class; its `span(start, end)` makes spans); raise
    Rejected where Lark would raise a syntax error."""
    states, scanners, ignore, end_state = machine.states, machine.scanners, machine.ignore, machine.end_state
    span = build.span
    state_stack = [machine.start_state]
    # For each entry of the parser's stack: its value, where its text starts and ends, and the
    # height of its subtree in Lark's tree (-1 for a token, which is no tree).
    values: list[Any] = []
    starts: list[int] = []
    ends: list[int] = []
    heights: list[int] = []
    pos, end = 0, len(text)
    while True:
        # The next token, with the terminals the current state accepts (Lark's contextual lexer).
        match, keywords = scanners[state_stack[-1]]
        kind, token, start = "$END", "", end
        while pos < end:
            found = match(text, pos)
            if found is None:
                raise Rejected
            if found.lastgroup in ignore:
                pos = found.end()
                continue
            kind, token, start, pos = found.lastgroup, found.group(), pos, found.end()
            if kind in keywords:
                kind = keywords[kind].get(token, kind)
            break
        # Reduce as the token says, then shift it.
        while True:
            try:
                action, arg = states[state_stack[-1]][kind]
            except KeyError:
                raise Rejected from None
            if action is Shift:
                state_stack.append(arg)
                values.append((token, start))
                starts.append(start)
                ends.append(pos)
                heights.append(-1)
                break
            size, origin, how, steps, method, spanned = arg
            if size == 1 and how == _INLINE:  # the entry stays as it is, in the rule's state
                state_stack[-1] = states[state_stack[-2]][origin][1]
                continue
            if size:
                popped = values[-size:]
                first, last, height = starts[-size], ends[-1], max(heights[-size:])
                del values[-size:], state_stack[-size:], starts[-size:], ends[-size:], heights[-size:]
            else:
                popped, first, last, height = [], start, start, -1
            if steps is None:
                children = popped
            else:
                children = []
                for index, splice in steps:
                    if index is None:
                        children.append(None)
                    elif not splice:
                        children.append(popped[index])
                    elif children:
                        children += popped[index]
                    else:
                        children = popped[index]  # the helper's own list: `x*` grows left-recursively
            if how == _NODE:
                value = method(build, children, span(first, last)) if spanned else method(build, children)
                height += 1
            elif how == _INLINE:
                value = children[0]
            else:
                value = children
            goto = states[state_stack[-1]][origin][1]
            if goto == end_state:
                return value, height
            state_stack.append(goto)
            values.append(value)
            starts.append(first)
            ends.append(last)
            heights.append(height)
