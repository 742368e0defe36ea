"""Small builders shared by the unit tests: spec text -> checked model, diagnostics, solver contexts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import z3

from dsl.diagnostics import Diagnostic, Diagnostics
from dsl.elaborate import elaborate
from dsl.model import Instrument
from dsl.parser import parse
from dsl.source import SourceFile
from dsl.symbols import collect
from verifier.checks.context import CheckContext
from verifier.encode import Encoder
from verifier.findings import Finding
from verifier.ground import vocabulary
from verifier.qbf import EFResult
from verifier.session import Limits, Outcome, Session, Status


def load_text(text: str, path: str = "t.nv") -> tuple[Instrument | None, list[Diagnostic]]:
    """Parse, collect and elaborate one file held in memory (no imports)."""
    diags = Diagnostics()
    spec = parse(SourceFile.of(path, text), diags)
    if spec is None:
        return None, diags.sorted()
    sym = collect([spec], diags)
    instrument = elaborate([spec], sym, diags)
    return (None if diags.has_errors() else instrument), diags.sorted()


def instrument(text: str) -> Instrument:
    """The checked model of text, which must have no errors."""
    result, diags = load_text(text)
    assert result is not None and not diags, "\n".join(f"{d.span.line}:{d.span.column} {d.message}" for d in diags)
    return result


def diagnostics(text: str) -> list[Diagnostic]:
    result, diags = load_text(text)
    assert result is None and diags, "expected errors"
    return diags


def codes(text: str) -> list[str]:
    return [d.code.value for d in diagnostics(text)]


def baseline(inst: Instrument) -> dict[str, str | None]:
    """`ordinary` for every term that has it, open otherwise (the CLI's default)."""
    return {t.name: ("ordinary" if t.reading("ordinary") else None) for t in inst.terms.values()}


def session(inst: Instrument, **limits: Any) -> Session:
    return Session(Encoder(inst, vocabulary(inst), z3.Context()), Limits(**limits))


def context(inst: Instrument, readings: dict[str, str | None] | None = None,
            draft: dict[str, str] | None = None, **limits: object) -> CheckContext:
    draft = draft if draft is not None else dict.fromkeys(inst.brackets, "base")
    return CheckContext(instrument=inst, session=session(inst, **limits),
                        readings=readings if readings is not None else baseline(inst),
                        draft_name="base" if inst.brackets else None, draft=draft)


def run_checks(text: str, *checks: Callable[[CheckContext], Iterable[Finding]]) -> list[Finding]:
    """Run checks in order on one context, as the pipeline does; each sees the findings before it."""
    ctx = context(instrument(text))
    for check in checks:
        ctx.findings.extend(check(ctx))
    return ctx.findings


def clause_sets(findings: Iterable[Finding], kind: str | None = None) -> list[frozenset[str]]:
    return [frozenset(c.id for c in f.clauses) for f in findings if kind is None or f.kind.value == kind]


def members(f: Finding) -> str:
    """`usa`, or `g1+g2` for a coalition: who a blocking or veto finding names."""
    return "+".join(f.coalition or (f.party or "",))


def findings_in(folder: Path, text: str, kinds: Iterable[str], **options: object) -> list[Finding]:
    """The findings of these kinds of `nverify` on text written to folder/spec.nv (which must
    load without errors), with pipeline Options set as given (`coalition_size=3`)."""
    from dsl import load
    from verifier.pipeline import Options, check_instrument

    path = folder / "spec.nv"
    path.write_text(text, encoding="utf-8")
    loaded = load([path])
    assert not loaded.diagnostics.has_errors(), [d.message for d in loaded.diagnostics.sorted()]
    chosen = Options()
    for name, value in options.items():
        setattr(chosen, name, value)
    found, _, _ = check_instrument(loaded.instruments[0], chosen)
    wanted = set(kinds)
    return [f for f in found if f.kind.value in wanted]


def search_rounds(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> list[int]:
    """The rounds of each exists-forall search that `module` runs, in order (its `exists_forall`,
    recorded for the test's duration)."""
    original = module.exists_forall
    rounds: list[int] = []

    def search(session: Session, **kw: Any) -> EFResult:
        result: EFResult = original(session, **kw)
        rounds.append(result.rounds)
        return result

    monkeypatch.setattr(module, "exists_forall", search)
    return rounds


def purposes_asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The purposes of the session's queries, as they come (each answered as usual)."""
    original = Session.check
    asked: list[str] = []

    def check(self: Session, assumptions: Any, label: str = "") -> Outcome:
        asked.append(label)
        return original(self, assumptions, label)

    monkeypatch.setattr(Session, "check", check)
    return asked


def give_up_once(monkeypatch: pytest.MonkeyPatch, purpose: str) -> list[str]:
    """Make the session's solver give up (`unknown`, "canceled") on the first query with this
    purpose and answer every other as usual; the queries with the purpose, as they come."""
    original = Session.check
    asked: list[str] = []

    def check(self: Session, assumptions: Any, label: str = "") -> Outcome:
        if label == purpose:
            asked.append(label)
            if len(asked) == 1:
                return Outcome(Status.UNKNOWN, reason="canceled")
        return original(self, assumptions, label)

    monkeypatch.setattr(Session, "check", check)
    return asked

