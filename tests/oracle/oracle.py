"""The brute-force oracle: every check's answer, computed from DESIGN section 10 by enumeration.

For one checked instrument, `Oracle` works out which drafts and reading sets
are checked (from docs/language.md, independently of verifier.pipeline) and,
for each (draft, reading set), answers every check by enumerating all worlds
of `tests.oracle.space`. It never imports z3 or the verifier; it reads only the
checked model (`dsl.model`).

Notation as in DESIGN §10: A the stated situation, Comp_p the norms addressed
to p, ctrl(p) what p decides, free what nobody decides. "∃x ∈ X: φ" over a set
of variables is a projection of the world set of φ.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations, product

from dsl import formula as F
from dsl.model import Clause, Instrument, Modality, Norm, QueryKind
from tests.oracle.space import Evaluator, Space, bindings

Readings = dict[str, str | None]
MAX_INSTANCES = 64  # the instances of one permission that are examined (hollow_permission.MAX_INSTANCES)


# ---- what is checked: drafts and reading sets (docs/language.md) ----------------------

def drafts(instrument: Instrument) -> list[tuple[str | None, dict[str, str]]]:
    """`base` and each party's version that can be formed; `mixed` (first labels) if none can."""
    brackets = instrument.brackets
    if not brackets:
        return [(None, {})]
    out: list[tuple[str | None, dict[str, str]]] = []
    labels = sorted({lab for b in brackets.values() for lab in b.labels if lab != "base"})
    for name in ["base", *labels]:
        mapping: dict[str, str] = {}
        for b in brackets.values():
            if name in b.labels:
                mapping[b.id] = name
            elif "base" in b.labels:
                mapping[b.id] = "base"
            else:
                break
        else:
            out.append((name, mapping))
    if not out:
        out.append(("mixed", {b.id: b.labels[0] for b in brackets.values()}))
    return out


def baseline(instrument: Instrument, requested: tuple[str, ...] = ()) -> Readings:
    """`ordinary` where a term has it (else open); `--reading NAME` (or TERM=NAME) replaces it."""
    out: Readings = {t.name: ("ordinary" if t.reading("ordinary") else None) for t in instrument.terms.values()}
    for item in requested:
        term, _, name = item.rpartition("=")
        for t in instrument.terms.values():
            if (not term or t.name == term) and t.reading(name) is not None:
                out[t.name] = name
    return out


def claimants(instrument: Instrument) -> list[str]:
    names = {r.name for t in instrument.terms.values() for r in t.readings}
    return [p for p in instrument.parties if p in names]


def reading_sets(instrument: Instrument, requested: tuple[str, ...] = ()) -> list[tuple[str | None, Readings]]:
    """The baseline (name None), then each claimant's: the baseline with its readings where it has one."""
    base = baseline(instrument, requested)
    out: list[tuple[str | None, Readings]] = [(None, base)]
    for q in claimants(instrument):
        claimed = {t: (q if instrument.terms[t].reading(q) else r) for t, r in base.items()}
        if claimed != base:
            out.append((q, claimed))
    return out


# ---- answers ------------------------------------------------------------------------------

@dataclass
class Instance:
    """One act (or state) a permission grants: its binding and the world sets it needs."""

    norm: Norm
    subject: str
    key: tuple[str, tuple[F.Value, ...]] | None   # the act instance; None for `keep`
    cond: int
    use: int
    cond_vars: set[int] = field(default_factory=set)  # the variables its condition mentions


