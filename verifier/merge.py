"""One finding per problem: findings that differ only in one party are merged.

Each permanent member can block a guarantee by its own vote; each neutral state's
supply is a pretext for the same claimant under the same clause. Reported one by
one, such findings repeat the same sentence with one name changed. They are
merged into one finding that lists the parties (`Finding.merged`, in declaration
order) and shows the first party's message, details and scenario.

The rule (docs/language.md, "One finding per problem"): two findings merge when

* they are of the same kind (neither an `expectation-failed` nor an `unknown`),
  with the same severity, file, clauses (and roles), readings, draft and drafts,
  minimality, and both expected or both not;
* neither is a coalition's (a coalition is one problem of its own);
* they differ in one party P -> Q, in the finding's `party` or in one detail that
  names a party (the party accused of a pretext, the holder of a vetoed
  permission), and one is the other with P's name replaced by Q's throughout: the
  message and every detail, the reading in force excepted (it must be the same);
  a list of names in the details (the conduct found) counts as a set.

The scenario is not compared: it is the example of each, and the merged finding
shows the first party's.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

from dsl.model import Horizon
from verifier.findings import Finding, FindingKind

_NEVER = frozenset({FindingKind.EXPECTATION_FAILED, FindingKind.UNKNOWN})
# Details that are not renamed: the reading in force names a party's reading, not the party.
_KEPT = frozenset({"reading"})


def merge_parties(findings: list[Finding], parties: Sequence[str]) -> list[Finding]:
    """The findings with each group that differs only in one party merged into its first
    (in declaration order), at the place of the group's first finding."""
    order = {p: i for i, p in enumerate(parties)}
    groups: list[list[Finding]] = []
    roles: list[str | None] = []
    index: dict[tuple[Any, ...], list[int]] = {}
    for f in findings:
        if f.kind in _NEVER or f.coalition:
            groups.append([f])
            roles.append(None)
            continue
        key = _same(f)
        for g in index.get(key, ()):
            role = _role(groups[g][0], f, parties)
            if role is not None and roles[g] in (None, role) \
                    and _value(f, role) not in {_value(x, role) for x in groups[g]}:
                groups[g].append(f)
                roles[g] = role
                break
        else:
            index.setdefault(key, []).append(len(groups))
            groups.append([f])
            roles.append(None)
    out = []
    for group, role in zip(groups, roles, strict=True):
        if role is None:
            out.append(group[0])
            continue
        group = sorted(group, key=lambda x: order.get(str(_value(x, role)), len(order)))
        out.append(_merged(group, role))
    return out


def _same(f: Finding) -> tuple[Any, ...]:
    """What two findings must share to be merged (besides being renamings of each other)."""
    return (f.kind, f.severity, f.expected, f.file, f.clauses, f.readings, f.draft, f.drafts, f.minimal,
            dict(f.details).get("reading"), tuple(k for k, _ in f.details))


def _value(f: Finding, role: str) -> Any:
    return f.party if role == "party" else dict(f.details).get(role)


def _role(a: Finding, b: Finding, parties: Sequence[str]) -> str | None:
    """Where a and b differ in one party, if one is the other with that party renamed: "party"
    or the name of the detail; None when they are not such a pair."""
    if a.party != b.party:
        role, p, q = "party", a.party, b.party
    else:
        da, db = dict(a.details), dict(b.details)
        changed = [k for k in da if da[k] != db.get(k) and da[k] in parties and db.get(k) in parties]
        if not changed:
            return None
        role, p, q = changed[0], da[changed[0]], db[changed[0]]
    if not isinstance(p, str) or not isinstance(q, str) or p not in parties or q not in parties:
        return None
    return role if _renamed(a, p, q) == _shape(b) or _renamed(b, q, p) == _shape(a) else None


def _shape(f: Finding) -> tuple[Any, ...]:
    return (f.party, f.message, tuple((k, _unordered(v)) for k, v in f.details))


