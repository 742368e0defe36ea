"""The brute-force oracle: every check's answer, computed from DESIGN section 10 by enumeration.

For one instrument, read by the oracle's own front end (`tests.oracle.front`,
from the syntax tree), `Oracle` works out which drafts and reading sets are
checked (from docs/language.md) and, for each (draft, reading set), answers
every check by enumerating all worlds of `tests.oracle.space`. It imports
neither z3, the verifier nor the elaborator (tests/oracle/test_independence.py).

Notation as in DESIGN §10: A the stated situation, Comp_p the norms addressed
to p, ctrl(p) what p decides, free what nobody decides. "∃x ∈ X: φ" over a set
of variables is a projection of the world set of φ.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations, product

from tests.oracle.front import (
    FALSE,
    TRUE,
    Clause,
    G,
    Key,
    Model,
    Norm,
    Requirement,
    _known,
    children,
    disj,
    respected_formula,
)
from tests.oracle.space import OPS, Evaluator, Space

Readings = dict[str, str | None]


class DraftError(Exception):
    """A `--draft BRACKET=LABEL` names an alternative the bracket does not have (a usage error)."""


# ---- what is checked: drafts and reading sets (docs/language.md) ----------------------

def drafts(model: Model, requested: Iterable[str] = ()) -> list[tuple[str | None, dict[str, str]]]:
    """The drafts checked: `base` and each party's version, where defined (a draft must choose in
    every bracket: the party's alternative, else the base text); `--draft NAME` keeps only the
    named ones, `--draft BRACKET=LABEL` fixes one bracket in each (and says so in the name).
    When no named draft is defined, each bracket's first alternative (`mixed`)."""
    brackets = model.brackets
    if not brackets:
        return [(None, {})]
    names = [r for r in requested if "=" not in r]
    pins = dict(r.split("=", 1) for r in requested if "=" in r)
    for b, label in pins.items():
        if b in brackets and label not in brackets[b]:
            raise DraftError(f"bracket {b} has no alternative {label}")
    pins = {b: lab for b, lab in pins.items() if b in brackets}
    suffix = "+" + ",".join(f"{b}={lab}" for b, lab in sorted(pins.items())) if pins else ""
    out: list[tuple[str | None, dict[str, str]]] = []
    for name in names or ["base", *model.draft_labels()]:
        mapping: dict[str, str] = {}
        for ident, labels in brackets.items():
            if name in labels:
                mapping[ident] = name
            elif "base" in labels:
                mapping[ident] = "base"
            else:
                break
        else:
            out.append((name + suffix, {**mapping, **pins}))
    if not out:
        out.append(("mixed", {ident: pins.get(ident, labels[0]) for ident, labels in brackets.items()}))
    return out


def baseline(model: Model, requested: tuple[str, ...] = ()) -> Readings:
    """`ordinary` where a term has it (else open); `--reading NAME` (or TERM=NAME) replaces it."""
    out: Readings = {t: ("ordinary" if "ordinary" in d.readings else None) for t, d in model.terms.items()}
    for item in requested:
        term, _, name = item.rpartition("=")
        for t, d in model.terms.items():
            if (not term or t == term) and name in d.readings:
                out[t] = name
    return out


def claimants(model: Model) -> list[str]:
    names = {r for t in model.terms.values() for r in t.readings}
    return [p for p in model.parties if p in names]


def reading_sets(model: Model, requested: tuple[str, ...] = ()) -> list[tuple[str | None, Readings]]:
    """The baseline (name None), then each claimant's: the baseline with its readings where it has one."""
    base = baseline(model, requested)
    out: list[tuple[str | None, Readings]] = [(None, base)]
    for q in claimants(model):
        claimed = {t: (q if q in model.terms[t].readings else r) for t, r in base.items()}
        if claimed != base:
            out.append((q, claimed))
    return out


# ---- answers ------------------------------------------------------------------------------