@dataclass
class Answers:
    """Every check's answer for one draft and reading set."""

    draft_name: str | None
    draft: dict[str, str]
    reading_name: str | None
    readings: Readings
    situation_possible: bool = True
    contradiction: bool = False
    muses: set[frozenset[str]] = field(default_factory=set)
    # party -> every minimal set of its clauses with a dilemma situation
    dilemmas: dict[str, set[frozenset[str]]] = field(default_factory=dict)
    # (clause, norm index, subject) -> (always hollow?, hollow in some situation?)
    hollow: dict[tuple[str, int, str], tuple[bool, bool]] = field(default_factory=dict)
    # (clause, norm index, holder, blocker) -> vetoed?
    vetoed: dict[tuple[str, int, str, str], bool] = field(default_factory=dict)
    # (claimant, clause, term, against) -> pretext?
    pretext: dict[tuple[str, str, str, str], bool] = field(default_factory=dict)
    # DESIGN-level: (claimant, against) -> A ∧ Comp_p(ρ0) ∧ ¬Comp_p(ρ_q) is sat, ρ_q with all of q's readings
    pretext_any: dict[tuple[str, str], bool] = field(default_factory=dict)
    # (clause, norm index, blocker) -> (blockable?, with the blocker causing the event?)
    blockable: dict[tuple[str, int, str], tuple[bool, bool]] = field(default_factory=dict)
    # (clause, norm index) -> (never triggers?, some circumstance leaves the event uncovered?)
    vacuous: dict[tuple[str, int], tuple[bool, bool]] = field(default_factory=dict)
    # query name, kind -> holds (assert) / a world exists (scenario)
    properties: dict[tuple[str, str], bool] = field(default_factory=dict)


