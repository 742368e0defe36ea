"""Differential comparison: nverify's findings against the oracle's answers, check by check.

`compare_text(text)` (or `compare_files` for a spec with imports) writes the
spec to a temporary folder, loads it with nverify and runs
`verifier.pipeline.check_instrument` while recording every CheckContext it
creates (one per draft and reading set); the oracle reads the same text with
its own front end (`tests.oracle.front`). Each context's raw findings are
compared with `Oracle.answers` for the same draft and reading set:

* the same findings present and absent, per check and party/clause;
* every reported scenario is a world the oracle agrees is a witness;
* every reported clause set (MUS, dilemma set, blocking core, ruling-out core)
  is really minimal; every reported choice (a veto, a blocking choice, a
  circumstance) really forces what the finding says;
* assert/scenario outcomes and expect/assert-no outcomes of the final report.

The result lists disagreements as plain strings; `checks` counts what was compared.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dsl import load
from dsl.model import Instrument
from dsl.symmetry import COALITION_SIZE
from tests.oracle.front import Key, Model, Norm, Value, read_model
from tests.oracle.oracle import Answers, Context, Instance, Oracle, guarantees
from tests.oracle.predict import matches, predicted_findings
from tests.oracle.space import Space, Unsupported, World

if TYPE_CHECKING:
    from verifier.checks import CheckContext
    from verifier.findings import Expectation, Finding, Scenario

MAX_FINDINGS = 8


@dataclass
class Result:
    checks: int = 0
    disagreements: list[str] = field(default_factory=list)
    design: list[str] = field(default_factory=list)  # deviations from DESIGN §10 beyond the docstrings
    skipped: str | None = None  # why the spec could not be compared (oracle unsupported, load error)

    def add(self, ok: bool, message: str) -> None:
        self.checks += 1
        if not ok:
            self.disagreements.append(message)


# ---- running nverify with the contexts recorded ---------------------------------------------

@contextmanager
def recording() -> Iterator[list[CheckContext]]:
    # pipeline makes each context by the name CheckContext, which its __all__ does not export:
    # replaced there (the type: ignores) by a subclass that records every instance.
    from verifier import pipeline
    from verifier.checks import CheckContext

    seen: list[CheckContext] = []
    original = pipeline.CheckContext  # type: ignore[attr-defined]

    class Recorded(CheckContext):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            seen.append(self)

    pipeline.CheckContext = Recorded  # type: ignore[attr-defined]
    try:
        yield seen
    finally:
        pipeline.CheckContext = original  # type: ignore[attr-defined]


def load_files(files: dict[str, str], root: str) -> tuple[Instrument | None, str]:
    """nverify's instrument for `root`, the files written to a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in files.items():
            path = Path(tmp) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        loaded = load([Path(tmp) / root])
        if loaded.diagnostics.has_errors():
            from dsl.render import render_diagnostic
            return None, "\n".join(render_diagnostic(d, loaded.sources) for d in loaded.diagnostics.sorted())
        if not loaded.instruments:
            return None, "no instrument"
        return loaded.instruments[0], ""


def load_text(text: str, name: str = "gen.nv") -> tuple[Instrument | None, str]:
    return load_files({name: text}, name)


def compare_text(text: str, timeout_s: float = 60.0, readings: tuple[str, ...] = (),
                 drafts: tuple[str, ...] = ()) -> Result:
    return compare_files({"gen.nv": text}, "gen.nv", timeout_s, readings, drafts)


def compare_files(files: dict[str, str], root: str, timeout_s: float = 60.0, readings: tuple[str, ...] = (),
                  drafts: tuple[str, ...] = (), coalition_size: int = COALITION_SIZE) -> Result:
    """Compare every check on the instrument of `root`; `readings`, `drafts` and `coalition_size`
    are --reading, --draft and --coalition-size options for both sides."""
    instrument, errors = load_files(files, root)
    if instrument is None:
        return Result(disagreements=[f"generated spec does not load:\n{errors}"])
    return compare(instrument, read_model(files, root), timeout_s, readings, drafts, coalition_size)