@dataclass
class Instance:
    """One act (or state) a permission grants: its binding and the world sets it needs."""

    norm: Norm
    subject: str
    key: Key | None   # the act instance; None for `keep`
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
    # (clause, norm index, holder, minimal vetoing coalition) -> True
    vetoed: dict[tuple[str, int, str, tuple[str, ...]], bool] = field(default_factory=dict)
    # (claimant, clause, term, against) -> pretext?
    pretext: dict[tuple[str, str, str, str], bool] = field(default_factory=dict)
    # DESIGN-level: (claimant, against) -> A ∧ Comp_p(ρ0) ∧ ¬Comp_p(ρ_q) is sat, ρ_q with all of q's readings
    pretext_any: dict[tuple[str, str], bool] = field(default_factory=dict)
    # (party, clause, term) -> excuse? (DESIGN §12: the mirror of a pretext)
    excuse: dict[tuple[str, str, str], bool] = field(default_factory=dict)
    # (protected party, requirement index) -> (a protection gap?, in every attack?)
    protection: dict[tuple[str, int], tuple[bool, bool]] = field(default_factory=dict)
    # (clause, norm index, minimal blocking coalition) -> (True, with the coalition causing the event?)
    blockable: dict[tuple[str, int, tuple[str, ...]], tuple[bool, bool]] = field(default_factory=dict)
    # (clause, norm index, holder, minimal coalition, the holder first) -> True: a self-granted permission
    self_granted: dict[tuple[str, int, str, tuple[str, ...]], bool] = field(default_factory=dict)
    # (clause, norm index) -> (never triggers?, some circumstance leaves the event uncovered?)
    vacuous: dict[tuple[str, int], tuple[bool, bool]] = field(default_factory=dict)
    # query name, kind -> holds (assert) / a world exists (scenario)
    properties: dict[tuple[str, str], bool] = field(default_factory=dict)
    # `protection_P` -> the clauses whose obligations give P's required response (cited by a
    # finding that blocks the requirement)
    responding: dict[str, frozenset[str]] = field(default_factory=dict)


def respected(ev: Evaluator, norm: Norm, subject: str) -> int:
    """The worlds where `subject` does not breach `norm` (docs/language.md, "Clauses and norms"):
    `must not A` forbids every matching act while its conditions hold; `must A` needs one matching
    act done (its `where` holding) when its condition holds; `keep F` and limits need F; `may`
    never constrains."""
    sp = ev.space
    if norm.modality == "may":
        return sp.ALL
    if norm.act is None:
        return (sp.ALL & ~ev.holds(norm.trigger[subject])) | ev.holds(norm.keep[subject])
    if norm.modality == "must not":
        out = sp.ALL
        for c in norm.cases[subject]:
            out &= sp.ALL & ~(ev.holds(c.cond) & ev.holds(c.where) & ev.holds(("a", (norm.act, (subject, *c.args)))))
        return out
    done = 0
    for c in norm.cases[subject]:
        done |= ev.holds(c.where) & ev.holds(("a", (norm.act, (subject, *c.args))))
    return (sp.ALL & ~ev.holds(norm.trigger[subject])) | done


def norm_mentions(ev: Evaluator, norm: Norm, subject: str) -> set[int]:
    """The variables a norm mentions for a subject: what `respected` reads (`Evaluator.mentioned`
    through the readings: every bracket alternative, nothing settled without a world)."""
    if norm.modality == "may":
        return set()
    return ev.mentioned(respected_formula(norm, subject), True)


