"""The driver: load -> ground -> encode -> checks per draft -> expectations -> Report.

One Z3 context and one session per instrument (per part of a large one: see
`parts_of`); the checks of every draft share it and differ only in the
assumption literals they pass.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import z3

from dsl import LoadResult, refuse_empty
from dsl.model import Instrument
from dsl.symmetry import COALITION_SIZE
from verifier import clash, quotation
from verifier.budget import Budget, BudgetExhausted
from verifier.checks import CheckContext
from verifier.checks.context import in_report
from verifier.checks.pretext import claimants
from verifier.checks.queries import apply_expectations, run_properties
from verifier.encode import Encoder
from verifier.findings import Expectation, FileResult, Finding, Report
from verifier.ground import vocabulary
from verifier.merge import merge_parties, merge_steps
from verifier.registry import CHECKS, GROUPS, Check, load
from verifier.session import Limits, Observer, Session
from verifier.symmetry import lift


class UsageError(Exception):
    """A command-line option that does not fit the specs (exit 2)."""


@dataclass
class Options:
    readings: list[str] = field(default_factory=list)   # NAME or TERM=NAME
    drafts: list[str] = field(default_factory=list)     # NAME or BRACKET=LABEL
    timeout_s: float = 10.0
    rlimit: int = 0
    smt2_dir: Path | None = None
    max_findings: int = 8
    coalition_size: int = COALITION_SIZE  # the largest coalition asked whether it can block, veto or grant
    # Check a class of interchangeable parties through a few representatives (dsl.symmetry);
    # False: every party, as declared (--no-symmetry).
    symmetry: bool = True
    jobs: int = 1  # processes that check instruments side by side (1: all in this process)
    budget: Budget | None = None  # the whole run's time (--max-time); None: no bound but the per-query ones
    # Sees every session made for the run and its queries (the progress line, --verbose);
    # never pickled for a worker process, which reports to the parent instead (verifier.parallel).
    observer: Observer | None = field(default=None, compare=False)


def baseline_readings(instrument: Instrument, requested: list[str]) -> dict[str, str | None]:
    """`ordinary` for every term that has it (else open), then the spec's own choices
    (`check under reading`), then the command line's: a later choice wins for the terms it covers."""
    readings: dict[str, str | None] = {t.name: ("ordinary" if t.reading("ordinary") else None)
                                       for t in instrument.terms.values()}
    for item in (*instrument.checked_under, *requested):
        if "=" in item:
            term, name = item.split("=", 1)
            if term not in instrument.terms:
                continue
            if instrument.terms[term].reading(name) is None:
                raise UsageError(f"term `{term}` has no reading `{name}`")
            readings[term] = name
        else:
            for t in instrument.terms.values():
                if t.reading(item) is not None:
                    readings[t.name] = item
    return readings


def drafts_of_interest(instrument: Instrument, requested: list[str]) -> list[tuple[str | None, dict[str, str]]]:
    """The base text and each party's version that can be formed; or what --draft asks for."""
    brackets = instrument.brackets
    if not brackets:
        return [(None, {})]

    def named(name: str) -> dict[str, str] | None:
        mapping = {}
        for b in brackets.values():
            if name in b.labels:
                mapping[b.id] = name
            elif "base" in b.labels:
                mapping[b.id] = "base"
            else:
                return None
        return mapping

    names = [n for n in requested if "=" not in n]
    pins = dict(p.split("=", 1) for p in requested if "=" in p)
    for b, label in pins.items():
        if b in brackets and label not in brackets[b].labels:
            raise UsageError(f"bracket `{b}` has no alternative `{label}` (it has {', '.join(brackets[b].labels)})")
    candidates = names or ["base", *instrument.draft_labels()]
    out: list[tuple[str | None, dict[str, str]]] = []
    for name in candidates:
        mapping = named(name)
        if mapping is None:
            if name in names:
                continue  # asked for a draft this instrument cannot form; others may
            continue
        pinned = {k: v for k, v in pins.items() if k in brackets}
        if pinned:
            mapping = {**mapping, **pinned}
            name = name + "+" + ",".join(f"{k}={v}" for k, v in sorted(pinned.items()))
        out.append((name, mapping))
    if not out:
        # No named draft is complete: take each bracket's first alternative, and say so.
        mapping = {b.id: (b.labels[0] if not pins.get(b.id) else pins[b.id]) for b in brackets.values()}
        out.append(("mixed", mapping))
    return out