def compare(instrument: Instrument, model: Model, timeout_s: float = 60.0, readings: tuple[str, ...] = (),
            drafts: tuple[str, ...] = (), coalition_size: int = COALITION_SIZE) -> Result:
    """nverify on `instrument` against the oracle on `model` (the same spec, read by each side)."""
    from verifier.pipeline import Options, check_instrument

    result = Result()
    try:
        oracle = Oracle(model, readings, drafts, coalition_size=coalition_size)
        answers = {(a.draft_name, a.reading_name): a for a in oracle.all_answers()}
    except Unsupported as err:
        result.skipped = str(err)
        return result
    with recording() as contexts:
        findings, expectations, _ = check_instrument(instrument, Options(readings=list(readings), drafts=list(drafts),
                                                                         timeout_s=timeout_s, max_findings=MAX_FINDINGS,
                                                                         coalition_size=coalition_size))
    got = {(c.draft_name, c.reading_name) for c in contexts}
    result.add(got == set(answers), f"contexts checked {sorted(map(str, got))}, oracle {sorted(map(str, answers))}")
    for c in contexts:
        key = (c.draft_name, c.reading_name)
        if key in answers:
            _Compare(oracle, answers[key], c, result, answers.get((c.draft_name, None))).run()
    _properties(oracle, answers, findings, expectations, result)
    _expectations(oracle, answers, contexts, expectations, result)
    return result


# ---- one context ------------------------------------------------------------------------------

# A choice phrase: `agrees(ru) = false, q(ua) = 3`; in a timed spec each item with its steps,
# `agrees(ru) = false at day 0, day 1 and day 2` (or one step before the value: `agrees(ru) at
# day 2 = false`, `agrees(ru) @2 = false`).
CHOICE_PART = re.compile(r", (?=(?:term )?[A-Za-z][A-Za-z0-9_]*\()")
CHOICE = re.compile(r"((?:term )?[A-Za-z][A-Za-z0-9_]*\([^()]*\))(?: (@-?\d+|at [^=]+?))? = ([A-Za-z0-9_]+)(?: at (.+))?")


def choice_items(phrase: str) -> list[tuple[str, str]]:
    """(how a scenario names the atom, its value) for each item of a choice phrase."""
    out = []
    for part in CHOICE_PART.split(phrase):
        m = CHOICE.fullmatch(part.strip())
        if m is None:
            continue
        atom, step, value, steps = m.groups()
        if step is not None:
            out.append((f"{atom} {step}", value))
        elif steps is not None:
            out += [(f"{atom} at {label}", value) for label in re.split(r", | and ", steps)]
        else:
            out.append((atom, value))
    return out


