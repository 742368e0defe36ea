"""Syntax expressions -> typed formulas: name resolution and type checking in one pass.

Every mistake becomes a diagnostic and the offending part elaborates to a
harmless placeholder, so one pass reports every independent error of a file.
Bound variables get unique internal names (`g#3`); definitions are
elaborated once and substituted at each use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from dsl import formula as F
from dsl import syntax as S
from dsl.diagnostics import Code, Diagnostics
from dsl.model import Bracket, Predicate
from dsl.source import Span
from dsl.symbols import Symbols

INT = "int"
# The step a definition or a reading is read at, in a timed spec: a parameter of its own,
# given the step of each use (a name no spec can write).
STEP_VAR = "@step"
_T = TypeVar("_T")
BREACHED = "breached"  # `breached(CLAUSE, by: P)`, unless the spec declares a fact or act of that name


@dataclass(frozen=True)
class Binding:
    """What a name means in a scope: a variable (internal name) or a fixed value."""

    term: F.Term
    type: str


Scope = dict[str, Binding]


@dataclass
class BracketSite:
    """Where brackets are being numbered (a clause, or a file for other declarations)."""

    prefix: str
    count: int = 0
    # False for queries, goals and protection requirements: a bracket of numbers there reads
    # the draft; only the text's (clauses, assumptions) offers figures to negotiate.
    text: bool = True


@dataclass
class Elaborator:
    sym: Symbols
    diags: Diagnostics
    brackets: dict[str, Bracket] = field(default_factory=dict)
    _fresh: int = 0
    _define_cache: dict[str, tuple[tuple[str, ...], F.Formula]] = field(default_factory=dict)
    _define_stack: list[str] = field(default_factory=list)
    site: BracketSite = field(default_factory=lambda: BracketSite("spec"))
    clause: str | None = None
    # Names in scope nearby but not here (an act's parameters in an obligation's `when`):
    # name -> (message, help), reported instead of a misleading "unknown name".
    out_of_scope: dict[str, tuple[str, str]] = field(default_factory=dict)
    # The variables of the `for v in G:` prefixes in force, each bound to one member.
    loop: dict[str, Binding] = field(default_factory=dict)
    # Ground size of every definition use so far: definitions used inside definitions grow
    # exponentially, so elaboration stops expanding them past F.MAX_GROUND_SIZE.
    expanded: int = 0
    _sizes: dict[str, int] = field(default_factory=dict)
    # The text of every file (path -> text), so a message can quote a condition as written.
    texts: dict[str, str] = field(default_factory=dict)
    # Where each clause first names another's breach ((clause, breached clause) -> span), so a
    # breach cycle is shown at a `breached` it goes through (dsl.breaches).
    breach_uses: dict[tuple[str, str], Span] = field(default_factory=dict)
    # In a timed spec, the step the formula being elaborated is read at: a constant in clauses
    # and queries (elaborated once per step), STEP_VAR in definitions and readings; None: no time.
    step: F.Term | None = None

    def written(self, span: Span) -> str:
        """The source text of a span, on one line."""
        return " ".join(self.texts.get(span.path, "")[span.start:span.end].split())

    # ---- helpers -----------------------------------------------------------
    def fresh(self, name: str) -> str:
        self._fresh += 1
        return f"{name}#{self._fresh}"

    def error(self, code: Code, span: Span, message: str, help: str | None = None) -> None:
        self.diags.error(code, span, message, help=help)

    def warning(self, code: Code, span: Span, message: str) -> None:
        self.diags.warning(code, span, message)

    def domain(self, type_name: str) -> tuple[F.Value, ...]:
        if type_name == "party":
            return tuple(self.sym.parties)
        if type_name == "bool":
            return (False, True)
        return self.sym.enums.get(type_name, ())

    def new_bracket(self, span: Span, labels: tuple[str, ...]) -> str:
        # A bracket inside `for v in G:` is elaborated once per member: it is still one bracket.
        for ident, bracket in self.brackets.items():
            if bracket.span == span and bracket.span.start == span.start and bracket.span.path == span.path:
                return ident
        self.site.count += 1
        ident = f"{self.site.prefix}#{self.site.count}"
        self.brackets[ident] = Bracket(ident, labels, self.clause, span)
        return ident

    def report_out_of_scope(self, name: S.Name, span: Span) -> bool:
        """Report a name that is in scope nearby but not here; False if it is not such a name."""
        hint = self.out_of_scope.get(name.text)
        if hint is None:
            return False
        self.error(Code.BAD_NORM, span, hint[0], help=hint[1])
        return True

    def check_label(self, label: S.Name) -> bool:
        if label.text == "base" or label.text in self.sym.parties:
            return True
        self.error(Code.BAD_ALTERNATIVE, label.span,
                   f"`{label.text}` is not a party: an alternative is labelled with the party that proposes it, or `base`",
                   help=self.sym.suggest(label.text, [*self.sym.parties, "base"]))
        return False

    # ---- sets ------------------------------------------------------------------
    def set_values(self, expr: S.SetExpr) -> tuple[tuple[F.Value, ...], str] | None:
        if isinstance(expr, S.SetName):
            name = expr.name.text
            if name == "party":
                return tuple(self.sym.parties), "party"
            if name == "bool":
                return (False, True), "bool"
            if name in self.sym.enums:
                return self.sym.enums[name], name
            if name in self.sym.groups:
                members, member_type = self.sym.groups[name]
                return members, member_type
            kind = self.sym.kinds.get(name)
            if kind is not None:
                self.error(Code.WRONG_KIND, expr.span, f"`{name}` is {_article(kind)}, not a set",
                           help="a set is a group, an enum, `party`, or `{a, b}`")
            else:
                self.error(Code.UNKNOWN_NAME, expr.span, f"unknown set `{name}`",
                           help=self.sym.suggest(name, [*self.sym.groups, *self.sym.enums, "party"]))
            return None
        values: list[F.Value] = []
        etype: str | None = None
        for item in expr.items:
            vtype = self.sym.values.get(item.text)
            if vtype is None:
                self.error(Code.UNKNOWN_NAME, item.span, f"unknown value `{item.text}`",
                           help=self.sym.suggest(item.text, list(self.sym.values)))
                return None
            if etype is not None and vtype != etype:
                self.error(Code.MIXED_GROUP, item.span, f"this set mixes `{etype}` and `{vtype}` values")
                return None
            etype = vtype
            values.append(item.text)
        return tuple(values), etype or "party"

    # ---- values -----------------------------------------------------------------
    def value(self, expr: S.Expr | S.ArgValue, scope: Scope, expected: str | None = None) -> Binding | None:
        """A party, enum value, bool or variable; None after reporting an error."""
        if isinstance(expr, S.BoolLit):
            return Binding(F.Const(expr.value), "bool")
        if isinstance(expr, S.NameRef):
            name = expr.name.text
            if name in scope:
                return scope[name]
            if name in self.sym.values:
                return Binding(F.Const(name), self.sym.values[name])
            if self.report_out_of_scope(expr.name, expr.span):
                return None
            kind = self.sym.kinds.get(name)
            if kind is not None:
                self.error(Code.WRONG_KIND, expr.span, f"`{name}` is {_article(kind)}, not a value",
                           help=f"expected {_describe(expected) if expected else 'a party, an enum value or a variable'}")
            else:
                pool = [*scope, *self.sym.values]
                self.error(Code.UNKNOWN_NAME, expr.span, f"unknown name `{name}`",
                           help=self.sym.suggest(name, pool)
                           or (f"expected {_describe(expected)}" if expected else None))
            return None
        if isinstance(expr, S.Number):
            self.error(Code.TYPE_MISMATCH, expr.span, "a number is not allowed here",
                       help=f"expected {_describe(expected)}" if expected else None)
            return None
        self.error(Code.TYPE_MISMATCH, expr.span, "expected a value (a party, an enum value or a variable)")
        return None

    # ---- arguments ----------------------------------------------------------------
    def match_args(self, what: str, name: S.Name, params: tuple[tuple[str, str], ...], args: tuple[S.Arg, ...],
                   scope: Scope, span: Span, arity_help: str | None = None) -> list[S.ArgValue | None] | None:
        """Assign arguments to parameters; None in a slot means "not given"."""
        slots: list[S.ArgValue | None] = [None] * len(params)
        given = [False] * len(params)
        ok = True
        position = 0
        for arg in args:
            if arg.name is None:
                if position >= len(params):
                    self.error(Code.ARITY, arg.span,
                               f"{what} `{name.text}` takes {len(params)} argument{'s' if len(params) != 1 else ''}"
                               f" ({', '.join(p for p, _ in params) or 'none'})", help=arity_help)
                    return None
                index = position
                position += 1
            else:
                index = next((i for i, (p, _) in enumerate(params) if p == arg.name.text), -1)
                if index < 0:
                    self.error(Code.UNKNOWN_ATTRIBUTE, arg.name.span,
                               f"{what} `{name.text}` has no parameter `{arg.name.text}`",
                               help=self.sym.suggest(arg.name.text, [p for p, _ in params])
                               or f"its parameters are {', '.join(p for p, _ in params) or 'none'}")
                    ok = False
                    continue
            if given[index]:
                self.error(Code.DUPLICATE_ARGUMENT, arg.span, f"parameter `{params[index][0]}` is given twice")
                ok = False
                continue
            given[index] = True
            slots[index] = None if isinstance(arg.value, S.Wildcard) else arg.value
        return slots if ok else None

    def arg_terms(self, slots: list[S.ArgValue | None], params: tuple[tuple[str, str], ...], scope: Scope,
                  missing: Callable[[int, str, str], F.Term]) -> list[F.Term] | None:
        terms: list[F.Term] = []
        ok = True
        for i, (slot, (pname, ptype)) in enumerate(zip(slots, params, strict=True)):
            if slot is None:
                terms.append(missing(i, pname, ptype))
                continue
            b = self.value(slot, scope, expected=ptype)
            if b is None:
                ok = False
                terms.append(F.Const(""))
                continue
            if b.type != ptype:
                self.error(Code.TYPE_MISMATCH, slot.span,
                           f"parameter `{pname}` expects {_describe(ptype)}, found {_describe(b.type)}")
                ok = False
            terms.append(b.term)
        return terms if ok else None

    # ---- formulas ------------------------------------------------------------------
    def formula(self, expr: S.Expr, scope: Scope, neutral: bool | None = None) -> F.Formula:
        """A condition. `neutral` is what an absent bracketed alternative means here."""
        if isinstance(expr, S.BoolLit):
            return F.BoolConst(expr.value)
        if isinstance(expr, S.Not):
            return F.neg(self.formula(expr.operand, scope))
        if isinstance(expr, S.Binary):
            if expr.op == "and":
                return F.conj(self.formula(expr.left, scope, True), self.formula(expr.right, scope, True))
            if expr.op == "or":
                return F.disj(self.formula(expr.left, scope, False), self.formula(expr.right, scope, False))
            return F.Implies(self.formula(expr.left, scope), self.formula(expr.right, scope))
        if isinstance(expr, S.NameRef):
            return self._name_formula(expr, scope)
        if isinstance(expr, S.Call):
            return self._call_formula(expr, scope)
        if isinstance(expr, S.Compare):
            return self._compare(expr, scope)
        if isinstance(expr, S.Member):
            return self._member(expr, scope)
        if isinstance(expr, S.Quantified):
            return self._quantified(expr, scope)
        if isinstance(expr, S.Count):
            return self._count(expr, scope)
        if isinstance(expr, S.ExprBracket):
            return self._bracket_formula(expr, scope, neutral)
        if isinstance(expr, S.Temporal):
            return self._temporal(expr, scope)
        what = "a number" if isinstance(expr, (S.Number, S.Arith)) else "this expression"
        self.error(Code.TYPE_MISMATCH, expr.span, f"expected a condition, found {what}",
                   help="compare numbers with <=, >=, ==, ...")
        return F.TRUE

    # ---- time (DESIGN 13) ----------------------------------------------------------------
    def timed(self, items: list[Any], step: Any = None) -> list[Any]:
        """Arguments with the step appended, in a timed spec (the step read now, or `step`)."""
        if self.sym.horizon is None:
            return list(items)
        return [*items, step if step is not None else self.step]

    def at_step(self, step: int, build: Callable[[], _T]) -> _T:
        """What `build` elaborates, read at `step` (a formula, a norm)."""
        saved = self.step
        self.step = F.Const(step)
        try:
            return build()
        finally:
            self.step = saved

    def _temporal(self, expr: S.Temporal, scope: Scope) -> F.Formula:
        horizon = self.sym.horizon
        if horizon is None or self.step is None:
            self.error(Code.BAD_TIME, expr.span, f"`{expr.kind}` reads a condition over time, and this spec has no timeline",
                       help="declare one first, e.g. `time day 0..10;`")
            return F.TRUE
        steps = horizon.steps
        if expr.kind == "during" or (expr.kind == "at" and expr.phase is not None):
            assert expr.phase is not None
            interval = horizon.phases.get(expr.phase.text)
            if interval is None:
                self.error(Code.UNKNOWN_NAME, expr.phase.span, f"unknown phase `{expr.phase.text}`",
                           help=self.sym.suggest(expr.phase.text, list(horizon.phases)) or
                           ("the phases are " + ", ".join(horizon.phases) if horizon.phases else
                            "declare one with `phase NAME = FIRST..LAST;`"))
                return F.TRUE
            within = tuple(s for s in steps if interval[0] <= s <= interval[1])
        if expr.kind == "at" and expr.amount is not None and expr.amount.value not in steps:
            self.error(Code.BAD_TIME, expr.amount.span,
                       f"step {expr.amount.value} is outside the timeline ({horizon.first}..{horizon.last})")
            return F.TRUE
        operand = expr.operand

        def read(at: int) -> F.Formula:
            assert operand is not None
            return self.at_step(at, lambda: self.formula(operand, scope))

        def now(t: int) -> F.Formula:
            """The condition at step t (the current step)."""
            if expr.kind == "during":
                return F.BoolConst(t in within)
            if expr.kind == "at":
                return read(expr.amount.value) if expr.amount is not None else F.disj(*(read(s) for s in within))
            if expr.kind == "within":
                assert expr.amount is not None
                return F.disj(*(read(s) for s in steps if t - expr.amount.value <= s <= t))
            if expr.kind == "since":
                return F.disj(*(read(s) for s in steps if s <= t))
            if expr.kind == "after":
                return F.disj(*(read(s) for s in steps if s < t))
            if expr.kind == "before":
                return F.neg(F.disj(*(read(s) for s in steps if s <= t)))
            if expr.kind == "until":
                return F.neg(F.disj(*(read(s) for s in steps if s < t)))
            assert expr.kind == "first"
            return F.conj(read(t), F.neg(F.disj(*(read(s) for s in steps if s < t))))

        if isinstance(self.step, F.Const):
            return now(int(self.step.value))
        # Read at a step not yet known (a definition, a reading): one case per step.
        return F.disj(*(F.conj(F.mk_eq(self.step, F.Const(t)), now(t)) for t in steps))

    def _name_formula(self, expr: S.NameRef, scope: Scope) -> F.Formula:
        name = expr.name.text
        if name in scope:
            b = scope[name]
            if b.type == "bool":
                return F.mk_eq(b.term, F.Const(True))
            self.error(Code.TYPE_MISMATCH, expr.span, f"`{name}` is {_describe(b.type)}, not a condition")
            return F.TRUE
        if name in self.sym.defines or name in self.sym.predicates or name in self.sym.terms:
            return self._call_formula(S.Call(expr.name, (), expr.span), scope)
        return self._not_condition(expr.name, expr.span, scope)

    def _not_condition(self, name: S.Name, span: Span, scope: Scope) -> F.Formula:
        if self.report_out_of_scope(name, span):
            return F.TRUE
        kind = self.sym.kinds.get(name.text)
        if kind is not None:
            self.error(Code.TYPE_MISMATCH, span, f"`{name.text}` is {_article(kind)}, not a condition")
        else:
            self.error(Code.UNKNOWN_NAME, span, f"unknown name `{name.text}`",
                       help=self.sym.suggest(name.text, [*scope, *self.sym.defines, *self.sym.predicates,
                                                         *self.sym.terms]))
        return F.TRUE

    def _call_formula(self, expr: S.Call, scope: Scope) -> F.Formula:
        name = expr.name.text
        pred = self.sym.predicates.get(name)
        if pred is not None:
            if pred.kind == "quantity":
                self.error(Code.TYPE_MISMATCH, expr.span, f"`{name}` is a quantity (a number), not a condition",
                           help=f"compare it, e.g. `{name}(...) <= 100`")
                return F.TRUE
            return self._predicate_atom(pred, expr, scope)
        if name in self.sym.defines:
            return self._define(expr, scope)
        if name in self.sym.terms:
            return self._term(expr, scope)
        if name == BREACHED:
            return self._breached(expr, scope)
        if self.sym.kinds.get(name) == "fact" or self.sym.kinds.get(name) == "act":
            return F.TRUE  # declared with an error already reported
        return self._not_condition(expr.name, expr.span, scope)

    def _existential_args(self, build: Callable[[list[F.Term]], F.Formula], slots: list[S.ArgValue | None],
                          params: tuple[tuple[str, str], ...], scope: Scope) -> F.Formula:
        bound: list[tuple[str, tuple[F.Value, ...]]] = []

        def missing(i: int, pname: str, ptype: str) -> F.Term:
            var = self.fresh(pname)
            bound.append((var, self.domain(ptype)))
            return F.Var(var)

        terms = self.arg_terms(slots, params, scope, missing)
        if terms is None:
            return F.TRUE
        body = build(terms)
        for var, dom in reversed(bound):
            body = F.Exists(var, dom, body)
        return body

    def _predicate_atom(self, pred: Predicate, expr: S.Call, scope: Scope) -> F.Formula:
        params = tuple((p.name, p.type) for p in pred.params)
        slots = self.match_args(pred.kind, expr.name, params, expr.args, scope, expr.span)
        if slots is None:
            return F.TRUE
        return self._existential_args(lambda ts: _atom(pred, self.timed(ts), expr.span), slots, params, scope)

    def _breached(self, expr: S.Call, scope: Scope) -> F.Formula:
        """`breached(CLAUSE, by: P)`: P does not respect its norms of the clause; without
        `by`, some party does not."""
        params = (("clause", "clause"), ("by", "party"))
        slots = self.match_args("condition", expr.name, params, expr.args, scope, expr.span,
                                arity_help="write `breached(CLAUSE, by: PARTY)`")
        if slots is None:
            return F.TRUE
        target = slots[0]
        if not isinstance(target, S.NameRef):
            self.error(Code.TYPE_MISMATCH, target.span if target is not None else expr.span,
                       "`breached` needs the clause breached, by its name",
                       help="write `breached(CLAUSE, by: PARTY)`, e.g. `breached(art2, by: russia)`")
            return F.TRUE
        clause = target.name.text
        if clause not in self.sym.clauses:
            self.error(Code.UNKNOWN_NAME, target.span, f"unknown clause `{clause}`",
                       help=self.sym.suggest(clause, list(self.sym.clauses)))
            return F.TRUE
        if self.clause is not None:
            self.breach_uses.setdefault((self.clause, clause), expr.span)
        step = self.step.value if isinstance(self.step, F.Const) else None
        if isinstance(self.step, F.Var):
            self.error(Code.BAD_TIME, expr.span, "in a timed spec, a definition or a reading cannot name a breach",
                       help="name it in the clause or query itself, where the step is known")
            return F.TRUE
        return self._existential_args(lambda ts: F.Breached(clause, ts[0], step if isinstance(step, int) else None),
                                      slots[1:], params[1:], scope)

    def _term(self, expr: S.Call, scope: Scope) -> F.Formula:
        decl = self.sym.terms[expr.name.text]
        params = tuple((p.name.text, p.type.text) for p in decl.params)
        slots = self.match_args("term", expr.name, params, expr.args, scope, expr.span)
        if slots is None:
            return F.TRUE
        return self._existential_args(lambda ts: F.TermApp(decl.name.text, tuple(self.timed(ts))), slots, params, scope)

    def _define(self, expr: S.Call, scope: Scope) -> F.Formula:
        name = expr.name.text
        decl = self.sym.defines[name]
        params = tuple((p.name.text, p.type.text) for p in decl.params)
        body = self.define_body(decl)
        if body is None:
            return F.TRUE
        size = self._sizes.get(name)
        if size is None:
            size = self._sizes[name] = F.ground_size(body[1])
        self.expanded += size
        if self.expanded > F.MAX_GROUND_SIZE:
            self.error(Code.TOO_COMPLEX, expr.span,
                       f"definitions used here expand to more than {F.MAX_GROUND_SIZE:,} conditions "
                       f"(`{name}` alone to {size:,})",
                       help="definitions that use other definitions several times grow exponentially; "
                            "simplify them")
            return F.TRUE
        slots = self.match_args("definition", expr.name, params, expr.args, scope, expr.span)
        if slots is None:
            return F.TRUE
        missing_params = [p for (p, _), s in zip(params, slots, strict=True) if s is None]
        if missing_params:
            self.error(Code.ARITY, expr.span,
                       f"definition `{name}` needs its argument{'s' if len(missing_params) > 1 else ''} "
                       f"{', '.join(f'`{p}`' for p in missing_params)}")
            return F.TRUE
        terms = self.arg_terms(slots, params, scope, lambda i, p, t: F.Const(""))
        if terms is None:
            return F.TRUE
        return F.subst(body[1], dict(zip(body[0], self.timed(terms), strict=True)))

    def define_body(self, decl: S.DefineDecl) -> tuple[tuple[str, ...], F.Formula] | None:
        name = decl.name.text
        if name in self._define_cache:
            return self._define_cache[name]
        if name in self._define_stack:
            cycle = " -> ".join([*self._define_stack[self._define_stack.index(name):], name])
            self.error(Code.DEFINITION_CYCLE, decl.name.span, f"definition `{name}` refers to itself ({cycle})")
            return None
        self._define_stack.append(name)
        saved_site, saved_clause, saved_step = self.site, self.clause, self.step
        self.site, self.clause = BracketSite(f"define {name}"), None
        self.step = F.Var(STEP_VAR) if self.sym.horizon is not None else None
        scope = {p.name.text: Binding(F.Var(p.name.text), p.type.text) for p in decl.params}
        body = self.formula(decl.body, scope)
        self.site, self.clause, self.step = saved_site, saved_clause, saved_step
        self._define_stack.pop()
        result = (tuple(self.timed([p.name.text for p in decl.params], STEP_VAR)), body)
        self._define_cache[name] = result
        return result

    def _compare(self, expr: S.Compare, scope: Scope) -> F.Formula:
        if expr.op in ("==", "!=") and self._is_value_side(expr.left, scope) and self._is_value_side(expr.right, scope):
            left = self.value(expr.left, scope)
            right = self.value(expr.right, scope)
            if left is None or right is None:
                return F.TRUE
            if left.type != right.type:
                self.error(Code.TYPE_MISMATCH, expr.span,
                           f"cannot compare {_describe(left.type)} with {_describe(right.type)}")
                return F.TRUE
            eq = F.mk_eq(left.term, right.term)
            return eq if expr.op == "==" else F.neg(eq)
        left_i = self.int_expr(expr.left, scope)
        right_i = self.int_expr(expr.right, scope)
        if left_i is None or right_i is None:
            return F.TRUE
        return F.Cmp(expr.op, left_i, right_i, expr.span)

    def _is_value_side(self, expr: S.Expr, scope: Scope) -> bool:
        if isinstance(expr, S.BoolLit):
            return True
        if isinstance(expr, S.NameRef):
            name = expr.name.text
            return name in scope or name in self.sym.values or name not in self.sym.predicates
        return False

    def _member(self, expr: S.Member, scope: Scope) -> F.Formula:
        elem = self.value(expr.element, scope)
        values = self.set_values(expr.set)
        if elem is None or values is None:
            return F.TRUE
        members, etype = values
        if members and etype != elem.type:
            self.error(Code.TYPE_MISMATCH, expr.span,
                       f"{_describe(elem.type)} cannot be a member of a set of {_describe(etype)} values")
            return F.TRUE
        result = F.disj(*(F.mk_eq(elem.term, F.Const(m)) for m in members))
        return F.neg(result) if expr.negated else result

    def _quantified(self, expr: S.Quantified, scope: Scope) -> F.Formula:
        inner = dict(scope)
        bound: list[tuple[str, tuple[F.Value, ...]]] = []
        for binder in expr.binders:
            values = self.set_values(binder.set)
            if values is None:
                return F.TRUE
            var = self.fresh(binder.var.text)
            inner[binder.var.text] = Binding(F.Var(var), values[1])
            bound.append((var, values[0]))
        body = self.formula(expr.body, inner)
        for var, dom in reversed(bound):
            body = F.Exists(var, dom, body) if expr.kind == "exists" else F.Forall(var, dom, body)
        return body

    def _count(self, expr: S.Count, scope: Scope) -> F.Formula:
        values = self.set_values(expr.binder.set)
        if values is None:
            return F.TRUE
        members, mtype = values
        if mtype != "party":
            self.error(Code.TYPE_MISMATCH, expr.binder.set.span,
                       f"`{expr.kind} ... of` counts parties, not `{mtype}` values",
                       help="count over a group of parties, a set of parties `{a, b}`, or `party`")
            return F.TRUE
        members = tuple(dict.fromkeys(members))  # a party counts once, however often it is listed
        # The number first: a bracket there opens before any in the body, and is numbered so.
        bound = F.Num(len(members) // 2) if expr.bound is None else self._count_bound(expr.bound, scope, len(members))
        var = self.fresh(expr.binder.var.text)
        body = self.formula(expr.body, {**scope, expr.binder.var.text: Binding(F.Var(var), mtype)})
        if bound is None:
            return F.TRUE
        group = expr.binder.set.name.text if isinstance(expr.binder.set, S.SetName) else ""
        if expr.bound is None:
            return F.Count(">", var, members, body, bound, majority=True, group=group)
        op = {"at least": ">=", "at most": "<=", "exactly": "=="}[expr.kind]
        return F.Count(op, var, members, body, bound, group=group)

    def _count_bound(self, expr: S.Number | S.ExprBracket, scope: Scope, size: int) -> F.IntExpr | None:
        """How many a count asks for: a whole number, or one per draft; each at least 0."""
        bound = self.int_expr(expr, scope)
        if bound is None:
            return None
        options = bound.options if isinstance(bound, F.IntChoice) else (("", bound),)
        spans = {a.label.text: a.expr.span for a in expr.alts} if isinstance(expr, S.ExprBracket) else {}
        folded: list[tuple[str, F.IntExpr]] = []
        for label, value in options:
            span = spans.get(label, expr.span)
            number = _constant(value)
            if number is None:
                self.error(Code.TYPE_MISMATCH, span, "a count needs a whole number here",
                           help="write a number, or a bracket of numbers: `[russia: 3 | ukraine: 2]`")
                return None
            if number < 0:
                self.error(Code.TYPE_MISMATCH, span, f"a count cannot be negative (this is {number})")
                return None
            if number > size:
                self.warning(Code.TYPE_MISMATCH, span,
                             f"{number} is more than the {size} parties counted here")
            folded.append((label, F.Num(number)))
        if isinstance(bound, F.IntChoice):
            # A head count, not a figure: the bracket stays a choice between its alternatives.
            self.brackets[bound.bracket] = replace(self.brackets[bound.bracket], figures=None)
            return F.IntChoice(bound.bracket, tuple(folded))
        return folded[0][1]

    def _alternatives(self, expr: S.ExprBracket) -> list[S.ExprAlt]:
        seen: set[str] = set()
        alts = []
        for alt in expr.alts:
            if not self.check_label(alt.label):
                continue
            if alt.label.text in seen:
                self.error(Code.BAD_ALTERNATIVE, alt.label.span, f"`{alt.label.text}` has two alternatives here")
                continue
            seen.add(alt.label.text)
            alts.append(alt)
        return alts

    def _bracket_formula(self, expr: S.ExprBracket, scope: Scope, neutral: bool | None) -> F.Formula:
        alts = self._alternatives(expr)
        labels = tuple(a.label.text for a in alts)
        absent = "base" not in labels
        # Numbered where it opens, before the brackets written inside it (`--draft c#1=...`).
        ident = None if absent and neutral is None else self.new_bracket(expr.span, labels + (("base",) if absent else ()))
        options = [(a.label.text, self.formula(a.expr, scope)) for a in alts]
        if ident is None:
            self.error(Code.BAD_ALTERNATIVE, expr.span,
                       "this bracket has no `base:` alternative, and here its absence has no meaning",
                       help="add `base: ...`, or place the bracket as an operand of `and` / `or`")
            return F.TRUE
        if absent:
            options.append(("base", F.BoolConst(bool(neutral))))
        return F.Choice(ident, tuple(options))

    # ---- integers -----------------------------------------------------------------
    def int_expr(self, expr: S.Expr, scope: Scope) -> F.IntExpr | None:
        if isinstance(expr, S.Number):
            return F.Num(expr.value)
        if isinstance(expr, S.Arith):
            left = self.int_expr(expr.left, scope)
            right = self.int_expr(expr.right, scope)
            return None if left is None or right is None else F.Arith(expr.op, left, right)
        if isinstance(expr, S.ExprBracket):
            alts = self._alternatives(expr)
            if not alts:
                return None
            # Numbered where it opens, before the brackets written inside it.
            ident = self.new_bracket(expr.span, tuple(a.label.text for a in alts))
            options = []
            for a in alts:
                value = self.int_expr(a.expr, scope)
                if value is None:
                    return None
                options.append((a.label.text, value))
            numbers = [v.value for _, v in options if isinstance(v, F.Num)]
            if len(numbers) == len(options) and self.site.text:
                self.brackets[ident] = replace(self.brackets[ident], figures=(min(numbers), max(numbers)))
            return F.IntChoice(ident, tuple(options))
        name = expr.name if isinstance(expr, (S.Call, S.NameRef)) else None
        if name is not None:
            pred = self.sym.predicates.get(name.text)
            if pred is not None and pred.kind == "quantity":
                args = expr.args if isinstance(expr, S.Call) else ()
                params = tuple((p.name, p.type) for p in pred.params)
                slots = self.match_args("quantity", name, params, args, scope, expr.span)
                if slots is None:
                    return None
                missing = [p for (p, _), s in zip(params, slots, strict=True) if s is None]
                if missing:
                    self.error(Code.ARITY, expr.span,
                               f"quantity `{name.text}` needs {', '.join(f'`{p}`' for p in missing)}: "
                               "a number belongs to one party")
                    return None
                terms = self.arg_terms(slots, params, scope, lambda i, p, t: F.Const(""))
                return None if terms is None else F.Qty(pred.name, tuple(self.timed(terms)))
            if name.text in self.sym.kinds or name.text in scope:
                kind = self.sym.kinds.get(name.text, "variable")
                self.error(Code.TYPE_MISMATCH, expr.span, f"`{name.text}` is {_article(kind)}, not a number")
            else:
                self.error(Code.UNKNOWN_NAME, name.span, f"unknown name `{name.text}`",
                           help=self.sym.suggest(name.text, [k for k, v in self.sym.kinds.items() if v == "quantity"]))
            return None
        self.error(Code.TYPE_MISMATCH, expr.span, "expected a number or a quantity")
        return None


def _constant(e: F.IntExpr) -> int | None:
    """The value of a number written with + and - only; None if it depends on the world."""
    if isinstance(e, F.Num):
        return e.value
    if isinstance(e, F.Arith):
        left, right = _constant(e.left), _constant(e.right)
        if left is None or right is None:
            return None
        return left + right if e.op == "+" else left - right
    return None


def _article(kind: str) -> str:
    return ("an " if kind[:1] in "aeiou" else "a ") + kind


def _describe(type_name: str) -> str:
    if type_name == "party":
        return "a party"
    if type_name == "bool":
        return "true or false"
    if type_name == INT:
        return "a number"
    return f"a value of `{type_name}`"


def _atom(pred: Predicate, args: list[F.Term], span: Span) -> F.Formula:
    """An atom, false where an `other party` argument is the first one: such an act (a party
    assisting itself) exists in no world, so the condition names nothing there."""
    return F.conj(*(F.neg(F.mk_eq(args[0], args[i])) for i in pred.others), F.Atom(pred.name, tuple(args), span))