class Context:
    """World sets for one draft and reading set, and the checks as set algebra."""

    def __init__(self, oracle: Oracle, draft: dict[str, str], readings: Readings) -> None:
        self.oracle = oracle
        self.model = oracle.model
        self.space = sp = oracle.space
        self.draft = draft
        self.readings = readings
        self.ev = Evaluator(sp, readings, draft)
        self.A = sp.ALL
        for a in self.model.assumptions:
            self.A &= self.ev.holds(a)
        self._norm_cache: dict[tuple[str, str, tuple[tuple[str, str | None], ...]], int] = {}
        self._evaluators: dict[tuple[tuple[str, str | None], ...], Evaluator] = {}

    # ---- Comp -----------------------------------------------------------------------------
    def norm_of(self, clause: str, party: str | None, readings: Readings | None = None) -> int:
        """norm_{c,p}: the worlds where `party` (every subject when None) respects clause c."""
        readings = self.readings if readings is None else readings
        key = (clause, party or "", tuple(sorted(readings.items(), key=lambda kv: (kv[0], kv[1] or ""))))
        if key in self._norm_cache:
            return self._norm_cache[key]
        ev = self.evaluator(readings)
        out = self.space.ALL
        for n in self.model.clause(clause).norms:
            for s in n.subjects:
                if party is None or s == party:
                    out &= respected(ev, n, s)
        self._norm_cache[key] = out
        return out

    def evaluator(self, readings: Readings) -> Evaluator:
        key = tuple(sorted(readings.items(), key=lambda kv: (kv[0], kv[1] or "")))
        ev = self._evaluators.get(key)
        if ev is None:
            ev = self._evaluators[key] = self.ev if readings == self.readings else \
                Evaluator(self.space, readings, self.draft)
        return ev

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
        """Every act the permission grants (docs/language.md: "every matching act is permitted";
        the documents set no cap on how many are examined)."""
        if norm.act is None:
            cond = norm.trigger[subject]
            return [Instance(norm, subject, None, self.ev.holds(cond), self.ev.holds(norm.keep[subject]),
                             self.ev.mentioned(cond))]
        out = []
        for case in norm.cases[subject]:
            key = (norm.act, (subject, *case.args))
            out.append(Instance(norm, subject, key, self.ev.holds(case.cond) & self.ev.holds(case.where),
                                self.ev.holds(("a", key)), self.ev.mentioned(case.cond) | self.ev.mentioned(case.where)))
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

    def vetoes(self, inst: Instance, blocker: tuple[str, ...], cond_vars: set[int]) -> int:
        """Choices x ∈ ctrl(C) ∩ cond_vars with ∃y A and ∀y ¬(A ∧ act ∧ Comp_p) (as world sets): with
        the choice, p cannot do the act lawfully, the permission in force or not."""
        p = inst.subject
        x = [i for b in blocker for i in self.space.controlled_by(b) if i in cond_vars]
        y = self.space.all_but(x)
        comp = self.comp(p, self.oracle.constraining_clauses(p))
        return self.space.exists(self.A, y) & ~self.space.exists(self.A & inst.use & comp, y)

    def vetoable(self, instances: list[Instance], blocker: tuple[str, ...]) -> bool:
        usable = [i for i in instances if self.usable(i)]
        cond_vars = set().union(*(i.cond_vars for i in usable)) if usable else set()
        if not any(self.space.vars[v].controller in blocker for v in cond_vars):
            return False  # the coalition decides nothing the condition mentions
        return any(self.vetoes(i, blocker, cond_vars) for i in usable)

    # DESIGN §12, self-granted permission: for an instance whose condition mentions what another
    # party decides and is false in some world of A, the minimal coalitions C (of any parties)
    # with ∃x ∈ ctrl(C): (∃y A ∧ Comp_C) ∧ ∀y (A → cond); those that contain the holder and leave
    # out some party the condition names are reported, minimal among them, the holder first.
    def forces(self, cond: int, coalition: tuple[str, ...]) -> bool:
        sp = self.space
        x = [i for p in coalition for i in sp.controlled_by(p)]
        y = sp.all_but(x)
        comp = sp.ALL
        for p in coalition:
            comp &= self.comp(p, self.oracle.constraining_clauses(p))
        possible = sp.exists(self.A & comp, y)
        forced = sp.ALL & ~sp.exists(self.A & (sp.ALL & ~cond), y)
        return bool(possible & forced)

    def self_granted(self, instances: list[Instance], holder: str) -> set[tuple[str, ...]]:
        sp = self.space
        parties = [p for p in self.model.parties if p in self.oracle.controls_something]
        granted: set[tuple[str, ...]] = set()
        for inst in instances:
            owners = {sp.vars[v].controller for v in inst.cond_vars} - {None}
            if not owners - {holder} or not (self.A & (sp.ALL & ~inst.cond)):
                continue
            minimal: list[frozenset[str]] = []
            for k in range(1, self.oracle.coalition_size + 1):
                for coalition in combinations(parties, k):
                    if any(m <= set(coalition) for m in minimal) or not self.forces(inst.cond, coalition):
                        continue
                    minimal.append(frozenset(coalition))
                    if holder in coalition and owners - set(coalition):
                        granted.add((holder, *(p for p in coalition if p != holder)))
        return {c for c in granted if not any(set(o) < set(c) for o in granted)}

    # ---- pretext -----------------------------------------------------------------------------
    def pretext(self, q: str, clause: str, term: str, p: str) -> int:
        """Worlds with A ∧ Comp_p(ρ0) ∧ ¬norm_{c,p}(ρ0[t := q])."""
        claimed = {**self.readings, term: q}
        comp = self.comp(p, self.oracle.constraining_clauses(p))
        return self.A & comp & ~self.norm_of(clause, p, claimed)

    def excuse(self, p: str, clause: str, term: str) -> int:
        """Worlds with A ∧ ¬N_{c,p}(ρ0) ∧ Comp_p(ρ0[t := p])."""
        own = {**self.readings, term: p}
        return self.A & ~self.norm_of(clause, p) & self.comp(p, self.oracle.constraining_clauses(p), own)

    def pretext_any(self, q: str, p: str) -> bool:
        claimed = {t: (q if q in self.model.terms[t].readings else r) for t, r in self.readings.items()}
        clauses = self.oracle.constraining_clauses(p)
        return bool(self.A & self.comp(p, clauses) & ~self.comp(p, clauses, claimed))

    # ---- guarantees ------------------------------------------------------------------------------
    def trigger(self, norm: Norm) -> int:
        out = 0
        for s in norm.subjects:
            out |= self.ev.holds(norm.trigger[s])
        return out

    def event(self, norm: Norm) -> int:
        assert norm.protects is not None
        return self.ev.holds(norm.protects[1])

    def blocking_choices(self, norm: Norm, outer: list[int], extra: int | None = None, lawful: int | None = None) -> int:
        """Worlds whose `outer` part x has (∃y A ∧ E [∧ extra] [∧ lawful]) ∧ ∀y ¬(A ∧ E ∧ T)."""
        y = self.space.all_but(outer)
        e = self.A & self.event(norm)
        possible = self.space.exists(e & (self.space.ALL if extra is None else extra)
                                     & (self.space.ALL if lawful is None else lawful), y)
        return possible & ~self.space.exists(e & self.trigger(norm), y)

    def own_event(self, norm: Norm, blocker: str | tuple[str, ...]) -> int:
        """E with every atom no member controls set false: the blocker (or coalition) causes E alone."""
        assert norm.protects is not None
        controller = self.oracle.controller
        members = {blocker} if isinstance(blocker, str) else set(blocker)
        ev = Evaluator(self.space, self.readings, self.draft,
                       false_atom=lambda key: controller.get(key) not in members)
        return ev.holds(norm.protects[1])

    # DESIGN §12, coalitions: C blocks iff ∃x ∈ ctrl(C): (∃y A ∧ E ∧ Comp⁻_C) ∧ ∀y ¬(A ∧ E ∧ T),
    # where Comp⁻_C is C's compliance with every norm that mentions no variable of E; x is what C
    # decides besides E (not causing E is no block), or, for a C that can cause E, all C controls
    # with E caused by C alone (the gravest case, `own`).
    def event_vars(self, norm: Norm) -> set[int]:
        assert norm.protects is not None
        return self.ev.mentioned(norm.protects[1], through_readings=True)

    def lawful(self, coalition: tuple[str, ...], event_vars: set[int]) -> int:
        out = self.space.ALL
        for clause in self.model.clauses:
            for n in clause.norms:
                for p in coalition:
                    if n.modality != "may" and p in n.subjects and not (norm_mentions(self.ev, n, p) & event_vars):
                        out &= respected(self.ev, n, p)
        return out

    def blocks(self, norm: Norm, coalition: tuple[str, ...], event_choice: bool = True) -> tuple[bool, bool]:
        """(C blocks, C blocks with members S of C causing E alone, each taking part in it).
        `event_choice`: S's part in E may be chosen with the block (where they strike); not for
        a protection requirement, where an event that obliges nobody is a protection gap."""
        sp = self.space
        event_vars = self.event_vars(norm)
        controlled = [i for p in coalition for i in sp.controlled_by(p)]
        decisions = [i for i in controlled if i not in event_vars]
        lawful = self.lawful(coalition, event_vars)
        plain = bool(decisions) and bool(self.blocking_choices(norm, decisions, None, lawful))
        own = False
        # S's part in E: the atoms and quantities of E its members control; taking part: one of
        # a member's atoms of E true.
        atoms = {p: [i for i in sp.controlled_by(p) if i in event_vars and sp.vars[i].kind == "atom"] for p in coalition}
        takers = [p for p in coalition if atoms[p]]
        for k in range(1, len(takers) + 1):
            for attackers in combinations(takers, k):
                part = [i for p in attackers for i in sp.controlled_by(p) if i in event_vars]
                takes_part = sp.ALL
                for p in attackers:
                    some = 0
                    for i in atoms[p]:
                        some |= sp.mask(i, 1)
                    takes_part &= some
                caused = self.own_event(norm, attackers) & takes_part
                chosen = decisions + part if event_choice else decisions
                own = own or bool(self.blocking_choices(norm, chosen, caused, lawful))
        return plain or own, own

    # ---- protection requirements (DESIGN §12) --------------------------------------------------
    def protection_gap(self, req: Requirement) -> tuple[bool, bool]:
        """(a gap: ∃e [∃x able] ∧ ∀x [able → outcome], no attack obliging the response at all).
        e: the variables of E and the circumstances; x: what P controls besides; able: ∃r A ∧ E ∧
        Comp_P; outcome: ∃r A ∧ E ∧ Comp_O ∧ ¬R_O, O the parties other than P and the attackers
        (those with an atom of E true)."""
        sp = self.space
        p = req.party
        event = self.ev.holds(req.event)
        event_vars = self.ev.mentioned(req.event, through_readings=True)
        others = [q for q in self.model.parties if q != p]
        attacker: dict[str, int] = {}
        for q in others:
            attacker[q] = 0
            for i in sp.controlled_by(q):
                if i in event_vars and sp.vars[i].kind == "atom":
                    attacker[q] |= sp.mask(i, 1)
        comply = sp.ALL
        responded = 0
        for q in others:
            comply &= attacker[q] | self.comp(q, self.oracle.constraining_clauses(q))
            responded |= ~attacker[q] & self.ev.holds(req.responses[q])
        able = self.A & event & self.comp(p, self.oracle.constraining_clauses(p))
        outcome = self.A & event & comply & sp.ALL & ~responded
        e = set(event_vars) | set(sp.free())
        x = [i for i in sp.controlled_by(p) if i not in e]
        r = [i for i in range(len(sp.vars)) if i not in e and i not in x]
        can = sp.exists(able, r)
        bad = can & ~sp.exists(outcome, r)
        gap = ~sp.exists(bad, x) & sp.exists(can, x) & sp.ALL
        return bool(gap), not bad

    # ---- blocking a protection requirement ----------------------------------------------------------
    def protection_target(self, req: Requirement) -> Norm | None:
        """The requirement as a guarantee to block: protected party and event as stated, and for
        each party s, the trigger "an obligation of s that gives the response binds s, and s
        takes no part in the event". An obligation gives the response when every act it lets
        s do to meet it is the response (in a world with that act alone); None when none does."""
        trigger: dict[str, G] = {}
        event_atoms = [self.space.vars[i] for i in self.ev.mentioned(req.event, through_readings=True)]
        for clause in self.model.clauses:
            for n in clause.norms:
                if n.modality != "must" or n.act is None:
                    continue
                for s in n.subjects:
                    if s == req.party or not self._gives(req, n, s):
                        continue
                    own = [("a", v.key) for v in event_atoms if v.kind == "atom" and v.controller == s]
                    part = ("&", (n.trigger[s], ("n", ("|", tuple(own))))) if own else n.trigger[s]
                    trigger[s] = ("|", (trigger[s], part)) if s in trigger else part
        if not trigger:
            return None
        return Norm(f"protection_{req.party}", req.index, "must", tuple(trigger), None, False, False, TRUE,
                    trigger=trigger, protects=(req.party, req.event))

    def responding_clauses(self, req: Requirement) -> frozenset[str]:
        return frozenset(c.id for c in self.model.clauses for n in c.norms
                         if n.modality == "must" and n.act is not None
                         and any(s != req.party and self._gives(req, n, s) for s in n.subjects))

    def _gives(self, req: Requirement, n: Norm, s: str) -> bool:
        assert n.act is not None
        options = [c for c in n.cases[s] if _known(c.where) is not False]
        # Timed: R as an act alone shows it, at the act's step (`responses` also want the event).
        response = req.responses[s] if req.plain is None else req.plain[s]
        return bool(options) and all(self._alone(response, (n.act, (s, *c.args))) for c in options)

    def _alone(self, f: G, key: Key) -> bool:
        """f in the world where `key` is the only true atom (open terms false, quantities 0)."""
        tag = f[0]
        if tag == "c":
            return bool(f[1])
        if tag == "a":
            return bool(f[1] == key)
        if tag == "t":
            reading = self.readings.get(f[1])
            return reading is not None and self._alone(self.model.reading_body(f[1], reading, f[2]), key)
        if tag == "n":
            return not self._alone(f[1], key)
        if tag == "&":
            return all(self._alone(x, key) for x in f[1])
        if tag == "|":
            return any(self._alone(x, key) for x in f[1])
        if tag == "?":
            return self._alone(next(o for lab, o in f[2] if lab == self.draft[f[1]]), key)
        if tag == "b":
            return self._alone(self.model.breach(*f[1:]), key)
        assert tag == "<"
        return bool(OPS[f[1]](self._int_alone(f[2]), self._int_alone(f[3])))

    def _int_alone(self, e: G) -> int:
        if e[0] == "#":
            return int(e[1])
        if e[0] in ("+", "-"):
            a, b = self._int_alone(e[1]), self._int_alone(e[2])
            return a + b if e[0] == "+" else a - b
        if e[0] == "?":
            return self._int_alone(next(o for lab, o in e[2] if lab == self.draft[e[1]]))
        return 0  # a quantity

    # ---- properties ----------------------------------------------------------------------------------
    def compliant(self, breaches: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> int:
        """The worlds of the situation where everyone complies; with `while P breaches C`,
        where P does not respect C (P named alone: owes nothing) and everyone else complies."""
        return self.A & self.comp_except(self.oracle.constraining_clauses(None), breaches) & self.breached(breaches)

    def comp_except(self, clauses: Iterable[str], breaches: tuple[tuple[str, tuple[str, ...]], ...]) -> int:
        """Comp over the clauses, but for the norms the `while` excuses."""
        excused = dict(breaches)
        out = self.space.ALL
        for c in clauses:
            for s in subjects(self.model.clause(c)):
                if s not in excused or (excused[s] and c not in excused[s]):
                    out &= self.norm_of(c, s)
        return out

    def breached(self, breaches: tuple[tuple[str, tuple[str, ...]], ...]) -> int:
        """The worlds with every breach a `while` names."""
        out = self.space.ALL
        for p, clauses in breaches:
            for c in clauses:
                out &= self.ev.holds(self.model.breach(c, p))
        return out


class Oracle:
    def __init__(self, model: Model, readings: tuple[str, ...] = (), requested_drafts: tuple[str, ...] = (),
                 coalition_size: int = 2) -> None:
        self.model = model
        self.requested = readings  # --reading options
        self.requested_drafts = requested_drafts  # --draft options
        self.coalition_size = coalition_size  # --coalition-size
        open_terms = [t for t, r in baseline(model, readings).items() if r is None]
        self.space = Space(model, open_terms)
        # Who controls each ground atom of the whole vocabulary (not only the relevant ones).
        self.controller: dict[Key, str | None] = {}
        self.controls_something: set[str] = set()
        for pred in model.predicates.values():
            for args in product(*(model.domain(t) for _, t in pred.params)):
                c = str(args[pred.control]) if pred.control is not None else None
                self.controller[(pred.name, tuple(args))] = c
                if c is not None:
                    self.controls_something.add(c)

    def constraining_clauses(self, party: str | None) -> list[str]:
        """Clauses with an obligation or prohibition addressed to party (any party when None)."""
        return [c.id for c in self.model.clauses
                if any(n.modality != "may" and (party is None or party in n.subjects) for n in c.norms)]

    def parties_with_norms(self) -> list[str]:
        subjects = {s for n in self.model.norms if n.modality != "may" for s in n.subjects}
        return [p for p in self.model.parties if p in subjects]

    def context(self, draft: dict[str, str], readings: Readings) -> Context:
        return Context(self, draft, readings)

    def answers(self, draft_name: str | None, draft: dict[str, str], reading_name: str | None,
                readings: Readings) -> Answers:
        ctx = self.context(draft, readings)
        ans = Answers(draft_name, draft, reading_name, readings)
        model = self.model
        ans.situation_possible = bool(ctx.A)
        if not ctx.A:
            ans.contradiction = True
        else:
            ans.contradiction, ans.muses = ctx.contradiction()
        for p in self.parties_with_norms():
            ans.dilemmas[p] = ctx.dilemmas(p)
        for clause in model.clauses:
            for n in clause.norms:
                if n.modality != "may":
                    continue
                for s in n.subjects:
                    instances = ctx.instances(n, s)
                    always = any(ctx.hollow_always(i) for i in instances)
                    situation = any(ctx.hollow_situations(i) for i in instances)
                    ans.hollow[(clause.id, n.index, s)] = (always, situation)
                    # Every minimal coalition of up to `coalition_size` parties that vetoes it.
                    candidates = [b for b in model.parties if b != s and b in self.controls_something]
                    vetoers: list[set[str]] = []
                    for k in range(1, self.coalition_size + 1):
                        for coalition in combinations(candidates, k):
                            if any(v <= set(coalition) for v in vetoers):
                                continue
                            if ctx.vetoable(instances, coalition):
                                vetoers.append(set(coalition))
                                ans.vetoed[(clause.id, n.index, s, coalition)] = True
                    for coalition in ctx.self_granted(instances, s):
                        ans.self_granted[(clause.id, n.index, s, coalition)] = True
        if reading_name is None:
            for q in claimants(model):
                for clause in model.clauses:
                    for term in terms_used(clause):
                        if q not in model.terms[term].readings or readings.get(term) == q:
                            continue
                        for p in subjects(clause):
                            if p != q:
                                ans.pretext[(q, clause.id, term, p)] = bool(ctx.pretext(q, clause.id, term, p))
                for p in self.parties_with_norms():
                    if p != q:
                        ans.pretext_any[(q, p)] = ctx.pretext_any(q, p)
                # q's own reading of a term of a clause that binds q
                for clause in model.clauses:
                    if q not in subjects(clause):
                        continue
                    for term in terms_used(clause):
                        if q in model.terms[term].readings and readings.get(term) != q:
                            ans.excuse[(q, clause.id, term)] = bool(ctx.excuse(q, clause.id, term))
        for n in guarantees(model):
            clause = model.clause(n.clause)
            if not ctx.ev.holds(n.guard):
                continue  # a guarantee this draft leaves out
            assert n.protects is not None  # (a guarantee is a norm with `protects`)
            g = n.protects[0]
            # "never triggers when E happens" (vacuous_guarantee's docstring): A ∧ E ∧ T unsat.
            never = not (ctx.A & ctx.event(n) & ctx.trigger(n))
            circumstance = False if never else bool(ctx.blocking_choices(n, self.space.free()))
            ans.vacuous[(clause.id, n.index)] = (never, circumstance)
            # Every minimal coalition of up to `coalition_size` parties that blocks. A
            # guarantee that never answers its event is vacuous: nobody needs to block it.
            candidates = [b for b in model.parties if b != g and b in self.controls_something]
            blockers: list[frozenset[str]] = []
            for k in range(1, self.coalition_size + 1):
                for coalition in combinations(candidates, k):
                    if never or any(c <= set(coalition) for c in blockers):
                        continue
                    blockable, own = ctx.blocks(n, coalition)
                    if blockable:
                        blockers.append(frozenset(coalition))
                        ans.blockable[(clause.id, n.index, coalition)] = (True, own)
        for req in model.requirements:
            ans.protection[(req.party, req.index)] = ctx.protection_gap(req)
            # Blocking a protection requirement: a guarantee whose trigger is "some obligation
            # that gives the response binds a party outside the attack" (DESIGN §12, T := R obliged).
            target = ctx.protection_target(req)
            if target is None or not (ctx.A & ctx.event(target) & ctx.trigger(target)):
                continue  # no obligation ever gives it: a protection gap, nothing to block
            ans.responding[target.clause] = ctx.responding_clauses(req)
            candidates = [b for b in model.parties if b != req.party and b in self.controls_something]
            blockers = []
            for k in range(1, self.coalition_size + 1):
                for coalition in combinations(candidates, k):
                    if any(c <= set(coalition) for c in blockers):
                        continue
                    blockable, own = ctx.blocks(target, coalition, event_choice=False)
                    if blockable:
                        blockers.append(frozenset(coalition))
                        ans.blockable[(target.clause, target.index, coalition)] = (True, own)
        if reading_name is None:
            for query in model.queries:
                if query.formula is None:
                    continue
                compliant = ctx.compliant(query.breaches)
                f = ctx.ev.holds(query.formula)
                if query.kind == "assert":
                    ans.properties[(query.name, "assert")] = not (compliant & ~f)
                elif query.kind == "scenario":
                    ans.properties[(query.name, "scenario")] = bool(compliant & f)
        return ans

    def drafts(self) -> list[tuple[str | None, dict[str, str]]]:
        return drafts(self.model, self.requested_drafts)

    def all_answers(self) -> list[Answers]:
        return [self.answers(dn, d, rn, r) for dn, d in self.drafts()
                for rn, r in reading_sets(self.model, self.requested)]


def guarantees(model: Model) -> list[Norm]:
    """Every guarantee (an obligation with `protects`). In a timed spec a guarantee is one over
    its steps (verifier/checks/guarantees.py, commit 60f559d; docs/language.md does not say):
    the norm as written, its instances at every step together, answering its event when it
    triggers at some step: a `Norm` whose trigger (per subject) and event are the disjunctions
    of its instances'."""
    out = []
    for clause in model.clauses:
        groups: dict[int, list[Norm]] = {}
        for n in clause.norms:
            if n.protects is not None:
                groups.setdefault(n.group, []).append(n)
        for norms in groups.values():
            first = norms[0]
            assert first.protects is not None
            if model.horizon is None:
                out.extend(norms)
                continue
            trigger: dict[str, G] = {}
            for n in norms:
                for s in n.subjects:
                    trigger[s] = ("|", (trigger[s], n.trigger[s])) if s in trigger else n.trigger[s]
            event = disj(*(n.protects[1] for n in norms if n.protects is not None))
            out.append(Norm(first.clause, first.index, first.modality, tuple(trigger), first.act, first.open_params,
                            False, first.guard, trigger=trigger, protects=(first.protects[0], event),
                            group=first.group))
    return out


def terms_used(clause: Clause) -> list[str]:
    """The terms a clause's obligations and prohibitions mention (directly, not through another
    term's reading), in order."""
    found: list[str] = []

    def visit(f: G) -> None:
        if f[0] == "t" and f[1] not in found:
            found.append(f[1])
        for x in children(f):
            visit(x)

    for n in clause.norms:
        if n.modality == "may":
            continue
        for s in n.subjects:
            for part in (n.trigger.get(s, FALSE), n.keep.get(s, FALSE)):
                visit(part)
            for c in n.cases.get(s, ()):
                visit(c.cond)
                visit(c.where)
    return found


def subjects(clause: Clause) -> list[str]:
    return sorted({s for n in clause.norms if n.modality != "may" for s in n.subjects})


__all__ = ["Answers", "Context", "DraftError", "Oracle", "baseline", "claimants", "drafts", "reading_sets"]