class _Compare:
    def __init__(self, oracle: Oracle, ans: Answers, ctx: CheckContext, result: Result,
                 base: Answers | None = None) -> None:
        # Under a claimant's readings, a question whose formulas are the baseline's is not asked
        # again (CheckContext.same_as_baseline): silence there is right when the answer is the same.
        self.base = base if ans.reading_name is not None else None
        self.oracle = oracle
        self.inst = oracle.model
        self.sp: Space = oracle.space
        self.ans = ans
        self.cx: Context = oracle.context(ans.draft, ans.readings)
        self.findings = list(ctx.findings)
        self.result = result
        self.where = f"[draft {ans.draft_name}, reading {ans.reading_name or 'baseline'}]"
        self.names = scenario_names(self.inst)

    def add(self, ok: bool, message: str) -> None:
        self.result.add(ok, f"{self.where} {message}")

    def same(self, field: str, key: object) -> bool:
        """Under a claimant's readings: does the oracle answer this question as for the baseline?"""
        if self.base is None:
            return False
        mine, theirs = getattr(self.ans, field), getattr(self.base, field)
        return mine.get(key) == theirs.get(key)  # type: ignore[no-any-return]

    def of(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind.value == kind]

    def run(self) -> None:
        self.add(not self.of("unknown"), f"unknown findings: {[f.message for f in self.of('unknown')]}")
        self.contradiction()
        self.conflict()
        self.hollow()
        self.pretext()
        self.excuse()
        self.self_granted()
        self.guarantees()
        self.protection()

    # ---- worlds of findings --------------------------------------------------------------
    def world(self, scenario: Scenario | None) -> int | None:
        if scenario is None:
            return None
        atoms = frozenset(self.names[s] for s in (*scenario.facts, *scenario.acts))
        for name, args in atoms:
            self.add(self.inst.predicates[name].exists(args),
                     f"scenario has {name}{args}, which does not exist (`other party`): {scenario}")
        qty = {self.names[q]: v for q, v in scenario.quantities}
        terms = frozenset(self.names["term " + t] for t in scenario.terms)
        if self.inst.horizon is not None:
            self.timeline(scenario)
        return self.sp.world_index(World(atoms, qty, terms))

    def timeline(self, scenario: Scenario) -> None:
        """A timed witness's timeline (docs/language.md, "Witnesses are timelines"): what holds
        at each step where something changes (facts, acts, non-zero quantities, open wording
        read as true), the horizon checked, and the JSON's `steps` and `horizon` saying the same."""
        h = self.inst.horizon
        assert h is not None
        at: dict[str, set[str]] = {h.label(t): set() for t in h.steps}
        for item in (*scenario.facts, *scenario.acts):
            bare, _, label = item.partition(" at ")
            at[label].add(bare)
        for item, v in scenario.quantities:
            bare, _, label = item.partition(" at ")
            if v:
                at[label].add(f"{bare} = {v:,}")
        for item in scenario.terms:
            bare, _, label = item.partition(" at ")
            at[label].add(f"{bare} (open wording read as true)")
        want: list[tuple[str, set[str]]] = []
        before: set[str] = set()
        for t in h.steps:
            if at[h.label(t)] != before:
                want.append((h.label(t), at[h.label(t)]))
            before = at[h.label(t)]
        got = [(label, set(items)) for label, items in scenario.timeline]
        phrase = f"{h.label(h.first)} to {h.label(h.last)}" if not h.names else \
            ", ".join(h.names[:-1]) + (" and " if len(h.names) > 1 else "") + h.names[-1]
        as_json = scenario.to_json()
        self.add(got == want and scenario.horizon == phrase == as_json["horizon"]
                 and as_json["steps"] == [{"step": label, "holds": list(items)}
                                          for label, items in scenario.timeline],
                 f"timeline {scenario.timeline} over {scenario.horizon!r}: expected {want} over {phrase!r}")

    def choice(self, phrase: str) -> int:
        """The worlds that agree with a choice phrase (`agrees(ru) = false, q(ua) = 3`)."""
        s = self.sp.ALL
        for name, value in choice_items(phrase):
            key = self.names.get(name)
            if key is None:
                raise AssertionError(f"cannot read {name!r} in choice {phrase!r}")
            kinds = ("term",) if name.startswith("term ") else ("atom", "quantity")
            i = next((self.sp.index[(k, key)] for k in kinds if (k, key) in self.sp.index), None)
            if i is None:
                continue  # an atom no formula mentions: it cannot matter
            var = self.sp.vars[i]
            if var.kind == "quantity":
                k = max(j for j, rep in enumerate(var.values) if rep <= int(value))  # type: ignore[operator]
            else:
                k = 1 if value == "true" else 0
            s &= self.sp.mask(i, k)
        return s

    # ---- contradiction ---------------------------------------------------------------------
    def contradiction(self) -> None:
        reported = [frozenset(c.id for c in f.clauses) for f in self.of("contradiction")]
        if not self.ans.situation_possible:
            self.add(reported == [frozenset()], f"assumptions are contradictory; reported {reported}")
            return
        muses = self.ans.muses
        if not self.ans.contradiction:
            self.add(not reported, f"no contradiction exists; reported {_sets(reported)}")
            return
        self.add(set(reported) <= muses, f"contradiction sets {_sets(reported)} are not all MUSes {_sets(muses)}")
        if len(muses) <= MAX_FINDINGS:
            self.add(set(reported) == muses, f"contradiction: reported {_sets(reported)}, all MUSes {_sets(muses)}")
        else:
            self.add(len(set(reported)) == MAX_FINDINGS, f"contradiction: {len(reported)} of {len(muses)} MUSes")
            counts = {dict(f.details).get("sets_shown") for f in self.of("contradiction")}
            self.add(counts in ({f"{MAX_FINDINGS} of {len(muses)}"}, {f"{MAX_FINDINGS} of at least {len(muses)}"})
                     if len(muses) < 4 * MAX_FINDINGS else len(counts) == 1 and None not in counts,
                     f"contradiction: {len(muses)} MUSes, the findings say {counts}")
        for f in self.of("contradiction"):
            self.add(f.minimal, f"contradiction {f.message} not marked minimal")

    # ---- conflict ------------------------------------------------------------------------------
    def conflict(self) -> None:
        # Every MUS is a contradiction, reported or past --max-findings: never a conflict.
        contradictions = set(self.ans.muses) if self.ans.situation_possible else set()
        for p, minimal in self.ans.dilemmas.items():
            found = [f for f in self.of("conflict") if f.party == p]
            reported = {frozenset(c.id for c in f.clauses) for f in found}
            expected = minimal - contradictions
            if not reported and self.same("dilemmas", p):
                continue
            self.add(reported <= minimal, f"conflict for {p}: {_sets(reported)} are not minimal dilemma sets "
                                          f"{_sets(minimal)}")
            if len(minimal) <= MAX_FINDINGS:
                self.add(reported == expected, f"conflict for {p}: reported {_sets(reported)}, "
                                               f"expected {_sets(expected)}")
            for f in found:
                d = frozenset(c.id for c in f.clauses)
                w = self.world(f.scenario)
                if w is None:
                    continue
                self.add(self.sp.member(self.cx.dilemma(p, d), w),
                         f"conflict scenario for {p} on {sorted(d)} is not a dilemma situation: {f.scenario}")

    # ---- permissions ----------------------------------------------------------------------------
    def _instance(self, clause: str, subject: str, act: str) -> list[Instance]:
        out = []
        for n in self.inst.clause(clause).norms:
            if n.modality != "may" or subject not in n.subjects:
                continue
            for i in self.cx.instances(n, subject):
                if i.key is None:  # a `keep` permission: one instance per norm
                    if act.startswith("keep ") or act == "maintain what it permits":
                        out.append(i)
                elif act_phrase(self.inst, i.key) == act:
                    out.append(i)
        return out

    def hollow(self) -> None:
        plain = [f for f in self.of("hollow-permission") if not dict(f.details).get("veto")]
        vetoes = [f for f in self.of("hollow-permission") if dict(f.details).get("veto")]
        hollow_keys = {(f.clauses[0].id, f.party) for f in plain}
        # presence, per (clause, subject): one finding per hollow norm
        expected: dict[tuple[str, str], list[tuple[bool, bool]]] = {}
        for (clause, _, s), (always, situation) in self.ans.hollow.items():
            if situation or always:
                expected.setdefault((clause, s), []).append((always, situation))
        keys = {(c, s) for (c, _, s) in self.ans.hollow}
        for clause, s in sorted(keys):
            got = [f for f in plain if f.clauses[0].id == clause and f.party == s]
            want = expected.get((clause, s), [])
            # A permission whose question is the baseline's may be skipped under a claimant's readings.
            needed = [k for k, v in self.ans.hollow.items() if (k[0], k[2]) == (clause, s) and any(v)
                      and not self.same("hollow", k)]
            if len(got) != len(want) and len(needed) <= len(got) <= len(want):
                continue
            self.add(len(got) == len(want), f"hollow-permission {clause} for {s}: {len(got)} findings, "
                                            f"oracle {len(want)} hollow norms")
            self.add(sorted(bool(dict(f.details)["always"]) for f in got)
                     == sorted(a for a, _ in want) or len(got) != len(want),
                     f"hollow-permission {clause} for {s}: always flags {[dict(f.details)['always'] for f in got]}, "
                     f"oracle {[a for a, _ in want]}")
        for f in plain:
            self._check_hollow(f)
        veto_keys = {(k[0], k[2], k[3]) for k in self.ans.vetoed} | \
            {(f.clauses[0].id, dict(f.details)["holder"], _members(f)) for f in vetoes}
        for clause, holder, b in sorted(veto_keys):
            if (clause, holder) in hollow_keys:
                continue
            found = [f for f in vetoes if f.clauses[0].id == clause and _members(f) == b
                     and dict(f.details)["holder"] == holder]
            wanted = sum(1 for (c2, _, h2, b2), v in self.ans.vetoed.items()
                         if (c2, h2, b2) == (clause, holder, b) and v)
            least = sum(1 for k, v in self.ans.vetoed.items() if (k[0], k[2], k[3]) == (clause, holder, b) and v
                        and not (self.same("vetoed", k) and self.same("hollow", (k[0], k[1], k[2]))))
            if len(found) != wanted and least <= len(found) <= wanted:
                continue
            self.add(len(found) == wanted, f"vetoed permission {clause} of {holder} by {'+'.join(b)}: {len(found)} "
                                           f"findings, oracle {wanted}")
        for f in vetoes:
            self._check_veto(f)

    def _check_hollow(self, f: Finding) -> None:
        details = dict(f.details)
        clause, p = f.clauses[0].id, _party(f)
        instances = self._instance(clause, p, details["act"])
        self.add(bool(instances), f"hollow-permission {clause}: no instance {details['act']}")
        if not instances:
            return
        blocking = frozenset(c.id for c in f.clauses if c.role == "blocking")
        own = clause in self.oracle.constraining_clauses(p)
        candidates = [blocking] + ([blocking | {clause}] if own else [])
        w = self.world(f.scenario)
        ok = False
        for inst in instances:
            for b in candidates:
                if details["always"]:
                    comp = self.cx.comp(p, b)
                    unsat = not (self.cx.A & inst.cond & inst.use & comp)
                    minimal = all(self.cx.A & inst.cond & inst.use & self.cx.comp(p, b - {c}) for c in b)
                    good = self.cx.hollow_always(inst) and unsat and (minimal or not f.minimal)
                else:
                    good = bool(self.cx.hollow_situations(inst))
                    if w is not None:
                        # The scenario fixes the part of the situation that forces the breach
                        # (any completion of it blocks the act with these clauses); the rest is
                        # minimal, so p need not be able to comply in it.
                        x = self.sp.controlled_by(p)
                        blocked = self.sp.exists(self.cx.A & inst.cond & inst.use & self.cx.comp(p, b), x)
                        good = good and not self.sp.member(blocked, w)
                if w is not None:
                    good = good and self.sp.member(self.cx.A & inst.cond & inst.use, w)
                ok = ok or good
        self.add(ok, f"hollow-permission {clause} for {p} ({details['act']}, always={details['always']}, "
                     f"blocking {sorted(blocking)}) is not confirmed; scenario {f.scenario}")

    def _check_veto(self, f: Finding) -> None:
        details = dict(f.details)
        clause, b, holder = f.clauses[0].id, f.party, details["holder"]
        choice = self.choice(details["choice"])
        ok = False
        for inst in self._instance(clause, holder, details["act"]):
            comp = self.cx.comp(holder, self.oracle.constraining_clauses(holder))
            ok = ok or (bool(choice & self.cx.A) and not (choice & self.cx.A & inst.cond & inst.use & comp)
                        and self.cx.usable(inst))
        self.add(ok, f"veto of {clause} ({holder}) by {b} with {details['choice']!r} is not confirmed")

    # ---- self-granted permissions ------------------------------------------------------------------
    def self_granted(self) -> None:
        # Under a claimant's readings a permission whose question is the baseline's may be left
        # out (the baseline reports it): the findings lie between those needed here and all.
        found = self.of("self-granted-permission")
        got = Counter((f.clauses[0].id, dict(f.details)["holder"], _members(f)) for f in found)
        want = Counter((c, h, b) for (c, _, h, b), v in self.ans.self_granted.items() if v)
        needed = Counter((c, h, b) for (c, i, h, b), v in self.ans.self_granted.items()
                         if v and not self.same("self_granted", (c, i, h, b)))
        for key in sorted(set(got) | set(want)):
            message = (f"self-granted-permission {key[0]} of {key[1]} by {'+'.join(key[2])}: {got[key]} findings, "
                       f"oracle {want[key]} (at least {needed[key]})")
            self.add(needed[key] <= got[key] <= want[key], message)
        for f in found:
            self._check_self_grant(f)

    def _check_self_grant(self, f: Finding) -> None:
        """The choice forces the condition of the act named, the coalition can comply with it,
        and the scenario shows the choice, the members complying and the permission in force."""
        details = dict(f.details)
        clause, holder, members = f.clauses[0].id, details["holder"], _members(f)
        choice = self.choice(details["choice"])
        comp = self.sp.ALL
        for p in members:
            comp &= self.cx.comp(p, self.oracle.constraining_clauses(p))
        w = self.world(f.scenario)
        ok = False
        for inst in self._instance(clause, holder, details["act"]):
            good = bool(choice & self.cx.A & comp) and not (choice & self.cx.A & (self.sp.ALL & ~inst.cond))
            if w is not None:
                good = good and self.sp.member(choice & self.cx.A & comp & inst.cond, w)
            ok = ok or good
        self.add(ok and members[0] == holder == f.party,
                 f"self-grant of {clause} ({holder}) by {'+'.join(members)} with {details['choice']!r} "
                 f"is not confirmed; scenario {f.scenario}")

    # ---- pretext ------------------------------------------------------------------------------------
    def pretext(self) -> None:
        found = self.of("pretext")
        got: dict[tuple[str, str, str, str], int] = {}
        for f in found:
            d = dict(f.details)
            key = (_party(f), f.clauses[0].id, d["term"], d["against"])
            got[key] = got.get(key, 0) + 1
            w = self.world(f.scenario)
            if w is not None:
                q, c, t, p = key
                self.add(self.sp.member(self.cx.pretext(q, c, t, p), w), f"pretext scenario {key} is not a pretext: "
                                                                           f"{f.scenario}")
        for key, exists in self.ans.pretext.items():
            self.add(got.get(key, 0) == (1 if exists else 0), f"pretext {key}: {got.get(key, 0)} findings, "
                                                              f"oracle {exists}")
        for key in got:
            if key in self.ans.pretext:
                continue
            # nverify lists the terms a clause writes; this front folds a mention that cannot
            # matter (`at least 0 of u in party: t(k1)` is true) away. Such a pretext must exist.
            q, c, t, p = key
            known = t in self.cx.model.terms and q in self.cx.model.terms[t].readings
            self.add(known and bool(self.cx.pretext(q, c, t, p)), f"pretext {key} reported but not a candidate")
        for (q, p), exists in self.ans.pretext_any.items():
            reported = any(k[0] == q and k[3] == p for k in got)
            if exists and not reported:
                self.result.design.append(f"{self.where} DESIGN pretext by {q} against {p} exists (all of {q}'s "
                                          f"readings together) but no per-term pretext was reported")

    def excuse(self) -> None:
        got: dict[tuple[str, str, str], int] = {}
        for f in self.of("excuse"):
            key = (_party(f), f.clauses[0].id, dict(f.details)["term"])
            got[key] = got.get(key, 0) + 1
            w = self.world(f.scenario)
            if w is not None:
                self.add(self.sp.member(self.cx.excuse(*key), w), f"excuse scenario {key} is not an excuse: "
                                                                  f"{f.scenario}")
        for key, exists in self.ans.excuse.items():
            self.add(got.get(key, 0) == (1 if exists else 0), f"excuse {key}: {got.get(key, 0)} findings, oracle {exists}")
        for key in got:
            self.add(key in self.ans.excuse, f"excuse {key} reported but not a candidate")

    # ---- protection requirements ---------------------------------------------------------------------
    def protection(self) -> None:
        found = self.of("protection-gap")
        for (p, index), (gap, never) in sorted(self.ans.protection.items()):
            mine = [f for f in found if dict(f.details)["requirement"] == index]
            may_skip = self.same("protection", (p, index))  # under a claimant's readings: the baseline's
            ok = (len(mine) == int(gap) or (may_skip and not mine)) and \
                all(bool(dict(f.details)["never"]) == never for f in mine)
            self.add(ok, f"protection-gap of {p} (requirement {index}): {len(mine)} findings "
                         f"{[dict(f.details)['never'] for f in mine]}, "
                         f"oracle {gap} (never: {never})")

    # ---- guarantees ------------------------------------------------------------------------------------
    def _guarantee(self, clause: str) -> list[Norm]:
        """A clause's guarantees; for `protection_P`, P's protection requirements as guarantees to block."""
        if clause not in {c.id for c in self.inst.clauses}:
            targets = [self.cx.protection_target(r) for r in self.inst.requirements if f"protection_{r.party}" == clause]
            return [t for t in targets if t is not None]
        return [n for n in guarantees(self.inst) if n.clause == clause]

    def guarantees(self) -> None:
        # One finding per guarantee (a clause may have several: `for`, `each`): compared as
        # multisets of the flag each carries. Under a claimant's readings a guarantee whose
        # question is the baseline's may be left out (the baseline reports it), so the findings
        # lie between those the oracle needs here and all it has.
        blockable = self.of("blockable-guarantee")
        found = {(k[0], k[2]) for k in self.ans.blockable} | {(f.clauses[0].id, _members(f)) for f in blockable}
        for clause, b in sorted(found):
            keys = [k for k in self.ans.blockable if (k[0], k[2]) == (clause, b) and self.ans.blockable[k][0]]
            got = Counter(bool(dict(f.details)["controls_event"]) for f in blockable
                          if f.clauses[0].id == clause and _members(f) == b)
            want = Counter(self.ans.blockable[k][1] for k in keys)
            needed = Counter(self.ans.blockable[k][1] for k in keys
                             if not (self.same("blockable", k) and self.same("vacuous", k[:2])))
            self.add(needed <= got <= want, f"blockable-guarantee {clause} by {'+'.join(b)}: controls_event {_flags(got)}, "
                                            f"oracle {_flags(want)} (at least {_flags(needed)})")
        for f in blockable:
            clause, b = f.clauses[0].id, _members(f)
            d = dict(f.details)
            choice = self.choice(d["choice"])
            w = self.world(f.scenario)
            ok = False
            for n in self._guarantee(clause):
                e = self.cx.A & self.cx.event(n)
                good = bool(choice & e) and not (choice & e & self.cx.trigger(n))
                if w is not None:
                    good = good and self.sp.member(e & ~self.cx.trigger(n), w)
                    if d["controls_event"]:
                        good = good and self.sp.member(self.cx.own_event(n, b), w)
                ok = ok or good
            self.add(ok, f"blockable-guarantee {clause} by {'+'.join(b)} with {d['choice']!r} is not confirmed; "
                         f"scenario {f.scenario}")
        vacuous = self.of("vacuous-guarantee")
        for clause in sorted({k[0] for k in self.ans.vacuous}):
            vacuous_keys = [k for k, v in self.ans.vacuous.items() if k[0] == clause and (v[0] or v[1])]
            got = Counter(bool(dict(f.details)["never"]) for f in vacuous
                          if f.clauses[0].id == clause)
            want = Counter(self.ans.vacuous[k][0] for k in vacuous_keys)
            needed = Counter(self.ans.vacuous[k][0] for k in vacuous_keys if not self.same("vacuous", k))
            self.add(needed <= got <= want, f"vacuous-guarantee {clause}: never flags {_flags(got)}, "
                                            f"oracle {_flags(want)} (at least {_flags(needed)})")
        for f in vacuous:
            d = dict(f.details)
            if d["never"]:
                continue
            clause = f.clauses[0].id
            choice = self.choice(d["circumstance"])
            w = self.world(f.scenario)
            ok = False
            for n in self._guarantee(clause):
                e = self.cx.A & self.cx.event(n)
                good = bool(choice & e) and not (choice & e & self.cx.trigger(n))
                if w is not None:
                    good = good and self.sp.member(e & ~self.cx.trigger(n), w)
                ok = ok or good
            self.add(ok, f"vacuous-guarantee {clause} circumstance {d['circumstance']!r} is not confirmed")


