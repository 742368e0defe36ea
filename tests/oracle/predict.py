"""The findings the checks should report, predicted from the oracle's answers, and how an
`expect` pattern (or a goal's) matches them. Oracle side: no nverify code is used."""

from __future__ import annotations

from dataclasses import dataclass

from tests.oracle.front import Query
from tests.oracle.oracle import Answers, Oracle


@dataclass(frozen=True)
class Predicted:
    kind: str
    clauses: frozenset[str]        # exactly these, or at least these when `extra` is not None
    extra: frozenset[str] | None   # clauses that may or may not be cited besides
    party: str | None
    draft: str
    reading: str | None            # the claimant context, or None
    reading_values: frozenset[str]
    details_reading: str | None
    coalition: tuple[str, ...] = ()  # a blocking coalition of two or more (party is its first member)


def predicted_findings(oracle: Oracle, answers: dict[tuple[str | None, str | None], Answers]) -> list[Predicted]:
    out: list[Predicted] = []
    for (dn, rn), ans in answers.items():
        out.extend(_predicted_in(oracle, dn, rn, ans))
    return _without_duplicates(out)


def _predicted_in(oracle: Oracle, dn: str | None, rn: str | None, ans: Answers) -> list[Predicted]:
    """The findings of one draft and reading set."""
    values = frozenset((r or "open") for r in ans.readings.values())
    draft = dn or "base"
    here: list[Predicted] = []

    def add(kind: str, clauses: frozenset[str], party: str | None, extra: frozenset[str] | None = None,
            details_reading: str | None = None, coalition: tuple[str, ...] = ()) -> None:
        here.append(Predicted(kind, clauses, extra, party, draft, rn, values, details_reading or rn, coalition))

    if not ans.situation_possible:
        add("contradiction", frozenset(), None)
    for m in ans.muses:
        add("contradiction", m, None)
    for p, sets in ans.dilemmas.items():
        for d in sets:
            if d not in ans.muses:
                add("conflict", d, p)
    hollow = set()
    for (c, _, s), (always, situation) in ans.hollow.items():
        # "always" need not imply a situation: when the act and the blocking norm turn on what
        # p does not control, no situation lets p both comply and do the act, yet the two never meet.
        if always or situation:
            hollow.add((c, s))
            add("hollow-permission", frozenset({c}), s, frozenset(oracle.constraining_clauses(s)))
    for (c, _, h, b), v in ans.vetoed.items():
        if v and (c, h) not in hollow:
            add("hollow-permission", frozenset({c}), b[0], coalition=b if len(b) > 1 else ())
    for (c, _, h, coalition), v in ans.self_granted.items():
        if v:
            add("self-granted-permission", frozenset({c}), h, coalition=coalition if len(coalition) > 1 else ())
    for (q, c, _, _), v in ans.pretext.items():
        if v:
            add("pretext", frozenset({c}), q, details_reading=q)
    for (c, _, b), (v, _) in ans.blockable.items():
        if v:  # (a protection requirement is cited with the clauses that give its response)
            add("blockable-guarantee", frozenset({c}) | ans.responding.get(c, frozenset()), b[0],
                coalition=b if len(b) > 1 else ())
    for (p, c, _), v in ans.excuse.items():
        if v:
            add("excuse", frozenset({c}), p, details_reading=p)
    for (p, _), (gap, _) in ans.protection.items():
        if gap:
            # (cited with the clauses that oblige the others to something else, in the witness)
            add("protection-gap", frozenset({f"protection_{p}"}), p, frozenset(c.id for c in oracle.model.clauses))
    for (c, _), (never, circ) in ans.vacuous.items():
        if never or circ:
            add("vacuous-guarantee", frozenset({c}), None)
    return here


def _without_duplicates(out: list[Predicted]) -> list[Predicted]:
    """A claimant context's finding is dropped when the baseline of its draft has the same key."""
    base_keys = {(p.draft, p.kind, p.clauses, p.party, p.coalition) for p in out if p.reading is None and p.extra is None}
    return [p for p in out
            if not (p.reading is not None and p.extra is None and (p.draft, p.kind, p.clauses, p.party, p.coalition) in base_keys)]


def matches(q: Query, p: Predicted) -> bool | None:
    """Does the predicted finding match the pattern? None: it depends on the core reported."""
    if p.kind != q.finding:
        return False
    if q.by is not None and q.by not in (p.coalition or (p.party,)):
        return False  # `by P`: P alone, or P as a member of a coalition
    if q.in_draft is not None and q.in_draft != p.draft:
        return False
    if q.under_reading is not None and p.details_reading != q.under_reading \
            and q.under_reading not in p.reading_values:
        return False
    wanted = set(q.on)
    if wanted <= p.clauses:
        if p.extra is not None and p.reading is not None:
            return None  # may be dropped as a duplicate of a baseline finding with the same core
        return True
    if p.extra is not None and wanted <= p.clauses | p.extra:
        return None
    return False