class Context:
    """World sets for one draft and reading set, and the checks as set algebra."""

    def __init__(self, oracle: Oracle, draft: dict[str, str], readings: Readings) -> None:
        self.oracle = oracle
        self.instrument = oracle.instrument
        self.space = sp = oracle.space
        self.draft = draft
        self.readings = readings
        self.ev = Evaluator(sp, readings, draft)
        self.A = sp.ALL
        for a in self.instrument.assumptions:
            self.A &= self.ev.holds(a)
        self._norm_cache: dict[tuple[str, str, tuple[tuple[str, str | None], ...]], int] = {}

    # ---- Comp -----------------------------------------------------------------------------
    def norm_of(self, clause: str, party: str | None, readings: Readings | None = None) -> int:
        """norm_{c,p}: the worlds where `party` (every subject when None) respects clause c."""
        readings = self.readings if readings is None else readings
        key = (clause, party or "", tuple(sorted(readings.items())))
        if key in self._norm_cache:
            return self._norm_cache[key]
        ev = self.ev if readings == self.readings else Evaluator(self.space, readings, self.draft)
        out = self.space.ALL
        for n in self.instrument.clause(clause).norms:
            for s in n.subjects:
                if party is None or s == party:
                    out &= ev.respected(n, s)
        self._norm_cache[key] = out
        return out

    def comp(self, party: str | None, clauses: Iterable[str], readings: Readings | None = None) -> int:
        out = self.space.ALL
        for c in clauses:
            out &= self.norm_of(c, party, readings)
        return out

    # ---- contradiction ----------------------------------------------------------------------
    def contradiction(self) -> tuple[bool, set[frozenset[str]]]:
        clauses = self.oracle.constraining_clauses(None)
        if not clauses or self.comp(None, clauses) & self.A:
            return False, set()
        unsat = {}
        for k in range(len(clauses) + 1):
            for subset in combinations(clauses, k):
                unsat[frozenset(subset)] = not (self.A & self.comp(None, subset))
        muses = {s for s, u in unsat.items() if u and all(not unsat[s - {c}] for c in s)}
        return True, muses

    # ---- conflict -----------------------------------------------------------------------------
    def dilemma(self, party: str, clauses: Iterable[str]) -> int:
        """The worlds whose situation s is a dilemma: ∃x A(s,x) and ∀x ¬(A ∧ Comp_p)(s,x)."""
        x = self.space.controlled_by(party)
        possible = self.space.exists(self.A, x)
        compliant = self.space.exists(self.A & self.comp(party, clauses), x)
        return possible & ~compliant

    def dilemmas(self, party: str) -> set[frozenset[str]]:
        clauses = self.oracle.constraining_clauses(party)
        has = {}
        for k in range(len(clauses) + 1):
            for subset in combinations(clauses, k):
                has[frozenset(subset)] = bool(self.dilemma(party, subset))
        return {s for s, d in has.items() if d and all(not has[s - {c}] for c in s)}

    # ---- permissions --------------------------------------------------------------------------
    def instances(self, norm: Norm, subject: str) -> list[Instance]:
        env: dict[str, F.Value] = {norm.subject_var: subject}
        if norm.act is None:
            assert norm.keep is not None
            return [Instance(norm, subject, None, self.ev.holds(norm.condition, env), self.ev.holds(norm.keep, env),
                             self.ev.mentioned(norm.condition, env))]
        out = []
        for b in bindings(norm)[:MAX_INSTANCES]:
            full = {**env, **b}
            cond = self.ev.holds(norm.condition, full) & self.ev.holds(norm.where, full)
            args = tuple(t.value if isinstance(t, F.Const) else full[t.name] for t in norm.pattern)
            out.append(Instance(norm, subject, (norm.act, (subject, *args)), cond, self.ev.act(norm, full),
                                self.ev.mentioned(norm.condition, full) | self.ev.mentioned(norm.where, full)))
        return out

    # A hollow permission is one that "cannot be exercised without breaching another clause"
    # (DESIGN §5): p can comply, p can do the act, but not both. An act the situation itself
    # rules out (∃x A ∧ cond ∧ act fails) has no blocking clause and is not hollow.
    def hollow_always(self, inst: Instance) -> bool:
        comp = self.comp(inst.subject, self.oracle.constraining_clauses(inst.subject))
        in_force = self.A & inst.cond & comp
        doable = self.A & inst.cond & inst.use
        return bool(in_force) and bool(doable) and not (in_force & inst.use)

    def hollow_situations(self, inst: Instance, clauses: Iterable[str] | None = None) -> int:
        """Situations s with ∃x (A ∧ cond ∧ Comp_p), ∃x (A ∧ cond ∧ act), ∀x ¬(A ∧ cond ∧ act ∧ Comp_p)."""
        p = inst.subject
        all_clauses = self.oracle.constraining_clauses(p)
        x = self.space.controlled_by(p)
        comp = self.comp(p, all_clauses)
        blocking = comp if clauses is None else self.comp(p, clauses)
        can = self.space.exists(self.A & inst.cond & comp, x)
        doable = self.space.exists(self.A & inst.cond & inst.use, x)
        blocked = self.space.exists(self.A & inst.cond & inst.use & blocking, x)
        return can & doable & ~blocked

    # A veto works through the permission's condition (blocked_permission's docstring):
    # the blocker's choice x ranges over ctrl(b) ∩ vars(cond), cond of the acts that can be done.
    def usable(self, inst: Instance) -> bool:
        """The act can be done with the permission in force while p complies."""
        comp = self.comp(inst.subject, self.oracle.constraining_clauses(inst.subject))
        return bool(self.A & inst.cond & inst.use & comp)

    def vetoes(self, inst: Instance, blocker: str, cond_vars: set[int]) -> int:
        """Choices x ∈ ctrl(b) ∩ cond_vars with ∃y A and ∀y ¬(A ∧ cond ∧ act ∧ Comp_p) (as world sets)."""
        p = inst.subject
        x = [i for i in self.space.controlled_by(blocker) if i in cond_vars]
        y = self.space.all_but(x)
        comp = self.comp(p, self.oracle.constraining_clauses(p))
        return self.space.exists(self.A, y) & ~self.space.exists(self.A & inst.cond & inst.use & comp, y)

    def vetoable(self, instances: list[Instance], blocker: str) -> bool:
        usable = [i for i in instances if self.usable(i)]
        cond_vars = set().union(*(i.cond_vars for i in usable)) if usable else set()
        if not any(self.space.vars[v].controller == blocker for v in cond_vars):
            return False  # the blocker decides nothing the condition mentions
        return any(self.vetoes(i, blocker, cond_vars) for i in usable)

    # ---- pretext -----------------------------------------------------------------------------
    def pretext(self, q: str, clause: str, term: str, p: str) -> int:
        """Worlds with A ∧ Comp_p(ρ0) ∧ ¬norm_{c,p}(ρ0[t := q])."""
        claimed = {**self.readings, term: q}
        comp = self.comp(p, self.oracle.constraining_clauses(p))
        return self.A & comp & ~self.norm_of(clause, p, claimed)

    def pretext_any(self, q: str, p: str) -> bool:
        claimed = {t: (q if self.instrument.terms[t].reading(q) else r) for t, r in self.readings.items()}
        clauses = self.oracle.constraining_clauses(p)
        return bool(self.A & self.comp(p, clauses) & ~self.comp(p, clauses, claimed))

    # ---- guarantees ------------------------------------------------------------------------------
    def trigger(self, norm: Norm) -> int:
        out = 0
        for s in norm.subjects:
            out |= self.ev.holds(norm.condition, {norm.subject_var: s})
        return out

    def event(self, norm: Norm) -> int:
        assert norm.protects is not None
        return self.ev.holds(norm.protects.event)

    def blocking_choices(self, norm: Norm, outer: list[int], extra: int | None = None) -> int:
        """Worlds whose `outer` part x has (∃y A ∧ E [∧ extra]) ∧ ∀y ¬(A ∧ E ∧ T)."""
        y = self.space.all_but(outer)
        e = self.A & self.event(norm)
        possible = self.space.exists(e if extra is None else e & extra, y)
        return possible & ~self.space.exists(e & self.trigger(norm), y)

    def own_event(self, norm: Norm, blocker: str) -> int:
        """E with every atom the blocker does not control set false: the blocker causes E alone."""
        assert norm.protects is not None
        controller = self.oracle.controller
        ev = Evaluator(self.space, self.readings, self.draft,
                       false_atom=lambda key: controller.get(key) != blocker)
        return ev.holds(norm.protects.event)

    # ---- properties ----------------------------------------------------------------------------------
    def compliant(self) -> int:
        return self.A & self.comp(None, self.oracle.constraining_clauses(None))