# ---- the spec's own queries --------------------------------------------------------------------------

def _properties(oracle: Oracle, answers: dict[tuple[str | None, str | None], Answers], findings: list[Finding],
                expectations: list[Expectation], result: Result) -> None:
    inst = oracle.model
    by_statement = {e.statement: e.met for e in expectations}
    for dn, d in oracle.drafts():
        ans = answers[(dn, None)]
        cx = oracle.context(d, ans.readings)
        for q in inst.queries:
            if q.kind not in ("assert", "scenario"):
                continue
            statement = f"{q.kind} {q.name}" + (f" in draft {dn}" if dn else "")
            want = ans.properties[(q.name, q.kind)]
            result.add(by_statement.get(statement) == want,
                       f"`{statement}`: nverify {'met' if by_statement.get(statement) else 'failed'}, "
                       f"oracle {'holds' if want else 'does not hold'}")
    for f in findings:
        if f.kind.value != "expectation-failed" or not f.clauses:
            continue
        # a failed scenario: the clauses ruling it out must be a minimal core
        statement = dict(f.details)["statement"]
        name = statement.split(" ", 1)[1]
        q = next(q for q in inst.queries if q.name == name and q.kind == "scenario")
        ids = [c.id for c in f.clauses]
        for dn in (f.drafts or (None,)):
            d = dict(oracle.drafts())[dn]
            cx = oracle.context(d, answers[(dn, None)].readings)
            assert q.formula is not None
            worlds = cx.A & cx.ev.holds(q.formula) & cx.breached(q.breaches)
            result.add(not (worlds & cx.comp_except(ids, q.breaches))
                       and all(worlds & cx.comp_except([c for c in ids if c != x], q.breaches) for x in ids),
                       f"`{statement}` ruled out by {ids}: not a minimal core")


