"""Coalitions: the minimal groups of parties that achieve something together.

A guarantee decided by majority cannot be stopped by one guarantor, but two may
stop it together; an aggressor and its patron may. The checks that ask what a
party can do alone (block a guarantee, veto a permission) ask it of every
group of up to `--coalition-size` parties, and report a group only when no
smaller group within it achieves the same (DESIGN §12). (A self-granted permission asks
which groups with its holder can put it in force: minimal among all groups, with the holder
or without, so verifier.checks.self_granted_permission keeps its own list.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from dsl.model import PartyClass
from verifier.checks.context import CheckContext
from verifier.coalition_screen import none_achieve
from verifier.encode import BoolTerm, Model, VarKey
from verifier.findings import Finding
from verifier.merge import listed
from verifier.symmetry import canonical_coalition

Coalition = tuple[str, ...]  # members in declaration order


@dataclass(frozen=True)
class Outcome:
    """What a coalition's search gave: a finding, and whether it shows that the coalition
    achieves the thing (False for `unknown`, which proves nothing either way)."""

    finding: Finding
    achieved: bool


def minimal_coalitions(candidates: Sequence[str], size: int,
                       test: Callable[[Coalition], Outcome | None],
                       classes: Sequence[PartyClass] = (),
                       screen: Callable[[int, Sequence[frozenset[str]]], bool] | None = None) -> list[Finding]:
    """The findings of every coalition of up to `size` candidates (in the order given, smaller
    groups first) that `test` says achieves the thing, and of no coalition that contains one
    that does. Unknown outcomes are reported and do not hide larger coalitions.

    With classes of interchangeable parties, only the coalitions that take each class's
    representatives in order are asked (verifier.symmetry): the others are renamings of them,
    and a group within a canonical coalition that achieves the thing is, renamed, a canonical
    group within it too.

    `screen(k, found)` (`none_left`), if given, is asked before the coalitions of k members when there
    are several to ask: True when it proves that no coalition of k to `size` members that
    contains none of those found achieves the thing, which ends the search there."""
    found: list[frozenset[str]] = []
    out: list[Finding] = []
    for k in range(1, size + 1):
        # (A group within one of the same size is the same group: `found` grows within a level
        # only by coalitions the level's other coalitions do not contain.)
        level = [c for c in combinations(candidates, k)
                 if (not classes or canonical_coalition(c, classes)) and not any(s <= frozenset(c) for s in found)]
        if screen is not None and len(level) > 1 and screen(k, found):
            break
        for coalition in level:
            outcome = test(coalition)
            if outcome is None:
                continue
            out.append(outcome.finding)
            if outcome.achieved:
                found.append(frozenset(coalition))
    return out


def none_left(ctx: CheckContext, tag: str, purpose: str, candidates: Sequence[str],
              decides: Mapping[str, Iterable[VarKey]], lawful: Callable[[str], BoolTerm] | None,
              guess: Sequence[BoolTerm], formula: BoolTerm,
              assumptions: Sequence[BoolTerm] | Callable[[Model], Sequence[BoolTerm]], first: Model | None,
              at_least: int, found: Sequence[frozenset[str]]) -> bool:
    """Whether no coalition of `at_least` to ctx.coalition_size candidates, containing none `found`,
    can make `formula` (under the world and the draft) unanswerable (verifier.coalition_screen):
    `guess` is what the guess side asks besides the world and the draft."""
    enc = ctx.enc
    world, draft = enc.assumptions(ctx.readings), enc.draft_literals(ctx.draft)
    return none_achieve(ctx.session, tag=tag, purpose=purpose, candidates=candidates, decides=decides, lawful=lawful,
                        base=ctx.guess_base(("world",), [world, *draft]), guess=[world, *draft, *guess],
                        formula=formula, assumptions=assumptions, first=first, at_least=at_least,
                        at_most=ctx.coalition_size, excluded=found)


def coalition_phrase(members: Sequence[str]) -> str:
    """`russia`, `usa and uk`, `usa, uk and france`."""
    return listed(members, "and") if members else ""


def lawful_conduct(ctx: CheckContext, coalition: Coalition, event_keys: set[VarKey]) -> BoolTerm:
    """Comp⁻_C (DESIGN §12): the members' compliance with each of their norms that mentions no
    atom of the event. A block counts only while its members breach nothing, but a member's
    duty not to cause the event itself (its non-aggression) does not hide its veto: a vote
    the treaty obliges is no lawful block, an attack is what the guarantee answers."""
    parts = [formula for member in coalition for formula, keys in ctx.norms_mentioning(member)
             if keys.isdisjoint(event_keys)]
    return ctx.enc.conj(parts)


__all__ = ["Coalition", "Outcome", "coalition_phrase", "lawful_conduct", "minimal_coalitions", "none_left"]
