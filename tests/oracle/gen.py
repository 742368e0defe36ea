"""Random well-typed spec TEXT, small enough for the oracle to enumerate every world.

`generate(chooser)` writes one spec: 2-3 parties, a small enum, 1-3 facts
(some controlled), 1-3 acts with 0-1 extra parameters (a party parameter of an act or
of a two-party fact sometimes `other party`), maybe a quantity, a
definition, a vague term (an ordinary and a party reading, a party reading
only, or none), assumptions, 1-4 clauses of obligations, prohibitions and
permissions with where/when/unless, `each`, bracketed alternatives, a
guarantee with `protects`, numeric limits, overrides, and expect / assert /
scenario statements. Every choice goes through a `Chooser`, so the same
generator runs under hypothesis (`hypothesis_chooser`, which shrinks) and under
a seeded `random.Random` (`RandomChooser`, for long campaigns).

The generator keeps a budget of ground atoms (about 13 yes/no variables plus a
few quantity values), so the oracle decides each spec in well under a second.

Timed specs (`generate(chooser, timed=True)`, `scripts/campaign.py --timed`): a timeline
of 1 to 4 steps (`time day A..B`, A sometimes not 0, or `time phases ...`), sometimes a
`phase NAME = A..B`, the temporal conditions (`E at N`, `E at PHASE`, `during PHASE`,
`within N of E`, `since`, `after`, `before`, `until`, `first`) wherever a condition is
written (readings included), deadline norms (`must A within N of E`) and protection
requirements `within N`. The budget of atoms is shared among the steps (atoms x steps stay
about 13); a quantity only on timelines of one or two steps. Untimed generation makes the
same choices as before for every seed: the timed ones are drawn only when `timed` is set.
A deadline's `where` names no breach (its act is done at a step of its window, and a
breach is read at a known step). Keep norms and limits in an overriding clause, brackets in
a deadline's event and guarantees inside `for` are written in timed specs as in untimed ones.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

ATOM_BUDGET = 13
CALL = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\([^()]*\))?")  # a name or a call: a primary as it stands


class Chooser(Protocol):
    def integer(self, lo: int, hi: int) -> int: ...


class RandomChooser:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


class DataChooser:
    """Draws from hypothesis's `data` object, so failing specs shrink to small ones."""

    def __init__(self, draw: Any) -> None:
        from hypothesis import strategies as st

        self.draw = draw  # `data.draw`, or the `draw` of a composite strategy
        self.st = st

    def integer(self, lo: int, hi: int) -> int:
        return int(self.draw(self.st.integers(lo, hi)))


def pick(ch: Chooser, seq: Sequence[T]) -> T:
    return seq[ch.integer(0, len(seq) - 1)]


def chance(ch: Chooser, percent: int) -> bool:
    """True with about this probability; shrinks to False."""
    return ch.integer(0, 99) >= 100 - percent


@dataclass
class Pred:
    kind: str                         # fact | act | quantity
    name: str
    params: list[tuple[str, str]]     # (name, type); acts start with (actor, party)
    control: int | None = None
    other: tuple[str, ...] = ()       # parameters declared `other party` (never the first's value)


@dataclass
class Timeline:
    """A timed spec's steps and the phases a condition may name."""

    first: int
    last: int
    phases: list[str]


@dataclass
class World:
    parties: list[str]
    enum: list[str]
    groups: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # name -> (type, members)
    preds: list[Pred] = field(default_factory=list)
    define: tuple[str, str, str] | None = None      # name, param type, text
    term: tuple[str, str, list[str], str] | None = None  # name, param type, reading names, declaration
    terms: list[tuple[str, str, list[str], str]] = field(default_factory=list)
    quantity: Pred | None = None
    clauses: list[str] = field(default_factory=list)
    constants: list[int] = field(default_factory=list)
    # clause -> parties known to owe something under it (named subjects of obligations,
    # prohibitions and `keep`s; `each v in party`): what `while P breaches C` may name
    owed: dict[str, set[str]] = field(default_factory=dict)
    time: Timeline | None = None

    def domain(self, type_name: str) -> list[str]:
        if type_name == "party":
            return self.parties
        if type_name == "bool":
            return ["true", "false"]
        return self.enum

    def size(self, params: list[tuple[str, str]]) -> int:
        n = 1
        for _, t in params:
            n *= len(self.domain(t))
        return n


Scope = list[tuple[str, str]]  # variables in scope: (name, type)