def _expectations(oracle: Oracle, answers: dict[tuple[str | None, str | None], Answers], contexts: list[CheckContext],
                  expectations: list[Expectation], result: Result) -> None:
    inst = oracle.model
    by_line = {e.line: e.met for e in expectations}
    skipped = {e.line for e in expectations if getattr(e, "skipped", False)}
    predicted = predicted_findings(oracle, answers)
    # With --draft, an expectation about a draft that is not checked is skipped (docs/language.md).
    checked = {(name or "base").partition("+")[0] for name, _ in oracle.drafts()} if oracle.requested_drafts else None
    for q in inst.queries:
        if q.kind not in ("expect", "assert no"):
            continue
        if checked is not None and q.in_draft is not None and q.in_draft not in checked:
            result.add(q.line in skipped, f"`{q.name}` (line {q.line}): nverify "
                                          f"{'skipped' if q.line in skipped else 'did not skip'} it, oracle skipped it")
            continue
        if q.line in skipped:
            result.add(False, f"`{q.name}` (line {q.line}): nverify skipped it, the oracle checked draft {q.in_draft}")
            continue
        outcomes = {matches(q, p) for p in predicted}
        if True in outcomes:
            hit: bool | None = True
        elif None in outcomes:
            hit = None
        else:
            hit = False
        if hit is None:
            continue  # depends on which of several minimal cores the solver reports
        want = hit if q.kind == "expect" else not hit
        got = by_line.get(q.line)
        result.add(got == want, f"`{q.name}` (line {q.line}): nverify {'met' if got else 'failed'}, "
                                f"oracle {'met' if want else 'failed'}")