def _unordered(v: Any) -> Any:
    """A list of names in details (the conduct found, the attackers) as a set: the order in
    which the search came upon them is part of the example, not of the problem."""
    if isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v):
        return tuple(sorted(v))
    return v


def _renamed(f: Finding, p: str, q: str) -> tuple[Any, ...]:
    """f's party, message and details with party p's name replaced by q's throughout (lists
    of names in details as sets)."""
    party, message, details = rename(f, p, q)
    return (party, message, tuple((k, _unordered(v)) for k, v in details))


def rename(f: Finding, p: str, q: str) -> tuple[str | None, str, tuple[tuple[str, Any], ...]]:
    """f's party, message and details with party p's name replaced by q's throughout (the
    reading in force excepted)."""
    word = re.compile(rf"(?<!\w){re.escape(p)}(?!\w)")

    def sub(v: Any) -> Any:
        if isinstance(v, str):
            return word.sub(q, v)
        if isinstance(v, list):
            return [sub(x) for x in v]
        if isinstance(v, tuple):
            return tuple(sub(x) for x in v)
        return v

    details = tuple((k, v if k in _KEPT else sub(v)) for k, v in f.details)
    return (sub(f.party), sub(f.message), details)


def listed(names: Sequence[str], last: str = "or") -> str:
    """`usa`, `usa or uk`, `usa, uk or france` (`last`: the word before the last name)."""
    return ", ".join(names[:-1]) + (f" {last} " if len(names) > 1 else "") + names[-1]


_LIKEWISE = "; likewise with "


def likewise(message: str, others: Sequence[str], shown: str) -> str:
    """The message of a finding that stands for several parties: `...; likewise with uk or
    france in place of usa`."""
    return f"{message}{_LIKEWISE}{listed(others)} in place of {shown}"


def unmerged_message(f: Finding) -> str:
    """A merged finding's message without the parties appended by `likewise`."""
    cut = f.message.rfind(_LIKEWISE)
    return f.message[:cut] if f.merged_on and cut >= 0 else f.message


def _merged(group: list[Finding], role: str) -> Finding:
    first = group[0]
    names = [str(_value(f, role)) for f in group]
    message = likewise(first.message, names[1:], names[0])
    return dataclasses.replace(first, message=message, merged=tuple(names), merged_on=role)


def expand(f: Finding) -> list[Finding]:
    """The findings a merged one stands for, one per party (the finding itself when it stands
    for one): the first as reported but for the list of the others; each other one the first
    with that party's name in place of the first's, without a scenario (the merged finding
    shows only the first party's). For tests and scripts that count findings per party."""
    if not f.merged_on:
        return [f]
    role, first = f.merged_on, f.merged[0]
    base = dataclasses.replace(f, message=unmerged_message(f), merged=(), merged_on=None)
    out = [base]
    for other in f.merged[1:]:
        party, message, details = rename(base, first, other)
        out.append(dataclasses.replace(base, party=other if role == "party" else party, message=message,
                                       details=details, scenario=None))
    return out


def merge_steps(findings: list[Finding], horizon: Horizon | None) -> list[Finding]:
    """In a timed spec, one finding per problem whatever step it is shown at: a norm holds
    once per step, so a check can find the same problem at day 0, day 1, ... (the first,
    the earliest, is kept). Findings differing in anything but their steps stay apart."""
    if horizon is None:
        return findings
    labels = "|".join(re.escape(horizon.label(t)) for t in sorted(horizon.steps, key=lambda t: -len(horizon.label(t))))
    steps = re.compile(rf" (?:at|by) (?:{labels})(?:(?:, | and )(?:{labels}))*")

    def key(f: Finding) -> tuple[Any, ...]:
        details = tuple((k, steps.sub("", repr(v))) for k, v in f.details)
        return (f.kind, tuple(c.id for c in f.clauses), f.party, f.coalition, f.drafts, f.severity,
                steps.sub("", f.message), details)

    seen: set[tuple[Any, ...]] = set()
    out = []
    for f in findings:
        k = key(f)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out
