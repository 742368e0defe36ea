"""Findings about interchangeable parties: asked of one representative, said of all.

`dsl.symmetry` leaves most members of a class of interchangeable parties out of the
world and keeps a few representatives. Here the checks ask their per-party and
per-coalition questions only up to renaming within a class (`canonical`,
`canonical_coalition`): what the second representative could do alone, the first
can, renamed. The findings then say which parties they stand for (`lift`): a
finding about the first representative holds, renamed, for every member of its
class, whether the world kept that member or not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Sequence
from itertools import pairwise, permutations
from math import perm

from dsl import formula as F
from dsl.formula import Value
from dsl.model import Instrument, PartyClass
from verifier.findings import Finding, FindingKind
from verifier.merge import likewise, listed, unmerged_message

_NEVER = frozenset({FindingKind.EXPECTATION_FAILED, FindingKind.UNKNOWN})
LISTED = 8  # a class of at most this many is listed by name; a larger one is counted


def free_classes(instrument: Instrument, fixed: Iterable[str] = ()) -> tuple[PartyClass, ...]:
    """The classes with the representatives a question may rename among: without those an
    elaborated formula names (a norm written `for v in G` has one instance per member: each
    names its own) and without the question's own parties (`fixed`: the holder, the protected
    party). A renaming of the others maps the question onto itself."""
    if not instrument.symmetry:
        return ()
    return clause_classes(instrument, _pinned(instrument) | set(fixed))


def clause_classes(instrument: Instrument, fixed: Iterable[str] = ()) -> tuple[PartyClass, ...]:
    """The classes with the representatives that a question about a party and whole clauses
    may rename among (without the question's own parties, `fixed`). No clause names a member
    of a class (`dsl.symmetry`), so a renaming within a class maps each clause, and the set of
    norms elaborated from it (`for v in G` gives one instance per member), onto itself: a
    question about p and clauses whole has, for another representative, the same answer
    renamed, even where a single norm names the representative. (Questions about one norm,
    held fixed while a coalition varies, need `free_classes`.)"""
    fixed = set(fixed)
    out = []
    for c in instrument.symmetry:
        free = tuple(r for r in c.representatives if r not in fixed)
        if len(free) > 1:
            out.append(dataclasses.replace(c, representatives=free))
    return tuple(out)


# The last instrument asked about and its pinned representatives: the checks of one
# instrument run one after another, and a long-lived process (the language server) must
# not keep every instrument it ever saw.
_PINNED: list[tuple[Instrument, frozenset[str]]] = []


def _pinned(instrument: Instrument) -> frozenset[str]:
    """The representatives that an elaborated norm names, or that are some but not all of a
    norm's subjects (asked once per instrument)."""
    if _PINNED and _PINNED[0][0] is instrument:
        return _PINNED[0][1]
    reps = {r for c in instrument.symmetry for r in c.representatives}
    found: set[str] = set()
    for norm in instrument.norms:
        parts: list[F.Node] = [norm.condition, norm.where, norm.guard]
        found.update(str(t.value) for t in norm.pattern if isinstance(t, F.Const))
        if norm.keep is not None:
            parts.append(norm.keep)
        if norm.protects is not None:
            parts.append(norm.protects.event)
            found.add(norm.protects.party)
        for part in parts:
            found.update(str(t.value) for n in F.walk(part) for t in F.terms_of(n)
                         if isinstance(t, F.Const) and t.value in reps)
        for c in instrument.symmetry:
            mine = set(norm.subjects) & set(c.representatives)
            if mine and mine != set(c.representatives):
                found |= mine
    pinned = frozenset(found & reps)
    _PINNED[:] = [(instrument, pinned)]
    return pinned


def canonical(parties: Sequence[str], classes: Sequence[PartyClass]) -> list[str]:
    """parties without the representatives of a class but its first: a question about one
    party has, for another of its class, the same answer renamed."""
    later = {r for c in classes for r in c.representatives[1:]}
    return [p for p in parties if p not in later]


def renamings(args: Sequence[Value], classes: Sequence[PartyClass]) -> list[tuple[Value, ...]]:
    """args with the representatives of each class in them renamed in every way among the
    class's representatives (distinct ones staying distinct): the acts of the checked world
    that a renaming within classes makes of this one, args itself first."""
    out: list[tuple[Value, ...]] = [tuple(args)]
    for c in classes:
        used = list(dict.fromkeys(a for a in args if isinstance(a, str) and a in c.representatives))
        if not used:
            continue
        images: list[tuple[Value, ...]] = []
        for image in permutations(c.representatives, len(used)):
            rename: dict[Value, Value] = dict(zip(used, image, strict=True))
            images.extend(tuple(rename.get(a, a) if isinstance(a, str) else a for a in done) for done in out)
        out = list(dict.fromkeys(images))
    out.remove(tuple(args))
    return [tuple(args), *out]


def full_count(args: Sequence[Value], classes: Sequence[PartyClass], fixed: Collection[str] = ()) -> int:
    """How many acts of the whole world, every member of each class in it, this act (and its
    renamings within classes) stands for: a representative can be any member of its class
    but the `fixed` parties, distinct representatives distinct members."""
    count = 1
    for c in classes:
        used = {a for a in args if isinstance(a, str) and a in c.representatives}
        if used:
            count *= perm(len([m for m in c.members if m not in fixed]), len(used))
    return count


def canonical_coalition(coalition: Sequence[str], classes: Sequence[PartyClass]) -> bool:
    """Whether the coalition takes the representatives of each class in order (the first,
    then the second...): every coalition is one of these, renamed within classes."""
    members = set(coalition)
    for c in classes:
        taken = [r in members for r in c.representatives]
        if any(t and not before for before, t in pairwise(taken)):
            return False
    return True


def lift(findings: list[Finding], instrument: Instrument) -> list[Finding]:
    """Each finding about a class's representative, said of every member of the class; a
    coalition found in several renamings within a class, once."""
    classes = instrument.symmetry
    if not classes:
        return findings
    findings = _canonical_coalitions(findings, instrument)
    firsts = {c.representatives[0]: c for c in classes}
    later = {r: c.representatives[0] for c in classes for r in c.representatives[1:]}
    about_first = {(_problem(f, firsts), v) for f in findings for v in _role(f, firsts)[1] if v in firsts}
    out = []
    for f in findings:
        role, names = _role(f, later)
        # The same problem about a later representative: the first's finding, renamed, says it.
        if role is not None and not f.coalition and names and all(n in later for n in names) \
                and all((_problem(f, later), later[n]) in about_first for n in names):
            continue
        out.append(_lifted(f, classes, instrument.declared or instrument.parties))
    return out


def canonical_image(coalition: Sequence[str], classes: Sequence[PartyClass], order: Sequence[str]) -> tuple[str, ...]:
    """The coalition with each class's members in it replaced by the class's first
    representatives (in declaration order): the canonical coalition it is a renaming of."""
    out = [m for m in coalition if not any(m in c.representatives for c in classes)]
    for c in classes:
        k = sum(1 for m in coalition if m in c.representatives)
        out.extend(c.representatives[:k])
    rank = {p: i for i, p in enumerate(order)}
    return tuple(sorted(out, key=lambda p: rank.get(p, len(rank))))


def _canonical_coalitions(findings: list[Finding], instrument: Instrument) -> list[Finding]:
    """Coalition findings that are renamings, within classes, of another one of the same
    problem (the holder of the permission kept): only the canonical one. The searches that
    list coalitions themselves (a self-granted permission's) come upon every renaming."""
    def problem(f: Finding) -> tuple[object, ...]:
        return (f.kind, f.file, tuple(c.id for c in f.clauses), f.draft, f.drafts, dict(f.details).get("holder"))

    present = {(problem(f), f.coalition) for f in findings if f.coalition}
    out = []
    for f in findings:
        if f.coalition:
            holder = dict(f.details).get("holder")
            image = canonical_image(f.coalition, free_classes(instrument, [holder] if isinstance(holder, str) else []),
                                    instrument.parties)
            if image != f.coalition and (problem(f), image) in present:
                continue
        out.append(f)
    return out


def _problem(f: Finding, reps: Collection[str]) -> tuple[object, ...]:
    return (f.kind, f.file, tuple(c.id for c in f.clauses), f.draft, f.drafts, f.expected, _role(f, reps)[0])


def class_phrase(c: PartyClass, *, others: bool = False, unnamed: str = "that the text does not name") -> str:
    """`the 21 parties in eu_members and nato_members that the text does not name` (`others`:
    `the 20 other parties ...`, the first representative left out; `unnamed`: who does not name
    them, `that neither text names` in `nverify diff`)."""
    where = listed(c.groups, "and") if c.groups else "no group"
    count = f"{len(c.members) - 1} other" if others else f"{len(c.members)}"
    return f"the {count} parties in {where} {unnamed}"


def stands_for(taken: Sequence[str], c: PartyClass, *, unnamed: str = "that the text does not name") -> str:
    """`belgium stands for any of the 21 parties ...`; `belgium and bulgaria stand for any 2 of
    ...`: what representatives of class c that a finding or a witness names stand for."""
    if len(taken) == 1:
        return f"{taken[0]} stands for any of {class_phrase(c, unnamed=unnamed)}"
    return f"{listed(taken, 'and')} stand for any {len(taken)} of {class_phrase(c, unnamed=unnamed)}"


def _lifted(f: Finding, classes: Sequence[PartyClass], order: Sequence[str]) -> Finding:
    if f.kind in _NEVER:
        return f
    if f.coalition:
        return _coalition(f, classes)
    role, names = _role(f, {c.representatives[0] for c in classes})
    if role is None:
        return f
    hit = [c for c in classes if c.representatives[0] in names]
    if not hit:
        return f
    lifted: list[str] = []
    for n in names:
        c = next((c for c in hit if n in c.members), None)
        if c is None:
            lifted.append(n)
        elif n == c.representatives[0]:
            lifted.extend(c.members)
    shown = names[0]
    named = [n for n in names[1:] if not any(n in c.members for c in hit)]
    counted = []
    for c in hit:
        if len(c.members) <= LISTED:  # a few: named, as verifier.merge names them
            named += [m for m in c.members if m != shown]
        else:
            counted.append(f"each of {class_phrase(c, others=c.representatives[0] == shown)}")
    # In declaration order, then the classes counted.
    rank = {p: i for i, p in enumerate(order)}
    parts = sorted(named, key=lambda n: rank.get(n, len(rank))) + counted
    message = likewise(unmerged_message(f), parts, shown)
    return dataclasses.replace(f, message=message, merged=tuple(sorted(dict.fromkeys(lifted), key=lambda n: rank.get(n, len(rank)))), merged_on=role)


def _role(f: Finding, reps: Collection[str] = ()) -> tuple[str | None, list[str]]:
    """Where the finding names a representative it is about: the parties it was merged on,
    else its `party` or the detail that names the accused or the holder (verifier.merge's
    roles), the first of these that names one of `reps`; with the names there."""
    if f.merged_on:
        return f.merged_on, list(f.merged)
    details = dict(f.details)
    for key, value in (("party", f.party), *((k, details.get(k)) for k in _PARTY_DETAILS)):
        if isinstance(value, str) and value in reps:
            return key, [value]
    return None, []


# Details that name the party a finding is about when `party` is someone else (the claimant
# of a pretext accuses `against`; a veto's `holder` holds the permission).
_PARTY_DETAILS = ("against", "holder")


def _coalition(f: Finding, classes: Sequence[PartyClass]) -> Finding:
    """A coalition with representatives: `any 2 of ...` for them."""
    notes = []
    for c in classes:
        taken = [m for m in f.coalition if m in c.representatives]
        if taken:
            notes.append(stands_for(taken, c))
    if not notes:
        return f
    return dataclasses.replace(f, message=f"{f.message} ({'; '.join(notes)})")


__all__ = ["canonical", "canonical_coalition", "class_phrase", "free_classes", "full_count", "lift", "renamings",
           "stands_for"]