def check_instrument(instrument: Instrument, options: Options) -> CheckResult:
    """Every check of the instrument, part after part (see `parts_of`)."""
    parts = parts_of(instrument)
    return assemble(instrument, options, [check_part(instrument, options, part, len(parts)) for part in parts])


# A large instrument is checked in parts, each with a session of its own, which worker
# processes (--jobs) can take side by side. Whether an instrument is split depends on its
# size only, never on --jobs, so the findings are the same however many processes there are.
SPLIT_COST = 200_000


def parts_of(instrument: Instrument) -> tuple[tuple[int, ...], ...]:
    """The groups of CHECKS (indices) checked together in one session: the whole list, or for a
    large instrument its independent groups (verifier.registry.GROUPS)."""
    from verifier.parallel import cost

    return GROUPS if cost(instrument) >= SPLIT_COST else (tuple(range(len(CHECKS))),)


@dataclass
class DraftPart:
    """What one part of the checks found in one draft."""

    baseline: list[Finding] = field(default_factory=list)
    properties: list[Finding] = field(default_factory=list)
    expectations: list[Expectation] = field(default_factory=list)
    claimed: list[list[Finding]] = field(default_factory=list)  # per claimant, in claimant_readings order


def check_part(instrument: Instrument, options: Options, part: tuple[int, ...], parts: int = 1) -> list[DraftPart]:
    """The checks of one part (indices into CHECKS), in every draft of interest, in a session of their own."""
    ctx_z3 = z3.Context()
    # (Every question of the checks holds the world: the atoms it fixes false are folded.)
    encoder = Encoder(instrument, vocabulary(instrument), ctx_z3, fold_world=True)
    limits = Limits(timeout_ms=int(options.timeout_s * 1000), rlimit=options.rlimit, smt2_dir=options.smt2_dir,
                    budget=options.budget)
    label = instrument.name if parts == 1 else f"{instrument.name}-part{min(part) + 1}"
    session = Session(encoder, limits, label=label, observer=options.observer)
    checks = [CHECKS[i] for i in part]
    with_properties = len(CHECKS) - 1 in part  # assert/scenario come after the last check
    readings = baseline_readings(instrument, options.readings)
    out: list[DraftPart] = []
    for draft_name, draft in drafts_of_interest(instrument, options.drafts):
        found = DraftPart()
        ctx = CheckContext(instrument, session, readings, draft_name, draft, max_findings=options.max_findings,
                           coalition_size=options.coalition_size, for_report=True)
        for check in checks:
            ctx.findings.extend(_within_budget(ctx, check, options.budget))
        found.baseline = ctx.findings
        if with_properties:
            found.properties, found.expectations = run_properties(ctx)
        hidden = frozenset(f.problem_key() for f in found.baseline)
        # The same checks under each claimant's readings: what the text means if that party's
        # reading prevails (kept where the baseline does not have them: see `assemble`).
        for claimant, claimed in claimant_readings(instrument, readings):
            alt = CheckContext(instrument, session, claimed, draft_name, draft, max_findings=options.max_findings,
                               coalition_size=options.coalition_size, reading_name=claimant, baseline=readings, hidden=hidden, for_report=True)
            for check in checks:
                if check.per_reading_set:
                    alt.findings.extend(_within_budget(alt, check, options.budget))
            found.claimed.append(alt.findings)
        out.append(found)
    return out


