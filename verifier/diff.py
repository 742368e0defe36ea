"""Two drafts or two files -> what changes in meaning: `nverify diff A B`.

Both sides are encoded in one Z3 context: atoms with the same name are the
same variable, each side keeps its own draft selectors. For every reading set
(the baseline and each claimant's) the whole texts are classified as policy
analysers do (equivalent, B stricter, B more permissive, incomparable), with
one minimal witness per direction; then each clause, each act, each
permission, each guarantee's trigger and each pretext is compared. Every
witness is re-checked on both sides by `dsl.evaluate`. "No change in meaning"
is a proof: both difference queries are unsat.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import z3

from dsl.evaluate import Evaluator, World, bindings, compliant
from dsl.formula import Const
from dsl.model import Instrument, Modality, Norm
from dsl.symmetry import COALITION_SIZE
from verifier.budget import BudgetExhausted
from verifier.checks.context import CheckContext
from verifier.checks.pretext import claimants
from verifier.checks.pretext import run as pretext_run
from verifier.encode import Encoder, Readings
from verifier.findings import ClauseRef, Finding, Scenario
from verifier.ground import format_atom, vocabulary
from verifier.merge import listed
from verifier.minimal import witness
from verifier.pipeline import UsageError, baseline_readings, drafts_of_interest
from verifier.registry import load
from verifier.scenario import scenario_of
from verifier.session import Limits, Session
from verifier.symmetry import stands_for
from verifier.witness import WitnessError


@dataclass(frozen=True)
class SideSpec:
    """`PATH` or `PATH@DRAFT` as given on the command line."""

    path: Path
    draft: str | None

    @staticmethod
    def parse(text: str) -> SideSpec:
        if "@" in text and not Path(text).exists():
            path, draft = text.rsplit("@", 1)
            return SideSpec(Path(path), draft or None)
        return SideSpec(Path(text), None)


@dataclass
class Side:
    label: str
    instrument: Instrument
    draft_name: str | None
    draft: dict[str, str]
    encoder: Encoder


@dataclass(frozen=True)
class Difference:
    aspect: str          # "clause" | "act" | "permission" | "guarantee" | "pretext"
    subject: str         # the clause id, act name, ...
    direction: str       # plain words: "becomes a breach in B", ...
    message: str
    reading: str         # "baseline" or the claimant whose readings are in force
    scenario: Scenario | None
    clauses_a: tuple[ClauseRef, ...] = ()
    clauses_b: tuple[ClauseRef, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"aspect": self.aspect, "subject": self.subject, "direction": self.direction, "message": self.message,
                "reading": self.reading, "scenario": self.scenario.to_json() if self.scenario else None,
                "clauses_a": [c.to_json() for c in self.clauses_a], "clauses_b": [c.to_json() for c in self.clauses_b]}


@dataclass(frozen=True)
class Verdict:
    reading: str
    relation: str        # "equivalent" | "stricter" | "more permissive" | "incomparable" | "unknown"
    a_not_b: Scenario | None  # compliant in A, a breach in B
    b_not_a: Scenario | None  # compliant in B, a breach in A

    def to_json(self) -> dict[str, object]:
        return {"reading": self.reading, "relation": self.relation,
                "compliant_in_a_breach_in_b": self.a_not_b.to_json() if self.a_not_b else None,
                "compliant_in_b_breach_in_a": self.b_not_a.to_json() if self.b_not_a else None}


@dataclass
class DiffResult:
    a: str
    b: str
    verdicts: list[Verdict] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(v.relation != "equivalent" for v in self.verdicts) or bool(self.differences)

    def to_json(self) -> dict[str, object]:
        return {"version": 1, "a": self.a, "b": self.b, "verdicts": [v.to_json() for v in self.verdicts],
                "differences": [d.to_json() for d in self.differences], "changed": self.changed}


def _load(spec: SideSpec, other: SideSpec) -> tuple[Instrument | None, object]:
    # States that neither text names are compared through representatives (dsl.symmetry),
    # the same in both texts.
    loaded = load([spec.path], coalition_size=COALITION_SIZE, alongside=[other.path])
    if loaded.diagnostics.has_errors():
        return None, loaded
    if not loaded.instruments:
        raise UsageError(f"{spec.path} has no clauses to compare")
    return loaded.instruments[0], loaded


def _pick_draft(instrument: Instrument, requested: str | None) -> tuple[str | None, dict[str, str]]:
    drafts = drafts_of_interest(instrument, [requested] if requested else [])
    if requested and (not drafts or (drafts[0][0] is None and instrument.brackets)):
        raise UsageError(f"{instrument.path} has no draft `{requested}`")
    if requested and instrument.brackets and drafts[0][0] != requested and "=" not in requested:
        raise UsageError(f"{instrument.path} cannot form the draft `{requested}` (a bracket has no such alternative "
                         "and no base text)")
    return drafts[0]


class _Differ:
    def __init__(self, a: Side, b: Side, session: Session) -> None:
        self.a, self.b, self.session = a, b, session
        self.ctx = session.ctx
        self.world_b = session.formula_lit(("diff-world-b",), "world B",
                                           z3.And([*b.encoder.background, z3.BoolVal(True, self.ctx)]))

    def fixed(self, ra: Readings, rb: Readings) -> list[z3.BoolRef]:
        s = self.session
        assume_b = s.formula_lit(("diff-assume-b", tuple(sorted(rb.items()))), f"assume B {sorted(rb.items())}",
                                 z3.And([self.b.encoder.formula(x, rb) for x in self.b.instrument.assumptions]
                                        + [z3.BoolVal(True, self.ctx)]))
        return [s.world_lit(ra), self.world_b, assume_b, *self.a.encoder.draft_literals(self.a.draft),
                *self.b.encoder.draft_literals(self.b.draft)]

    def lit(self, key: tuple[object, ...], formula: z3.BoolRef) -> z3.BoolRef:
        return self.session.formula_lit(("diff", *key), "diff " + " ".join(map(str, key)), formula)

    def witness(self, hard: list[z3.BoolRef], ra: Readings, rb: Readings,
                check: Callable[[World, World], bool]) -> Scenario | str | None:
        """A minimal world for `hard`; None if none exists; a reason string if unknown (also once the
        run's time budget is spent: every comparison left is then unknown)."""
        try:
            outcome = self.session.check(hard, "diff")
            if outcome.status == "unknown":
                return outcome.reason or "unknown"
            if not outcome.sat:
                return None
            # B's formulas mention atoms, open terms and quantities A's may not (same name, same
            # variable): they are minimised too, or the witness could hold them true for nothing.
            model, minimal = witness(self.session, hard, also=(self.b.encoder,))
        except BudgetExhausted as spent:
            return str(spent)
        if model is None:
            return "no witness could be read"
        wa = _world(self.a.encoder, model, self.a.draft, self.b.encoder)
        wb = _world(self.b.encoder, model, self.b.draft, self.a.encoder)
        if not check(wa, wb):
            raise WitnessError("diff witness fails the re-check on the two texts")
        scenario = _with_b_only(scenario_of(self.session, wa, minimal=minimal), self.a.encoder, self.b.encoder, wb)
        return dataclasses.replace(scenario, stands_for=_stands_for(self.a.instrument, (wa, wb)))


def _world(enc: Encoder, model: z3.ModelRef, draft: Mapping[str, str], other: Encoder) -> World:
    """The world of one text in a model of the comparison. The two encoders share their atoms
    (by name); an atom that neither has made occurs in no formula, and is false."""
    made = [k for k in enc.atom_vars if k in enc.atom_vars.made() or k in other.atom_vars.made()]
    atoms = frozenset(k for k in made if z3.is_true(model.eval(enc.atom(k), model_completion=True)))
    quantities = {k: model.eval(v, model_completion=True).as_long() for k, v in enc.qty_vars.items()}
    terms = frozenset(k for k in {*enc.open_vars, *other.open_vars} if k[0] in enc.instrument.terms
                      and z3.is_true(model.eval(enc.open_term(k), model_completion=True)))
    return World(atoms, quantities, terms, dict(draft))


def _stands_for(instrument: Instrument, worlds: Sequence[World]) -> tuple[str, ...]:
    """What the representatives a witness names stand for: the parties that neither text names
    are compared through a few of them (the same in both texts), and a witness that names one
    holds, renamed, of every party of its class."""
    named: set[object] = set()
    for w in worlds:
        for _, args in (*w.atoms, *w.quantities, *w.open_terms):
            named.update(args)
    return tuple(stands_for(taken, c, unnamed="that neither text names") for c in instrument.symmetry
                 if (taken := [r for r in c.representatives if r in named]))


def _with_b_only(scenario: Scenario, enc_a: Encoder, enc_b: Encoder, wb: World) -> Scenario:
    """The scenario with the atoms and quantities only B declares (A's vocabulary, by which the
    scenario was written, does not know them), after A's own."""
    vocab = enc_b.vocab
    facts = [format_atom(k) for k in vocab.atoms if k in wb.atoms and k not in enc_a.atom_vars
             and vocab.kind[k[0]] == "fact"]
    acts = [format_atom(k) for k in vocab.atoms if k in wb.atoms and k not in enc_a.atom_vars
            and vocab.kind[k[0]] == "act"]
    quantities = [(format_atom(k), v) for k, v in wb.quantities.items() if v and k not in enc_a.qty_vars]
    if not (facts or acts or quantities):
        return scenario
    return dataclasses.replace(scenario, facts=(*scenario.facts, *facts), acts=(*scenario.acts, *acts),
                               quantities=(*scenario.quantities, *quantities))


def _comp(enc: Encoder, norms: list[Norm], readings: Readings) -> z3.BoolRef:
    parts = [enc.norm(n, s, readings) for n in norms for s in n.subjects]
    return z3.And(parts) if parts else z3.BoolVal(True, enc.ctx)


def _ref(instrument: Instrument, clause_id: str) -> ClauseRef:
    c = instrument.clause(clause_id)
    return ClauseRef(c.id, c.label, c.path, c.span.line, c.span.column, c.text, c.source, note=c.note)


def _norm_compliant(instrument: Instrument, world: World, readings: Readings, norms: list[Norm]) -> bool:
    ev = Evaluator(instrument, world, readings)
    from dsl.evaluate import norm_breaches

    return not any(norm_breaches(ev, n) for n in norms)


def compare(a_spec: SideSpec, b_spec: SideSpec, *, timeout_s: float = 10.0,
            limits: Limits | None = None) -> tuple[DiffResult | None, list[object]]:
    """Compare two sides; (None, load results) when either side has input errors. `limits`, if
    given, in place of the timeout alone (`--rlimit`, `--emit-smt2`)."""
    inst_a, loaded_a = _load(a_spec, b_spec)
    inst_b, loaded_b = _load(b_spec, a_spec)
    if inst_a is None or inst_b is None:
        return None, [loaded_a, loaded_b]
    ctx = z3.Context()
    da_name, da = _pick_draft(inst_a, a_spec.draft)
    db_name, db = _pick_draft(inst_b, b_spec.draft)
    enc_a = Encoder(inst_a, vocabulary(inst_a), ctx, selector_prefix="A:")
    enc_b = Encoder(inst_b, vocabulary(inst_b), ctx, selector_prefix="B:")
    _check_types(enc_a, enc_b)
    label_a = f"{inst_a.path}" + (f"@{da_name}" if da_name else "")
    label_b = f"{inst_b.path}" + (f"@{db_name}" if db_name else "")
    limits = limits or Limits(timeout_ms=int(timeout_s * 1000))
    session = Session(enc_a, limits, label="diff")
    a = Side(label_a, inst_a, da_name, da, enc_a)
    b = Side(label_b, inst_b, db_name, db, enc_b)
    differ = _Differ(a, b, session)
    result = DiffResult(label_a, label_b)
    for name, ra, rb in _reading_sets(inst_a, inst_b):
        _whole(differ, result, name, ra, rb)
        _by_clause(differ, result, name, ra, rb)
        _delays(differ, result, name, ra, rb)
        _by_act(differ, result, name, ra, rb)
        _permissions(differ, result, name, ra, rb)
        _guarantees(differ, result, name, ra, rb)
        if name == "baseline":
            _pretexts(differ, result, ra, rb)
    return result, [loaded_a, loaded_b]


def _check_types(enc_a: Encoder, enc_b: Encoder) -> None:
    for name, pa in enc_a.instrument.predicates.items():
        pb = enc_b.instrument.predicates.get(name)
        if pb is not None and (pa.kind != pb.kind or [p.type for p in pa.params] != [p.type for p in pb.params]):
            raise UsageError(f"`{name}` is declared differently in the two texts; compare texts over the same world")


def _reading_sets(a: Instrument, b: Instrument) -> list[tuple[str, Readings, Readings]]:
    ra, rb = baseline_readings(a, []), baseline_readings(b, [])
    out: list[tuple[str, Readings, Readings]] = [("baseline", ra, rb)]
    for q in sorted(set(claimants(a)) | set(claimants(b)), key=lambda p: (a.parties + b.parties).index(p)):
        qa = {t: (q if a.terms[t].reading(q) else r) for t, r in ra.items()}
        qb = {t: (q if b.terms[t].reading(q) else r) for t, r in rb.items()}
        if qa != ra or qb != rb:
            out.append((q, qa, qb))
    return out


def _whole(d: _Differ, result: DiffResult, name: str, ra: Readings, rb: Readings) -> None:
    comp_a = _comp(d.a.encoder, list(d.a.instrument.norms), ra)
    comp_b = _comp(d.b.encoder, list(d.b.instrument.norms), rb)
    fixed = d.fixed(ra, rb)
    ab = d.witness([*fixed, d.lit(("whole", name, "a"), comp_a), d.lit(("whole", name, "not b"), z3.Not(comp_b))],
                   ra, rb, lambda wa, wb: compliant(d.a.instrument, wa, ra) and not compliant(d.b.instrument, wb, rb))
    ba = d.witness([*fixed, d.lit(("whole", name, "b"), comp_b), d.lit(("whole", name, "not a"), z3.Not(comp_a))],
                   ra, rb, lambda wa, wb: compliant(d.b.instrument, wb, rb) and not compliant(d.a.instrument, wa, ra))
    if isinstance(ab, str) or isinstance(ba, str):
        result.verdicts.append(Verdict(name, "unknown", None, None))
        return
    relation = {(False, False): "equivalent", (True, False): "stricter", (False, True): "more permissive",
                (True, True): "incomparable"}[(ab is not None, ba is not None)]
    result.verdicts.append(Verdict(name, relation, ab, ba))


def _pairwise(d: _Differ, result: DiffResult, name: str, ra: Readings, rb: Readings, aspect: str, subject: str,
              fa: z3.BoolRef, fb: z3.BoolRef, check_a: Callable[[World], bool], check_b: Callable[[World], bool],
              words: tuple[str, str], refs_a: tuple[ClauseRef, ...], refs_b: tuple[ClauseRef, ...]) -> None:
    """Report worlds where fa holds and fb does not (words[0]) and the reverse (words[1])."""
    fixed = d.fixed(ra, rb)
    for direction, (x, y) in zip(words, ((fa, fb), (fb, fa)), strict=True):
        first = direction == words[0]
        scenario = d.witness([*fixed, d.lit((aspect, subject, name, direction, "x"), x),
                              d.lit((aspect, subject, name, direction, "not y"), z3.Not(y))], ra, rb,
                             (lambda wa, wb: check_a(wa) and not check_b(wb)) if first
                             else (lambda wa, wb: check_b(wb) and not check_a(wa)))
        if scenario is None:
            continue
        if isinstance(scenario, str):
            result.differences.append(Difference(aspect, subject, "unknown", f"the solver gave up comparing {subject} "
                                                 f"({scenario})", name, None, refs_a, refs_b))
            continue
        prefix = "" if name == "baseline" else f"under {name}'s reading, "
        result.differences.append(Difference(aspect, subject, direction, prefix + f"{subject}: {direction}", name,
                                             scenario, refs_a, refs_b))


def _by_clause(d: _Differ, result: DiffResult, name: str, ra: Readings, rb: Readings) -> None:
    ids_a = [c.id for c in d.a.instrument.clauses]
    ids_b = [c.id for c in d.b.instrument.clauses]
    for cid in [*ids_a, *(i for i in ids_b if i not in ids_a)]:
        na = [n for n in d.a.instrument.clause(cid).norms if n.modality is not Modality.MAY] if cid in ids_a else []
        nb = [n for n in d.b.instrument.clause(cid).norms if n.modality is not Modality.MAY] if cid in ids_b else []
        if not na and not nb:
            continue
        refs_a = (_ref(d.a.instrument, cid),) if cid in ids_a else ()
        refs_b = (_ref(d.b.instrument, cid),) if cid in ids_b else ()
        _pairwise(d, result, name, ra, rb, "clause", cid, _comp(d.a.encoder, na, ra), _comp(d.b.encoder, nb, rb),
                  _complies(d.a.instrument, ra, na), _complies(d.b.instrument, rb, nb),
                  ("conduct compliant with A becomes a breach in B", "conduct in breach of A becomes compliant in B"),
                  refs_a, refs_b)


def _delays(d: _Differ, result: DiffResult, name: str, ra: Readings, rb: Readings) -> None:
    """A deadline of a clause in both texts whose delay changed (DESIGN 13): `B lets pb wait
    7 days instead of 3`, with a timeline where the act comes in time for the longer delay and
    late for the shorter. A change no world can tell apart (the event never happens, say) is
    no difference."""
    ha, hb = d.a.instrument.horizon, d.b.instrument.horizon
    if ha is None or hb is None:
        return
    ids_b = {c.id for c in d.b.instrument.clauses}
    for clause in d.a.instrument.clauses:
        if clause.id not in ids_b:
            continue
        unmatched = list(d.b.instrument.clause(clause.id).deadlines())
        for na in clause.deadlines():
            # The same deadline in B: the same act owed by the same parties.
            nb = next((x for x in unmatched if (x[0].act, x[0].subjects) == (na[0].act, na[0].subjects)), None)
            if nb is None:
                continue
            unmatched.remove(nb)
            _delay(d, result, name, ra, rb, clause.id, na, nb)


def _delay(d: _Differ, result: DiffResult, name: str, ra: Readings, rb: Readings, clause_id: str,
           na: tuple[Norm, ...], nb: tuple[Norm, ...]) -> None:
    """One deadline in A (`na`, its instances) and in B (`nb`)."""
    ha, hb = d.a.instrument.horizon, d.b.instrument.horizon
    assert ha is not None and hb is not None
    da, db = na[0].delay, nb[0].delay
    assert da is not None and db is not None
    if da == db:
        return
    who = listed(list(na[0].subjects), last="and")
    longer = db > da
    verb = "lets" if longer else "gives"
    message = (f"{clause_id}: B {verb} {who} {'wait ' if longer else ''}{hb.units(db)} instead of {da} "
               f"to {na[0].act} (A: within {ha.units(da)} of the event, B: within {hb.units(db)})")
    direction = "longer delay in B" if longer else "shorter delay in B"
    # One event, at a step t where both deadlines fall due within the timelines, and a party
    # that acts in time for the longer delay and late for the shorter (a deadline that falls
    # due past the end of a timeline is not checked: it would show no act at all).
    by_trigger_a = {n.step - da: n for n in na if n.step is not None}
    by_trigger_b = {n.step - db: n for n in nb if n.step is not None}
    cases = []
    for t in sorted(set(by_trigger_a) & set(by_trigger_b)):
        xa, xb = by_trigger_a[t], by_trigger_b[t]
        for s in xa.subjects:
            if s not in xb.subjects:
                continue
            owed = d.b.encoder.formula(xb.condition, rb, {xb.subject_var: s}) if longer \
                else d.a.encoder.formula(xa.condition, ra, {xa.subject_var: s})
            in_a, in_b = d.a.encoder.norm(xa, s, ra), d.b.encoder.norm(xb, s, rb)
            cases.append(z3.And(owed, in_b, z3.Not(in_a)) if longer else z3.And(owed, in_a, z3.Not(in_b)))
    if not cases:
        return
    ok_a, ok_b = _complies(d.a.instrument, ra, list(na)), _complies(d.b.instrument, rb, list(nb))
    scenario = d.witness([*d.fixed(ra, rb), d.lit(("delay", clause_id, na[0].index, name), z3.Or(cases))], ra, rb,
                         (lambda wa, wb: not ok_a(wa)) if longer else (lambda wa, wb: not ok_b(wb)))
    refs = ((_ref(d.a.instrument, clause_id),), (_ref(d.b.instrument, clause_id),))
    prefix = "" if name == "baseline" else f"under {name}'s reading, "
    if scenario is None:
        return
    if isinstance(scenario, str):
        result.differences.append(Difference("delay", clause_id, "unknown", f"the solver gave up comparing "
                                             f"the delay of {clause_id} ({scenario})", name, None, *refs))
        return
    result.differences.append(Difference("delay", clause_id, direction, prefix + message, name, scenario, *refs))


def _complies(instrument: Instrument, readings: Readings, norms: list[Norm]) -> Callable[[World], bool]:
    return lambda w: _norm_compliant(instrument, w, readings, norms)


def _by_act(d: _Differ, result: DiffResult, name: str, ra: Readings, rb: Readings) -> None:
    acts = [p.name for p in d.a.instrument.predicates.values() if p.kind == "act"]
    acts += [p.name for p in d.b.instrument.predicates.values() if p.kind == "act" and p.name not in acts]
    for act in acts:
        na = [n for n in d.a.instrument.norms if n.act == act and n.modality is not Modality.MAY]
        nb = [n for n in d.b.instrument.norms if n.act == act and n.modality is not Modality.MAY]
        if not na and not nb:
            continue
        refs_a = tuple(_ref(d.a.instrument, c) for c in dict.fromkeys(n.clause for n in na))
        refs_b = tuple(_ref(d.b.instrument, c) for c in dict.fromkeys(n.clause for n in nb))
        _pairwise(d, result, name, ra, rb, "act", act, _comp(d.a.encoder, na, ra), _comp(d.b.encoder, nb, rb),
                  _complies(d.a.instrument, ra, na), _complies(d.b.instrument, rb, nb),
                  ("what A allows becomes a breach in B", "what A forbids becomes allowed in B"), refs_a, refs_b)


def _gained(in_a: Callable[[World], set[object]], in_b: Callable[[World], set[object]]) -> Callable[[World, World], bool]:
    return lambda wa, wb: bool(in_b(wb) - in_a(wa))


def _lost(in_a: Callable[[World], set[object]], in_b: Callable[[World], set[object]]) -> Callable[[World, World], bool]:
    return lambda wa, wb: bool(in_a(wa) - in_b(wb))


def _grants(enc: Encoder, norms: list[Norm], readings: Readings) -> dict[tuple[object, ...], list[z3.BoolRef]]:
    """Act instance -> the formulas under which a permission grants it."""
    out: dict[tuple[object, ...], list[z3.BoolRef]] = {}
    for n in norms:
        for s in n.subjects:
            for bnd in bindings(n):
                env = {n.subject_var: s, **bnd}
                key = (n.act, (s, *(t.value if isinstance(t, Const) else env[t.name] for t in n.pattern)))
                granted = z3.And(enc.formula(n.condition, readings, env), enc.formula(n.where, readings, env))
                out.setdefault(key, []).append(granted)
    return out


def _permissions(d: _Differ, result: DiffResult, name: str, ra: Readings, rb: Readings) -> None:
    from dsl.evaluate import permitted_instances

    acts = sorted({n.act for n in (*d.a.instrument.norms, *d.b.instrument.norms)
                   if n.modality is Modality.MAY and n.act is not None})
    for act in acts:
        pa = [n for n in d.a.instrument.norms if n.act == act and n.modality is Modality.MAY]
        pb = [n for n in d.b.instrument.norms if n.act == act and n.modality is Modality.MAY]
        ga, gb = _grants(d.a.encoder, pa, ra), _grants(d.b.encoder, pb, rb)
        false = z3.BoolVal(False, d.ctx)
        keys = list(dict.fromkeys([*ga, *gb]))
        # Some instance granted by one text and not by the other.
        more = z3.Or([z3.And(z3.Or(gb.get(k, [false])), z3.Not(z3.Or(ga.get(k, [false])))) for k in keys] or [false])
        less = z3.Or([z3.And(z3.Or(ga.get(k, [false])), z3.Not(z3.Or(gb.get(k, [false])))) for k in keys] or [false])

        def granted(inst: Instrument, norms: list[Norm], readings: Readings) -> Callable[[World], set[object]]:
            return lambda w: {i for n in norms for i in permitted_instances(inst, n, w, readings)}

        grant_a, grant_b = granted(d.a.instrument, pa, ra), granted(d.b.instrument, pb, rb)
        refs_a = tuple(_ref(d.a.instrument, c) for c in dict.fromkeys(n.clause for n in pa))
        refs_b = tuple(_ref(d.b.instrument, c) for c in dict.fromkeys(n.clause for n in pb))
        fixed = d.fixed(ra, rb)
        for direction, formula, check in (
                ("permitted in B, not in A", more, _gained(grant_a, grant_b)),
                ("permitted in A, no longer in B", less, _lost(grant_a, grant_b))):
            scenario = d.witness([*fixed, d.lit(("permission", act, name, direction), formula)], ra, rb, check)
            if scenario is None or isinstance(scenario, str):
                continue
            prefix = "" if name == "baseline" else f"under {name}'s reading, "
            result.differences.append(Difference("permission", act, direction, prefix + f"{act}: {direction}", name,
                                                 scenario, refs_a, refs_b))


def _guarantees(d: _Differ, result: DiffResult, name: str, ra: Readings, rb: Readings) -> None:
    def triggers(side: Side, readings: Readings) -> dict[str, tuple[z3.BoolRef, Norm]]:
        out = {}
        for n in side.instrument.norms:
            if n.protects is not None:
                t = z3.Or([side.encoder.formula(n.condition, readings, {n.subject_var: s}) for s in n.subjects])
                out[f"{n.clause}#{n.index}"] = (t, n)
        return out

    ta, tb = triggers(d.a, ra), triggers(d.b, rb)
    for key in [*ta, *(k for k in tb if k not in ta)]:
        false = z3.BoolVal(False, d.ctx)
        fa, na = ta.get(key, (false, None))
        fb, nb = tb.get(key, (false, None))

        def holds(inst: Instrument, norm: Norm | None, readings: Readings) -> Callable[[World], bool]:
            if norm is None:
                return lambda w: False
            return lambda w: any(Evaluator(inst, w, readings).holds(norm.condition, {norm.subject_var: s})
                                 for s in norm.subjects)

        clause = key.split("#")[0]
        refs_a = (_ref(d.a.instrument, clause),) if na is not None else ()
        refs_b = (_ref(d.b.instrument, clause),) if nb is not None else ()
        _pairwise(d, result, name, ra, rb, "guarantee", clause, fa, fb, holds(d.a.instrument, na, ra),
                  holds(d.b.instrument, nb, rb), ("the guarantee stops triggering in B", "the guarantee starts triggering in B"),
                  refs_a, refs_b)


def _pretexts(d: _Differ, result: DiffResult, ra: Readings, rb: Readings) -> None:
    def found(side: Side, readings: Readings, name: str) -> dict[tuple[str, Any, str | None, Any], Finding]:
        # Each side's pretexts in a session of its own: the check is the one `nverify` runs (with
        # the world's fixed atoms folded, as `verifier.pipeline` does: one world, always assumed).
        session = Session(Encoder(side.instrument, vocabulary(side.instrument), z3.Context(), fold_world=True),
                          d.session.limits, label=f"diff-{name}-pretexts")
        ctx = CheckContext(side.instrument, session, readings, side.draft_name, side.draft)
        out: dict[tuple[str, Any, str | None, Any], Finding] = {}
        for f in pretext_run(ctx):
            det = dict(f.details)
            out[(f.clauses[0].id if f.clauses else "", det.get("term"), f.party, det.get("against"))] = f
        return out

    try:
        pa, pb = found(d.a, ra, "A"), found(d.b, rb, "B")
    except BudgetExhausted as spent:
        result.differences.append(Difference("pretext", "", "unknown", f"the solver gave up comparing pretexts "
                                             f"({spent}); nothing is proved either way", "baseline", None))
        return
    for key in [*pa, *(k for k in pb if k not in pa)]:
        if key in pa and key in pb:
            continue
        f = pa[key] if key in pa else pb[key]
        clause, term, claimant, against = key
        direction = "the pretext disappears in B" if key in pa else "a pretext appears in B"
        message = f"{claimant} reading `{term}` against {against} under {clause}: {direction}"
        result.differences.append(Difference("pretext", str(clause), direction, message, "baseline",
                                             f.scenario, tuple(f.clauses) if key in pa else (),
                                             tuple(f.clauses) if key in pb else ()))


__all__ = ["DiffResult", "SideSpec", "compare"]