# ---- helpers ---------------------------------------------------------------------------------------------

def _shown(v: object) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def scenario_names(model: Model) -> dict[str, Key]:
    """How a scenario names each ground atom, quantity and term application (`agrees(ru)`,
    `term harms(alliance)`) -> its key. Timed: with the step, as scenarios (`agrees(ru) at
    day 2`, the JSON's facts and acts) and choices (`agrees(ru) @2`) name it."""
    out: dict[str, Key] = {}
    h = model.horizon
    for prefix, name, params in [*(("", p.name, p.params) for p in model.predicates.values()),
                                 *(("term ", t.name, t.params) for t in model.terms.values())]:
        for args in product(*(model.domain(t) for _, t in params)):
            if h is None:
                out[f"{prefix}{name}({', '.join(map(_shown, args))})"] = (name, tuple(args))
                continue
            bare = f"{prefix}{name}({', '.join(map(_shown, args[:-1]))})"
            step = int(args[-1])
            out[f"{bare} at {h.label(step)}"] = out[f"{bare} @{step}"] = (name, tuple(args))
    return out


def act_phrase(model: Model, key: tuple[str, tuple[Value, ...]]) -> str:
    """How a finding names an act: `conclude(ukraine, partner: usa, kind: training)`, the actor
    first, then each other argument by its parameter's name."""
    name, args = key
    params = model.predicates[name].params
    when = ""
    if model.horizon is not None:  # timed: `assist(ukraine, to: usa) at day 2`
        params, args, when = params[:-1], args[:-1], f" at {model.horizon.label(int(args[-1]))}"
    return f"{name}({', '.join([_shown(args[0]), *(f'{p}: {_shown(v)}' for (p, _), v in zip(params[1:], args[1:], strict=True))])})" \
        + when


def _members(f: Finding) -> tuple[str, ...]:
    """A blocking finding's coalition, or its party alone."""
    return tuple(f.coalition) or (_party(f),)


def _party(f: Finding) -> str:
    """The party of a finding of a kind that always names one (every kind compared by party here)."""
    assert f.party is not None, f
    return f.party


def _flags(flags: Counter[bool]) -> list[bool]:
    return sorted(flags.elements())


def _sets(sets: Iterable[frozenset[str]]) -> list[list[str]]:
    return sorted(sorted(s) for s in sets)