class Gen:
    def __init__(self, ch: Chooser, timed: bool = False) -> None:
        self.ch = ch
        self.timed = timed
        self.fresh = 0
        self.brackets = 0
        self.breach_ok = False  # whether a condition may name an earlier clause's breach

    # ---- the world --------------------------------------------------------------------
    def world(self) -> tuple[World, list[str]]:
        ch = self.ch
        n_parties = ch.integer(2, 3)
        steps = ch.integer(1, 4) if self.timed else 1
        if steps == 4:
            n_parties = 2  # an act of three parties over four steps is 12 atoms alone
        w = World(["pa", "pb", "pc"][:n_parties], ["k1", "k2", "k3"][:ch.integer(2, 3 if n_parties == 2 else 2)])
        lines = ['instrument gen "Generated" source "tests/oracle/gen.py";',
                 f"party {', '.join(w.parties)};", f"enum kind = {{{', '.join(w.enum)}}};"]
        if chance(ch, 50):
            members = [p for p in w.parties if chance(ch, 60)] or [w.parties[0]]
            w.groups["grp"] = ("party", members)
            lines.append(f"group grp = {{{', '.join(members)}}};")
        if chance(ch, 30):
            members = [k for k in w.enum if chance(ch, 50)] or [w.enum[-1]]
            w.groups["kinds"] = ("kind", members)
            lines.append(f"group kinds = {{{', '.join(members)}}};")
        budget = ATOM_BUDGET
        if self.timed:
            w.time = self.timeline(lines, steps)
            budget = max(3, 12 // steps)  # atoms x steps stay about the untimed budget
            has_quantity = steps <= 2 and chance(ch, 40)
        else:
            has_quantity = chance(ch, 40)
        if has_quantity:
            budget -= 4
        # 0: ordinary and party readings; 1: ordinary only; 2: party readings only; 3: open; 4: no term
        term_style = pick(ch, [0, 0, 1, 2, 3, 4])
        if term_style in (2, 3):
            budget -= 3
        for i in range(ch.integer(1, 3)):
            if self.timed and i > 0 and budget - 1 < n_parties:
                break  # room for an act
            params: list[tuple[str, str]] = []
            control = None
            for j in range(ch.integer(0, 2)):
                t = pick(ch, ["party", "kind", "party", "bool"])
                if w.size([*params, (f"a{j}", t)]) > max(1, budget - 4):
                    break
                params.append((f"a{j}", t))
            budget -= w.size(params)
            if any(t == "party" for _, t in params) and chance(ch, 60):
                control = next(i for i, (_, t) in enumerate(params) if t == "party")
            fact = Pred("fact", f"f{i + 1}", params, control)
            if len(params) == 2 and params[0][1] == params[1][1] == "party" and chance(ch, 40):
                fact.other = (params[1][0],)  # `at_war(a: party, b: other party)`
            w.preds.append(fact)
        for i in range(ch.integer(1, 3)):
            params = [("actor", "party")]
            if chance(ch, 60):
                t = pick(ch, ["kind", "party", "bool"])
                if w.size([*params, ("y", t)]) <= budget - 2:
                    params.append(("y", t))
            if w.size(params) > budget and i > 0:
                break
            budget -= w.size(params)
            act = Pred("act", f"act{i + 1}", params, 0)
            if len(params) == 2 and params[1][1] == "party" and chance(ch, 50):
                act.other = ("y",)  # `assist(actor: party, to: other party)`
            w.preds.append(act)
        for p in w.preds:
            shown = ", ".join(f"{n}: {'other ' if n in p.other else ''}{t}" for n, t in p.params)
            controlled = (f" controlled by {p.params[p.control][0]}" if p.kind == "fact" and p.control is not None
                          else "")
            lines.append(f"{p.kind} {p.name}({shown}){controlled};")
        if has_quantity:
            w.quantity = Pred("quantity", "q", [("p", "party")], 0)
            lines.append("quantity q(p: party) controlled by p;")
        if chance(ch, 35):
            t = pick(ch, ["party", "kind"])
            text = self.condition(w, [("d", t)], depth=1, allow_qty=False)
            w.define = ("d1", t, text)
            lines.append(f"define d1(d: {t}) = {text};")
        if term_style != 4:
            w.terms.append(self.term(w, "t1", term_style))
            lines.append(w.terms[-1][3])
            if term_style == 0 and chance(ch, 25):
                # a second vague term with a reading of the same party: pretexts may need both
                w.terms.append(self.term(w, "t2", 0, party=w.terms[0][2][1]))
                lines.append(w.terms[-1][3])
        w.term = w.terms[0] if w.terms else None
        return w, lines

    def timeline(self, lines: list[str], steps: int) -> Timeline:
        """`time day A..B;` (A sometimes not 0) or `time phases ...;` of `steps` steps, and now
        and then `phase NAME = A..B;`."""
        ch = self.ch
        phases: list[str] = []
        if chance(ch, 30):
            names = ["peace", "crisis", "war", "truce"][:steps]
            lines.append(f"time phases {', '.join(names)};")
            first = 0
            phases += names
        else:
            first = pick(ch, [0, 0, 1, 5])
            lines.append(f"time {pick(ch, ['day', 'week'])} {first}..{first + steps - 1};")
        if chance(ch, 50):
            a = ch.integer(first, first + steps - 1)
            b = ch.integer(a, first + steps - 1)
            lines.append(f"phase ph = {a}..{b};")
            phases.append("ph")
        return Timeline(first, first + steps - 1, phases)

    def temporal(self, w: World, scope: Scope, depth: int, allow_qty: bool) -> str:
        """A temporal condition (docs/language.md's table), its operand a primary."""
        ch = self.ch
        assert w.time is not None
        span = w.time.last - w.time.first
        kinds = ["at", "within", "since", "after", "before", "until", "first"]
        if w.time.phases:
            kinds += ["at phase", "during"]
        kind = pick(ch, kinds)
        if kind == "during":
            return f"during {pick(ch, w.time.phases)}"
        operand = self.primary(w, scope, depth, allow_qty)
        if kind == "at":
            return f"{operand} at {ch.integer(w.time.first, w.time.last)}"
        if kind == "at phase":
            return f"{operand} at {pick(ch, w.time.phases)}"
        if kind == "within":
            return f"within {ch.integer(0, span + 1)} of {operand}"
        return f"{kind} {operand}"

    def term(self, w: World, name: str, style: int, party: str | None = None) -> tuple[str, str, list[str], str]:
        ch = self.ch
        t = pick(ch, ["kind", "party"])
        readings: list[str] = []
        body: list[str] = []
        if style in (0, 1):
            readings.append("ordinary")
            body.append(f"reading ordinary: {self.value_condition(w, 'a', t)}{self.timed_part(w)};")
        if style in (0, 2):
            party = party or pick(ch, w.parties)
            readings.append(party)
            body.append(f"reading {party}: {self.value_condition(w, 'a', t)}{self.timed_part(w)};")
            if chance(ch, 30):
                other = next(p for p in w.parties if p != party)
                readings.append(other)
                body.append(f"reading {other} = {party};" if chance(ch, 50)
                            else f"reading {other}: {self.value_condition(w, 'a', t)};")
        text = f"term {name}(a: {t}) {{ {' '.join(body)} }}" if body else f"term {name}(a: {t});"
        return name, t, readings, text

    def timed_part(self, w: World) -> str:
        """Timed only, now and then: ` and|or TEMPORAL` after a reading's condition on its value."""
        if w.time is None or not chance(self.ch, 30):
            return ""
        return f" {pick(self.ch, ['and', 'or'])} ({self.temporal(w, [], 0, False)})"

    # ---- expressions ------------------------------------------------------------------------
    def value(self, w: World, t: str, scope: Scope) -> str:
        mine = [n for n, ty in scope if ty == t]
        if mine and chance(self.ch, 60):
            return pick(self.ch, mine)
        return pick(self.ch, w.domain(t))

    def value_condition(self, w: World, var: str, t: str) -> str:
        """A condition on one value (a term reading): membership or equality."""
        ch = self.ch
        form = ch.integer(0, 3)
        if form == 0:
            return f"{var} == {pick(ch, w.domain(t))}"
        if form == 1:
            return f"{var} != {pick(ch, w.domain(t))}"
        members = [v for v in w.domain(t) if chance(ch, 50)] or [w.domain(t)[0]]
        return f"{var} {'in' if form == 2 else 'not in'} {{{', '.join(members)}}}"

    def call(self, w: World, p: Pred, scope: Scope, full: bool = False) -> str:
        ch = self.ch
        args = []
        named = chance(ch, 50)
        for name, t in p.params:
            style = 0 if full else ch.integer(0, 3)
            if style == 3 and named:
                continue  # missing: "some value"
            v = "_" if style == 2 else self.value(w, t, scope)
            args.append(f"{name}: {v}" if named else v)
            if style == 3:
                break
        if not named:
            # positional arguments cannot skip a parameter; drop a tail instead
            pass
        return f"{p.name}({', '.join(args)})" if args or chance(ch, 50) else p.name

    def atom(self, w: World, scope: Scope, allow_qty: bool = True, allow_const: bool = True) -> str:
        ch = self.ch
        options = ["pred", "pred", "pred"]
        if any(ty != "bool" for _, ty in scope):
            options.append("value")
        if w.term:
            options += ["term", "term"] if len(w.term[2]) > 1 else ["term"]
        if w.define:
            options.append("define")
        if w.quantity and allow_qty:
            options.append("qty")
        if allow_const:
            options.append("const")
        if self.breach_ok and w.clauses:
            options.append("breach")
        if w.time is not None:
            options += ["temporal", "temporal"]
        kind = pick(ch, options)
        if kind == "temporal":
            return self.temporal(w, scope, 0, allow_qty)
        if kind == "pred":
            return self.call(w, pick(ch, w.preds), scope)
        if kind == "value":
            name, t = pick(ch, [(n, ty) for n, ty in scope if ty != "bool"])
            form = ch.integer(0, 2)
            if form == 2:
                groups = [g for g, (gt, _) in w.groups.items() if gt == t]
                if groups:
                    return f"{name} {'in' if chance(ch, 50) else 'not in'} {pick(ch, groups)}"
            return self.value_condition(w, name, t)
        if kind == "term":
            name, t, _, _ = pick(ch, w.terms)
            return f"{name}({self.value(w, t, scope)})" if chance(ch, 80) else f"{name}(_)"
        if kind == "define":
            assert w.define is not None
            return f"d1({self.value(w, w.define[1], scope)})"
        if kind == "qty":
            return self.comparison(w, scope)
        if kind == "breach":
            # only clauses written before: no clause can depend on its own breach
            clause = pick(ch, w.clauses)
            form = ch.integer(0, 3)
            if form == 0:
                return f"breached({clause})"
            return f"breached({clause}, by: {self.value(w, 'party', scope) if form < 3 else '_'})"
        return pick(ch, ["true", "false"])

    def number(self, w: World) -> str:
        n = pick(self.ch, [0, 1, 2, 3, 5])
        w.constants.append(n)
        return str(n)

    def comparison(self, w: World, scope: Scope) -> str:
        ch = self.ch
        owner = self.value(w, "party", scope)
        left = f"q({owner})"
        if chance(ch, 30):
            left += f" + {self.number(w)}"
        right = self.number(w)
        if chance(ch, 20):
            a, b = pick(ch, w.parties), pick(ch, w.parties)
            right = f"[{a}: {self.number(w)}" + (f" | {b}: {self.number(w)}]" if b != a else "]")
            right = f"[base: {self.number(w)} | {right[1:]}" if chance(ch, 50) or b == a else right
        return f"{left} {pick(ch, ['<=', '>=', '<', '>', '==', '!='])} {right}"

    def condition(self, w: World, scope: Scope, depth: int = 2, allow_qty: bool = True) -> str:
        ch = self.ch
        if depth <= 0:
            return self.atom(w, scope, allow_qty)
        form = ch.integer(0, 9)
        if form <= 3:
            return self.atom(w, scope, allow_qty)
        if form == 4:
            return f"not {self.primary(w, scope, depth - 1, allow_qty)}"
        if form in (5, 6):
            op = pick(ch, ["and", "or", "implies"])
            left = self.primary(w, scope, depth - 1, allow_qty)
            if op in ("and", "or") and chance(ch, 25):
                right = self.bracket(w, scope, depth - 1, allow_qty, neutral_ok=True)
            else:
                right = self.primary(w, scope, depth - 1, allow_qty)
            return f"{left} {op} {right}"
        if form == 7:
            return self.bracket(w, scope, depth - 1, allow_qty, neutral_ok=False)
        self.fresh += 1
        var = f"u{self.fresh}"
        t = pick(ch, ["party", "kind"])
        sets = ["party" if t == "party" else "kind"] + [g for g, (gt, _) in w.groups.items() if gt == t]
        if chance(ch, 25):
            members = [v for v in w.domain(t) if chance(ch, 60)] or [w.domain(t)[0]]
            sets.append("{" + ", ".join(members) + "}")
        body = self.primary(w, [*scope, (var, t)], depth - 1, allow_qty)
        if t == "party" and chance(ch, 40):
            among = pick(ch, sets)
            return f"{self.counting(w, among)} {var} in {among}: {body}"
        return f"{pick(ch, ['exists', 'all'])} {var} in {pick(ch, sets)}: {body}"

    def counting(self, w: World, among: str) -> str:
        """`at least N of`, `at most N of`, `exactly N of` (N a number or a bracket of numbers,
        from 0 to the number of parties counted) or `a majority of`."""
        ch = self.ch
        size = among.count(",") + 1 if among.startswith("{") else \
            len(w.parties) if among == "party" else len(w.groups[among][1])
        how = pick(ch, ["at least", "at most", "exactly", "a majority"])
        if how == "a majority":
            return "a majority of"
        if chance(ch, 25):
            labels = [p for p in w.parties if chance(ch, 50)] or [w.parties[-1]]
            if chance(ch, 50):
                labels.insert(0, "base")
            return f"{how} [" + " | ".join(f"{lab}: {ch.integer(0, size)}" for lab in labels) + "] of"
        return f"{how} {ch.integer(0, size)} of"

    def primary(self, w: World, scope: Scope, depth: int, allow_qty: bool) -> str:
        if depth <= 0 or chance(self.ch, 40):
            atom = self.atom(w, scope, allow_qty)
            return atom if CALL.fullmatch(atom) else f"({atom})"
        return f"({self.condition(w, scope, depth, allow_qty)})"

    def bracket(self, w: World, scope: Scope, depth: int, allow_qty: bool, neutral_ok: bool) -> str:
        ch = self.ch
        labels = [p for p in w.parties if chance(ch, 50)] or [w.parties[-1]]
        alts = [f"{lab}: {self.condition(w, scope, depth, allow_qty)}" for lab in labels]
        if not neutral_ok or chance(ch, 40):
            alts.insert(0, f"base: {self.condition(w, scope, depth, allow_qty)}")
        return "[" + " | ".join(alts) + "]"

    # ---- clauses --------------------------------------------------------------------------------
    def norm(self, w: World, clause_index: int, guarantee_made: list[bool], loop: Sequence[tuple[str, str]] = ()) -> str:
        ch = self.ch
        scope: Scope = list(loop)
        loop_parties = [n for n, t in loop if t == "party"]
        if loop_parties and chance(ch, 40):
            subject = pick(ch, loop_parties)  # `for w in G: w must ...`
        elif chance(ch, 30):
            sets = ["party"] + [g for g, (gt, _) in w.groups.items() if gt == "party"]
            if chance(ch, 30):
                sets.append("{" + ", ".join(p for p in w.parties if chance(ch, 60) or p == w.parties[0]) + "}")
            subject = f"each v in {pick(ch, sets)}"
            scope.append(("v", "party"))
        else:
            subject = pick(ch, w.parties)
        modality = pick(ch, ["must not", "must", "may", "must not", "may"])
        if modality != "may":
            owed = w.owed.setdefault(f"c{clause_index + 1}", set())
            owed.update(w.parties if subject == "each v in party" else [subject] if subject in w.parties else [])
        acts = [p for p in w.preds if p.kind == "act"]
        keep = w.quantity is not None and modality != "must not" and chance(ch, 15)
        deadline = False
        if keep:
            owner = self.value(w, "party", scope)
            text = f"{subject} {modality} keep q({owner}) {pick(ch, ['<=', '>='])} {self.number(w)}"
            act_scope: Scope = []
        else:
            deadline = w.time is not None and modality == "must" and chance(ch, 40)
            act = pick(ch, acts)
            args = []
            act_scope = [("actor", "party")]
            for name, t in act.params[1:]:
                act_scope.append((name, t))
                style = ch.integer(0, 2)
                if style == 1:
                    args.append(f"{name}: {self.value(w, t, scope)}")
                elif style == 2:
                    args.append(f"{name}: _")
            text = f"{subject} {modality} {act.name}" + (f"({', '.join(args)})" if args or chance(ch, 40) else "")
            term = pick(ch, w.terms) if w.terms else None
            typed = [n for n, t in act_scope[1:] if term and t == term[1]]
            if term and typed and modality != "must" and chance(ch, 40):
                # the README's pattern: a vague term filters the acts a norm is about
                text += f" where {term[0]}({typed[0]})"
                if len(w.terms) > 1 and chance(ch, 50):
                    other = w.terms[1] if term is w.terms[0] else w.terms[0]
                    text += f" {pick(ch, ['and', 'or'])} {other[0]}({self.value(w, other[1], [*scope, *act_scope])})"
            elif act_scope[1:] and chance(ch, 50):
                # (a deadline's act is done at a step of its window: its `where` names no breach)
                saved, self.breach_ok = self.breach_ok, self.breach_ok and not deadline
                text += f" where {self.condition(w, [*scope, *act_scope], 1)}"
                self.breach_ok = saved
        if deadline:
            # a deadline: owed within N steps of each step where the event holds
            event = self.primary(w, [*scope, ("actor", "party")], 1, True)
            assert w.time is not None  # (a deadline is drawn only in a timed world)
            span = w.time.last - w.time.first
            if chance(ch, 20):  # the drafts dispute the delay
                labels = [p for p in w.parties if chance(ch, 50)] or [w.parties[-1]]
                if chance(ch, 30):
                    labels.insert(0, "base")
                text += " within [" + " | ".join(f"{lab}: {ch.integer(0, span)}" for lab in labels) + f"] of {event}"
            else:
                text += f" within {ch.integer(0, span)} of {event}"
        cond_scope = scope + ([("actor", "party")] if modality == "must" and not keep else act_scope)
        decided = [p for p in w.preds if p.kind == "fact" and p.control is not None]
        if modality == "may" and not keep and decided and chance(ch, 30):
            text += f" when {self.concerted(w, pick(ch, decided))}"
        elif not keep and chance(ch, 60):
            text += f" when {self.condition(w, cond_scope, 2)}"
        if chance(ch, 25):
            text += f" unless {self.condition(w, cond_scope, 1)}"
        if modality == "must" and not keep and not guarantee_made[0] and chance(ch, 35):
            guarantee_made[0] = True
            # `protects` sees the `for` variables, not the subject's or the act's
            protected = pick(ch, loop_parties) if loop_parties and chance(ch, 50) else pick(ch, w.parties)
            text += f" protects {protected} against {self.condition(w, list(loop), 1, allow_qty=False)}"
        return text + ";"

    def concerted(self, w: World, fact: Pred) -> str:
        """A condition on what every party decides, as in "where concerted action proves
        impossible": a party (or a few) may be able to make it true by its own decision."""
        ch = self.ch
        assert fact.control is not None
        u = f"u{self.fresh + 1}"
        self.fresh += 1
        call = f"{fact.name}({fact.params[fact.control][0]}: {u})"
        among = pick(ch, ["party", *(g for g, (gt, _) in w.groups.items() if gt == "party")])
        form = ch.integer(0, 4)
        if form == 0:
            return f"not (all {u} in {among}: {call})"
        if form == 1:
            return f"exists {u} in {among}: (not {call})"
        if form in (2, 3):
            return f"a majority of {u} in {among}: (not {call})"
        return f"at most {ch.integer(0, 2)} of {u} in {among}: {call}"

    def for_item(self, w: World, index: int, guarantee_made: list[bool], loop: Sequence[tuple[str, str]]) -> str:
        """`for w in G: ITEM`, the item once per member of G (a party, or a kind)."""
        ch = self.ch
        t = pick(ch, ["party", "party", "kind"])
        var = ["w", "x"][len(loop)]
        sets = [t] + [g for g, (gt, _) in w.groups.items() if gt == t]
        if chance(ch, 25):
            sets.append("{" + ", ".join(v for v in w.domain(t) if chance(ch, 60) or v == w.domain(t)[-1]) + "}")
        inner = [*loop, (var, t)]
        form = ch.integer(0, 5)
        if form == 0 and not loop:
            body = self.for_item(w, index, guarantee_made, inner)
        elif form == 1:
            body = self.norm_bracket(w, index, guarantee_made, inner)
        elif form == 2 and w.quantity is not None and any(ty == "party" for _, ty in inner):
            owner = pick(ch, [n for n, ty in inner if ty == "party"])
            body = f"limit q({owner}) {pick(ch, ['<=', '>='])} {self.number(w)};"
        else:
            body = self.norm(w, index, guarantee_made, inner)
        return f"for {var} in {pick(ch, sets)}: {body}"

    def norm_bracket(self, w: World, index: int, guarantee_made: list[bool], loop: Sequence[tuple[str, str]]) -> str:
        """Alternative norms: `[pa: NORM | pb: NORM NORM | base: NORM]` (the base may be absent: no norm)."""
        ch = self.ch
        labels = [p for p in w.parties if chance(ch, 50)] or [w.parties[0]]
        if chance(ch, 30):
            labels.insert(ch.integer(0, len(labels)), "base")
        alts = []
        for lab in labels:
            norms = [self.norm(w, index, guarantee_made, loop) for _ in range(ch.integer(0 if len(labels) > 1 else 1, 2))]
            alts.append(f"{lab}: {' '.join(norms)}")
        return "[" + " | ".join(alts) + "]"

    def clause(self, w: World, index: int, guarantee_made: list[bool]) -> str:
        ch = self.ch
        name = f"c{index + 1}"
        head = f'clause {name} "Art. {index + 1}"'
        if chance(ch, 50):
            head += f' text "wording of article {index + 1}"'
        overrides = index > 0 and chance(ch, 15)
        if overrides:
            head += f" overrides c{ch.integer(1, index)}"
        # An overriding clause's conditions become the overridden one's: no breach there, or
        # the overridden clause could come to depend on its own breach.
        self.breach_ok = not overrides and chance(ch, 30)
        items = []
        for _ in range(ch.integer(1, 2)):
            form = ch.integer(0, 11)
            if form == 10:
                items.append("  " + self.for_item(w, index, guarantee_made, []))
                continue
            if form == 11:
                items.append("  " + self.norm_bracket(w, index, guarantee_made, []))
                continue
            if form == 9 and w.quantity is not None:
                owner = pick(ch, w.parties)
                limit = f"  limit q({owner}) {pick(ch, ['<=', '>='])} "
                if chance(ch, 40):
                    a, b = w.parties[0], w.parties[1]
                    limit += f"[{a}: {self.number(w)} | {b}: {self.number(w)}]"
                else:
                    limit += self.number(w)
                if chance(ch, 30):
                    limit += f" when {self.condition(w, [], 1)}"
                items.append(limit + ";")
            elif form == 8:
                label = pick(ch, w.parties)
                items.append(f"  [{label}: {self.norm(w, index, guarantee_made)}]")
            else:
                items.append("  " + self.norm(w, index, guarantee_made))
        w.clauses.append(name)
        self.breach_ok = False
        return head + " {\n" + "\n".join(items) + "\n}"

    # ---- protection requirements -------------------------------------------------------------------
    def protection(self, w: World) -> str:
        """`protection P against E by ACT[(args)] [where F];` (the response's actor left open)."""
        ch = self.ch
        act = pick(ch, [p for p in w.preds if p.kind == "act"])
        act_scope: Scope = [("actor", "party")]
        args = []
        for name, t in act.params[1:]:
            act_scope.append((name, t))
            if chance(ch, 40):
                args.append(f"{name}: {self.value(w, t, [])}")
        text = f"protection {pick(ch, w.parties)} against {self.condition(w, [], 1, allow_qty=False)}"
        if chance(ch, 30):
            text += ' "the event"'
        text += f" by {act.name}" + (f"({', '.join(args)})" if args else "")
        if act_scope[1:] and chance(ch, 40):
            text += f" where {self.condition(w, act_scope, 1)}"
        if w.time is not None and chance(ch, 60):
            text += f" within {ch.integer(0, w.time.last - w.time.first)}"
        return text + ";"

    # ---- queries ------------------------------------------------------------------------------------
    def queries(self, w: World) -> list[str]:
        ch = self.ch
        out = []
        kinds = ["conflict", "hollow-permission", "pretext", "contradiction", "blockable-guarantee",
                 "vacuous-guarantee", "protection-gap", "excuse", "self-granted-permission"]
        if chance(ch, 35):
            out.append(self.protection(w))
        for _ in range(ch.integer(0, 3)):
            parts = [pick(ch, kinds)]
            if chance(ch, 50):
                parts.append(f"on {pick(ch, w.clauses)}")
            if chance(ch, 50):
                parts.append(f"by {pick(ch, w.parties)}")
            if chance(ch, 20):
                parts.append(f"in draft {pick(ch, ['base', *w.parties])}")
            if w.term and w.term[2] and chance(ch, 20):
                parts.append(f"under reading {pick(ch, w.term[2])}")
            out.append(("expect " if chance(ch, 60) else "assert no ") + " ".join(parts) + ";")
        self.breach_ok = True
        for i in range(ch.integer(0, 2)):
            kind = pick(ch, ["assert", "scenario"])
            out.append(f"{kind} {kind[0]}{i + 1}: {self.condition(w, [], 2)}{self.while_breaches(w)};")
        self.breach_ok = False
        return out

    def while_breaches(self, w: World) -> str:
        """` while pa breaches c1 and pb breaches` (often nothing): parties named with clauses they owe under."""
        ch = self.ch
        if not chance(ch, 30):
            return ""
        parts = []
        for p in w.parties:
            if not chance(ch, 50):
                continue
            owed = [c for c in w.clauses if p in w.owed.get(c, ())]
            clauses = [c for c in owed if chance(ch, 60)] if chance(ch, 80) else []
            parts.append(f"{p} breaches {', '.join(clauses)}".rstrip())
        return f" while {' and '.join(parts)}" if parts else ""


def _parts(ch: Chooser, timed: bool = False, fixing: bool = False) -> tuple[list[str], list[str], list[str]]:
    """(declarations, assumptions, clauses and queries) of one spec; the header is declarations[0].
    `fixing`: also assumptions that fix atoms false outright (`not A`, `not exists u: A(u)`),
    which the checks' encoder folds (drawn only when set: other specs stay as they were)."""
    g = Gen(ch, timed)
    w, lines = g.world()
    assumptions = []
    if chance(ch, 30):
        assumptions.append(f"assume {g.atom(w, [], allow_const=False) if chance(ch, 50) else g.condition(w, [], 1)};")
    if fixing:
        if chance(ch, 70):
            assumptions.append(f"assume not ({g.atom(w, [], allow_qty=False, allow_const=False)});")
        if chance(ch, 70):
            g.fresh += 1
            var = f"u{g.fresh}"
            body = g.atom(w, [(var, "party")], allow_qty=False, allow_const=False)
            assumptions.append(f"assume not (exists {var} in party: ({body}));")
    guarantee_made = [False]
    clauses = [g.clause(w, i, guarantee_made) for i in range(ch.integer(1, 4))]
    return lines, assumptions, [*clauses, *g.queries(w)]


def generate(ch: Chooser, timed: bool = False, fixing: bool = False) -> str:
    declarations, assumptions, rest = _parts(ch, timed, fixing)
    return "\n".join([*declarations, *assumptions, *rest]) + "\n"


@dataclass
class Case:
    """One generated spec: its files (relative path -> text), the root, and the command line."""

    files: dict[str, str]
    root: str
    readings: tuple[str, ...] = ()   # --reading NAME or TERM=NAME
    drafts: tuple[str, ...] = ()     # --draft NAME or BRACKET=LABEL


def generate_case(ch: Chooser, timed: bool = False, fixing: bool = False) -> Case:
    """A spec, sometimes split over imported files, with the --reading and --draft options to
    check it with: a reading it has (one spec in five), a draft by name or pinned brackets.
    `timed`: a timed spec (see the module's docstring); `fixing`: see `_parts`."""
    declarations, assumptions, rest = _parts(ch, timed, fixing)
    header, body = declarations[0], declarations[1:]
    layout = ch.integer(0, 9)
    if layout <= 5:
        files = {"gen.nv": "\n".join([header, *body, *assumptions, *rest]) + "\n"}
    elif layout <= 7:
        # the world in a declarations module; the assumptions in either file
        world = [*body, *(assumptions if chance(ch, 50) else [])]
        own = [a for a in assumptions if a not in world]
        files = {"world.nv": "\n".join(world) + "\n",
                 "gen.nv": "\n".join([header, 'import "world.nv";', *own, *rest]) + "\n"}
    else:
        # a chain and a diamond: types in lib/, the world importing them, the root importing both
        types = [d for d in body if d.startswith(("party", "enum", "group"))]
        world = [d for d in body if d not in types]
        files = {"lib/types.nv": "\n".join(types) + "\n",
                 "lib/world.nv": "\n".join(['import "types.nv";', *world, *assumptions]) + "\n",
                 "gen.nv": "\n".join([header, 'import "lib/types.nv";' if chance(ch, 50) else "",
                                       'import "lib/world.nv";', *rest]) + "\n"}
    text = "\n".join(files.values())
    readings: tuple[str, ...] = ()
    names = sorted(set(re.findall(r"reading (\w+)", text)))
    if names and chance(ch, 20):
        name = pick(ch, names)
        terms = sorted({t for t, body in re.findall(r"term (\w+)\([^)]*\) \{([^}]*)\}", text)
                        if re.search(rf"reading {name}\b", body)})
        readings = (f"{pick(ch, terms)}={name}",) if terms and chance(ch, 40) else (name,)
    return Case(files, "gen.nv", readings, _drafts(ch, files))


def _drafts(ch: Chooser, files: dict[str, str]) -> tuple[str, ...]:
    """Now and then a --draft: a party's draft by name, or one or two brackets pinned to a label."""
    form = ch.integer(0, 9)
    if form > 2:
        return ()
    from tests.oracle.front import read_model

    brackets = read_model(files, "gen.nv").brackets
    if not brackets:
        return ()
    if form == 0:
        labels = sorted({lab for labs in brackets.values() for lab in labs})
        return (pick(ch, labels),)
    idents = sorted({pick(ch, sorted(brackets)) for _ in range(ch.integer(1, 2))})
    return tuple(f"{ident}={pick(ch, brackets[ident])}" for ident in idents)


def hypothesis_specs() -> Any:
    """A hypothesis strategy of spec texts."""
    from hypothesis import strategies as st

    @st.composite
    def specs(draw: Any) -> str:
        return generate(DataChooser(draw))

    return specs()