def _within_budget(ctx: CheckContext, check: Check, budget: Budget | None) -> list[Finding]:
    """The check's findings; once the run's budget is spent, one `unknown` finding in their place
    (the findings of a check cut short are dropped with it: a partial search proves nothing)."""
    try:
        if budget is not None:
            budget.check()
        return check.run(ctx)
    except BudgetExhausted as spent:
        return [ctx.unknown(f"the {check.name.replace('_', '-')} check", str(spent), [])]


def assemble(instrument: Instrument, options: Options, parts: list[list[DraftPart]]) -> CheckResult:
    """The instrument's findings and expectations from those of its parts (in CHECKS order)."""
    drafts = drafts_of_interest(instrument, options.drafts)
    claimants_ = [c for c, _ in claimant_readings(instrument, baseline_readings(instrument, options.readings))]
    findings: list[Finding] = []
    expectations: list[Expectation] = []
    for d, (draft_name, _) in enumerate(drafts):
        baseline = [f for part in parts for f in part[d].baseline]
        properties = [f for part in parts for f in part[d].properties]
        findings.extend(_with_draft(baseline + properties, draft_name))
        expectations.extend(e for part in parts for e in part[d].expectations)
        seen = {f.problem_key() for f in baseline}
        for c, claimant in enumerate(claimants_):
            extra = [_under(f, claimant) for part in parts for f in part[d].claimed[c] if f.problem_key() not in seen]
            findings.extend(_with_draft(extra, draft_name))
    labels = ("base", *instrument.draft_labels())
    findings = [quotation.in_force(clash.explain(instrument, f, drafts), labels)
                for f in merge_steps(_merge_drafts(findings), instrument.horizon)]
    findings = _regime_filter(instrument, findings)
    # With --draft, an expectation about a draft left out is skipped rather than failed.
    checked = {(d or "base").partition("+")[0] for d, _ in drafts} if options.drafts else None
    findings, expect_results = apply_expectations(instrument, findings, checked,
                                                  merge=lambda found: lift(merge_parties(found, instrument.parties),
                                                                          instrument))
    return findings, expect_results + expectations, tuple(d for d, _ in drafts if d is not None)


def claimant_readings(instrument: Instrument, baseline: Mapping[str, str | None]) -> list[tuple[str, dict[str, str | None]]]:
    """For each party with a reading of some term: the baseline with that party's readings."""
    out = []
    for party in claimants(instrument):
        claimed = {t: (party if instrument.terms[t].reading(party) else r) for t, r in baseline.items()}
        if claimed != dict(baseline):
            out.append((party, claimed))
    return out


def _under(f: Finding, claimant: str) -> Finding:
    return dataclasses.replace(f, message=f"under {claimant}'s reading, {f.message}",
                               details=(*f.details, ("reading", claimant)))


def _with_draft(findings: list[Finding], draft: str | None) -> list[Finding]:
    return [dataclasses.replace(f, drafts=(draft,) if draft else ()) for f in findings]


# Details that describe a finding's example (which conduct or act instance the search came
# upon) rather than the problem itself. How a guarantee is blocked (`choice`, `circumstance`)
# is the problem: a veto in one draft and an excluded area in another are two findings.
_EXAMPLE_DETAILS = frozenset({"conduct", "conduct_listed", "act", "reason"})


def _merge_drafts(findings: list[Finding]) -> list[Finding]:
    """One finding per distinct problem, listing every draft in which it holds.

    Findings with the same text are one. So are the same problem in different drafts: the
    same kind, clauses, party, severity and details other than the example, even when the
    searches came upon different examples (the one shown is that of the first draft listed).
    """
    same_text: dict[tuple[object, ...], Finding] = {}
    for f in findings:
        key = (f.kind, tuple(c.id for c in f.clauses), f.party, f.message, f.severity)
        first = same_text.get(key)
        same_text[key] = f if first is None else dataclasses.replace(
            first, drafts=first.drafts + tuple(d for d in f.drafts if d not in first.drafts))
    merged: list[Finding] = []
    index: dict[tuple[object, ...], list[int]] = {}
    for f in same_text.values():
        problem = (f.kind, tuple(c.id for c in f.clauses), f.party, f.severity,
                   tuple((k, repr(v)) for k, v in f.details if k not in _EXAMPLE_DETAILS))
        for i in index.get(problem, ()) if f.drafts else ():
            if not set(f.drafts) & set(merged[i].drafts):
                merged[i] = dataclasses.replace(merged[i], drafts=merged[i].drafts + f.drafts)
                break
        else:
            index.setdefault(problem, []).append(len(merged))
            merged.append(f)
    return merged


