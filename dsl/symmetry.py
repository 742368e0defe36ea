"""Interchangeable parties: the spec cannot tell them apart, so a few of them stand for all.

Two parties are interchangeable when no declaration but the party list and the group
lists names either of them, and they belong to the same groups among those a formula reads
(a group that nothing but its declaration names tells no one apart). Swapping them maps the
spec onto itself, so every question asked of one has the renamed answer for the other:
the 21 NATO members that are also EU members and that no clause names behave alike.

Such a class is checked with a few representatives (the first in declaration order) and
the others are left out of the world before anything is grounded. How many stand for the
class is what the questions need (DESIGN section 12): two for the single-party and
pairwise checks (a party and another of its kind); one more than the largest coalition
asked about, so that a coalition of representatives is never the whole class (a guarantee
that any member can trigger cannot be kept from triggering by two of five members, but it
can by two of two); and, for a count over a set that holds the class, its largest bound
plus the largest coalition plus one (a coalition of two forces "at most 2 of G" when at
most two members are left outside it).
A count by majority depends on the size of its set, so a class inside such a set keeps
every member. Each finding about a representative stands for every member of its class
(`verifier.symmetry` says so in the report).

The rule is exact for the renaming (the answer for one member is the answer for any);
that a few representatives give the same findings as the whole class is checked against
the full world in tests (`tests/unit/test_symmetry.py`) and by `--no-symmetry`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from dsl import syntax as S
from dsl.model import PartyClass

MIN_REPRESENTATIVES = 2  # a party and another of the same kind
COALITION_SIZE = 2  # the largest coalition asked about by default (`--coalition-size`)


# What a spec's declarations show the classes (`_summary`), by the spec's id: the spec is held
# with it, so the id stays its own. One per loading (`dsl.loader.load`), which parses each file
# once: a module that every instrument imports (world.nv) is walked once, not once for each.
Summaries = dict[int, tuple[S.Spec, "Summary"]]


@dataclasses.dataclass(frozen=True, slots=True)
class Summary:
    written: frozenset[str]  # every name written outside the party and group lists
    counts: tuple[tuple[str, int | None], ...]  # (set, largest bound or None for a majority) of every count


def classes(specs: list[S.Spec], coalition_size: int, also: Sequence[list[S.Spec]] = (),
            known: Summaries | None = None) -> tuple[PartyClass, ...]:
    """The classes of interchangeable parties of specs (two members or more), each with its
    representatives: all its members when it needs as many. `also`: other specs that must
    keep the same parties (the other side of a comparison): a class is then of parties
    interchangeable in every one of them, with as many representatives as the most needs.
    `known`: the summaries of specs read before (see `Summaries`), added to."""
    known = {} if known is None else known
    sides = [_Side(s, coalition_size, known) for s in (specs, *also)]
    by_key: dict[tuple[tuple[str, ...], ...], list[str]] = {}
    for p in parties(specs):
        if any(p in side.named or p not in side.declared for side in sides):
            continue
        by_key.setdefault(tuple(side.groups_of(p) for side in sides), []).append(p)
    out = []
    for key, members in by_key.items():
        if len(members) < 2:
            continue
        needs = [side.need(groups) for side, groups in zip(sides, key, strict=True)]
        need = None if None in needs else max(n for n in needs if n is not None)
        # A class no larger than it needs keeps every member, and still is one: its questions
        # are asked up to renaming (verifier.symmetry), and its findings said of it.
        out.append(PartyClass(tuple(members), key[0], tuple(members if need is None else members[:need])))
    return tuple(out)


class _Side:
    """One spec with its imports, as the classes see it: the parties it names, the groups a
    formula reads and who is in them, its counts."""

    def __init__(self, specs: list[S.Spec], coalition_size: int, known: Summaries) -> None:
        self.declared = set(parties(specs))
        summaries = [_summary(spec, known) for spec in specs]
        # (The names written outside the lists are both the parties named and the groups a
        # formula reads.)
        self.named: set[str] = set().union(*(s.written for s in summaries))
        self.coalition_size = coalition_size
        self.members: dict[str, set[str]] = {}
        for spec in specs:
            for d in spec.decls:
                if isinstance(d, S.GroupDecl):
                    self.members.setdefault(d.name.text, set()).update(m.text for m in d.members)
        # A group that nothing but its declaration names is read by no formula: it tells its
        # members apart from no one (world.nv's `eu_members` in a spec about the guarantors).
        self.read = self.named
        self.counts = [c for s in summaries for c in s.counts]

    def groups_of(self, party: str) -> tuple[str, ...]:
        return tuple(sorted(g for g, members in self.members.items() if party in members and g in self.read))

    def need(self, groups: tuple[str, ...]) -> int | None:
        return _representatives(set(groups), self.counts, self.coalition_size)


def parties(specs: list[S.Spec]) -> tuple[str, ...]:
    """Every party of specs, in declaration order."""
    return tuple(dict.fromkeys(n.text for spec in specs for d in spec.decls if isinstance(d, S.PartyDecl)
                               for n in d.names))


def reduce(specs: list[S.Spec], found: tuple[PartyClass, ...]) -> list[S.Spec]:
    """specs with the parties each class leaves out removed from the party and group lists."""
    gone = {p for c in found for p in c.left_out}
    if not gone:
        return specs
    out = []
    for spec in specs:
        decls: list[S.Decl] = []
        for d in spec.decls:
            if isinstance(d, S.PartyDecl):
                d = dataclasses.replace(d, names=tuple(n for n in d.names if n.text not in gone))
            elif isinstance(d, S.GroupDecl):
                d = dataclasses.replace(d, members=tuple(n for n in d.members if n.text not in gone))
            decls.append(d)
        out.append(dataclasses.replace(spec, decls=tuple(decls)))
    return out


def _representatives(groups: set[str], counts: list[tuple[str, int | None]], coalition_size: int) -> int | None:
    """How many members of a class in `groups` the questions need; None: all of them."""
    need = max(MIN_REPRESENTATIVES, coalition_size + 1)
    for set_name, bound in counts:
        if set_name != "party" and set_name not in groups:
            continue  # a count over a set without this class
        if bound is None:
            return None  # a majority: depends on how many there are
        # More members outside any coalition than the bound: what a coalition can force on a
        # count ("at most 2 of G") must not come from the class running out of members.
        need = max(need, bound + coalition_size + 1)
    return need


def _summary(spec: S.Spec, known: Summaries) -> Summary:
    """The spec's summary, from `known` or by one walk of its declarations: every name written
    outside the party and group lists (a party named there is no one's to rename, and a group
    is read by a formula only through its name written there); and every count's set and
    bound, its largest, or None for a majority (a count over a literal set counts named parties
    only, which no class holds)."""
    found = known.get(id(spec))
    if found is not None:
        return found[1]
    written: set[str] = set()
    counts: list[tuple[str, int | None]] = []
    for d in spec.decls:
        if isinstance(d, (S.PartyDecl, S.GroupDecl)):
            continue
        for node in _walk(d):
            if isinstance(node, S.Name):
                written.add(node.text)
            elif isinstance(node, S.Count) and isinstance(node.binder.set, S.SetName):
                if node.bound is None:
                    counts.append((node.binder.set.name.text, None))
                else:
                    numbers = [n.value for n in _walk(node.bound) if isinstance(n, S.Number)]
                    counts.append((node.binder.set.name.text, max(numbers, default=0)))
    summary = Summary(frozenset(written), tuple(counts))
    known[id(spec)] = (spec, summary)
    return summary


# The fields of each syntax class that can hold nodes or names (not its span or header).
_FIELDS: dict[type, tuple[str, ...]] = {}


def _walk(node: object) -> list[object]:
    """node and every syntax node or name under it (a spec of real memberships has tens of
    thousands, walked for every instrument that imports it: by a stack, not by generators)."""
    out: list[object] = []
    stack = [node]
    while stack:
        item = stack.pop()
        out.append(item)
        if isinstance(item, tuple):
            stack.extend(reversed(item))
            continue
        kind = type(item)
        names = _FIELDS.get(kind)
        if names is None:
            names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(item) if f.name not in ("span", "header")) \
                if dataclasses.is_dataclass(item) and not isinstance(item, type) else ()
        if names:
            stack.extend(getattr(item, name) for name in reversed(names))
    return out