class Oracle:
    def __init__(self, instrument: Instrument, readings: tuple[str, ...] = ()) -> None:
        self.instrument = instrument
        self.requested = readings  # --reading options
        open_terms = [t for t, r in baseline(instrument, readings).items() if r is None]
        self.space = Space(instrument, open_terms)
        # Who controls each ground atom of the whole vocabulary (not only the relevant ones).
        self.controller: dict[tuple[str, tuple[F.Value, ...]], str | None] = {}
        self.controls_something: set[str] = set()
        for pred in instrument.predicates.values():
            for args in product(*(instrument.domain(p.type) for p in pred.params)):
                c = str(args[pred.control]) if pred.control is not None else None
                self.controller[(pred.name, tuple(args))] = c
                if c is not None:
                    self.controls_something.add(c)

    def constraining_clauses(self, party: str | None) -> list[str]:
        """Clauses with an obligation or prohibition addressed to party (any party when None)."""
        out = []
        for c in self.instrument.clauses:
            if any(n.modality is not Modality.MAY and (party is None or party in n.subjects) for n in c.norms):
                out.append(c.id)
        return out

    def parties_with_norms(self) -> list[str]:
        subjects = {s for n in self.instrument.norms if n.modality is not Modality.MAY for s in n.subjects}
        return [p for p in self.instrument.parties if p in subjects]

    def context(self, draft: dict[str, str], readings: Readings) -> Context:
        return Context(self, draft, readings)

    def answers(self, draft_name: str | None, draft: dict[str, str], reading_name: str | None,
                readings: Readings) -> Answers:
        ctx = self.context(draft, readings)
        ans = Answers(draft_name, draft, reading_name, readings)
        inst = self.instrument
        ans.situation_possible = bool(ctx.A)
        if not ctx.A:
            ans.contradiction = True
        else:
            ans.contradiction, ans.muses = ctx.contradiction()
        for p in self.parties_with_norms():
            ans.dilemmas[p] = ctx.dilemmas(p)
        for clause in inst.clauses:
            for n in clause.norms:
                if n.modality is not Modality.MAY:
                    continue
                for s in n.subjects:
                    instances = ctx.instances(n, s)
                    always = any(ctx.hollow_always(i) for i in instances)
                    situation = any(ctx.hollow_situations(i) for i in instances)
                    ans.hollow[(clause.id, n.index, s)] = (always, situation)
                    for b in inst.parties:
                        if b == s or b not in self.controls_something:
                            continue
                        ans.vetoed[(clause.id, n.index, s, b)] = ctx.vetoable(instances, b)
        if reading_name is None:
            for q in claimants(inst):
                for clause in inst.clauses:
                    for term in terms_used(clause):
                        if inst.terms[term].reading(q) is None or readings.get(term) == q:
                            continue
                        for p in subjects(clause):
                            if p != q:
                                ans.pretext[(q, clause.id, term, p)] = bool(ctx.pretext(q, clause.id, term, p))
                for p in self.parties_with_norms():
                    if p != q:
                        ans.pretext_any[(q, p)] = ctx.pretext_any(q, p)
        for clause in inst.clauses:
            for n in clause.norms:
                if n.protects is None or not ctx.ev.holds(n.guard):
                    continue  # not a guarantee, or one this draft leaves out
                g = n.protects.party
                # "never triggers when E happens" (vacuous_guarantee's docstring): A ∧ E ∧ T unsat.
                never = not (ctx.A & ctx.event(n) & ctx.trigger(n))
                circumstance = False if never else bool(ctx.blocking_choices(n, self.space.free()))
                ans.vacuous[(clause.id, n.index)] = (never, circumstance)
                for b in inst.parties:
                    if b == g or b not in self.controls_something:
                        continue
                    # A guarantee that never answers its event is vacuous: nobody needs to block it.
                    x = self.space.controlled_by(b)
                    blockable = not never and bool(ctx.blocking_choices(n, x))
                    own = blockable and bool(ctx.blocking_choices(n, x, ctx.own_event(n, b)))
                    ans.blockable[(clause.id, n.index, b)] = (blockable, own)
        if reading_name is None:
            compliant = ctx.compliant()
            for q in inst.queries:
                if q.formula is None:
                    continue
                f = ctx.ev.holds(q.formula)
                if q.kind is QueryKind.ASSERT:
                    ans.properties[(q.name, "assert")] = not (compliant & ~f)
                elif q.kind is QueryKind.SCENARIO:
                    ans.properties[(q.name, "scenario")] = bool(compliant & f)
        return ans

    def all_answers(self) -> list[Answers]:
        return [self.answers(dn, d, rn, r) for dn, d in drafts(self.instrument)
                for rn, r in reading_sets(self.instrument, self.requested)]


def terms_used(clause: Clause) -> list[str]:
    """The terms a clause's obligations and prohibitions mention (directly), in order."""
    found: list[str] = []

    def visit(f: object) -> None:
        if isinstance(f, F.TermApp):
            if f.term not in found:
                found.append(f.term)
        elif isinstance(f, F.Not):
            visit(f.operand)
        elif isinstance(f, (F.And, F.Or)):
            for o in f.operands:
                visit(o)
        elif isinstance(f, F.Implies):
            visit(f.left)
            visit(f.right)
        elif isinstance(f, (F.Exists, F.Forall)):
            visit(f.body)
        elif isinstance(f, F.Choice):
            for _, o in f.options:
                visit(o)

    for n in clause.norms:
        if n.modality is not Modality.MAY:
            for part in (n.condition, n.where, n.keep):
                if part is not None:
                    visit(part)
    return found


def subjects(clause: Clause) -> list[str]:
    return sorted({s for n in clause.norms if n.modality is not Modality.MAY for s in n.subjects})


__all__ = ["Answers", "Context", "Oracle", "baseline", "claimants", "drafts", "reading_sets"]