def _regime_filter(instrument: Instrument, findings: list[Finding]) -> list[Finding]:
    """In a regime, keep what involves its own clauses or crosses files; the rest belongs to one import."""
    return [f for f in findings if in_report(instrument, {c.file for c in f.clauses})]


def validate_options(instruments: list[Instrument], options: Options) -> None:
    """A reading or draft that no instrument of the run has is a usage error, not a silent no-op."""
    if not instruments:
        return
    for item in options.readings:
        term, _, name = item.rpartition("=")
        known = any((t.reading(name) is not None) and (not term or t.name == term)
                    for i in instruments for t in i.terms.values())
        if not known:
            what = f"term `{term}` has no reading `{name}`" if term else f"no term has a reading `{name}`"
            raise UsageError(f"--reading {item}: {what} in the specs checked")
    for item in options.drafts:
        if "=" in item:
            bracket, _ = item.split("=", 1)
            if not any(bracket in i.brackets for i in instruments):
                raise UsageError(f"--draft {item}: no bracket `{bracket}` in the specs checked "
                                 "(brackets are numbered per clause: CLAUSE#N)")
        elif item != "base" and not any(item in i.draft_labels() for i in instruments):
            raise UsageError(f"--draft {item}: no bracketed alternative is labelled `{item}` in the specs checked")


def run(paths: list[Path], options: Options,
        overlay: Mapping[Path, str] | None = None) -> tuple[LoadResult, Report | None]:
    """Load (`overlay`: text in place of files, see dsl.loader) and check; the report is None when
    the input has errors."""
    loaded = load(paths, overlay, options.coalition_size if options.symmetry else None)
    refuse_empty(loaded)  # a file that declares nothing (an empty folder is refused by the loader)
    if loaded.diagnostics.has_errors():
        return loaded, None
    validate_options(loaded.instruments, options)
    report = Report()
    for path in loaded.modules:
        report.files.append(FileResult(path, None, None))
    for instrument, (findings, expectations, drafts) in zip(loaded.instruments,
                                                             check_all(loaded.instruments, options), strict=True):
        horizon = instrument.horizon.phrase() if instrument.horizon is not None else ""
        report.files.append(FileResult(instrument.path, instrument.name, instrument.title, drafts, horizon))
        report.findings.extend(findings)
        report.expectations.extend(expectations)
    report.files.sort(key=lambda f: f.path)
    report.findings.sort(key=Finding.sort_key)
    report.expectations.sort(key=lambda e: (e.file, e.line, e.statement))
    return loaded, report


def check_all(instruments: list[Instrument], options: Options) -> list[CheckResult]:
    """check_instrument for each instrument, in order; with options.jobs > 1, side by side.

    Each instrument, or part of a large one (`parts_of`), is checked with its own Z3 context
    and session, whichever process does it, so the results are the same as one by one in
    this process. The checks of a part share a session, whose answers depend on every
    query before them, so they stay together.
    """
    if not instruments:
        return []
    tasks = len(instruments) if len(instruments) > 1 else len(parts_of(instruments[0]))
    jobs = min(options.jobs, tasks)
    if jobs <= 1:
        return [check_instrument(instrument, options) for instrument in instruments]
    from verifier import parallel

    return parallel.check_all(instruments, options, jobs)


CheckResult = tuple[list[Finding], list[Expectation], tuple[str, ...]]

__all__ = ["Options", "UsageError", "check_all", "run"]
