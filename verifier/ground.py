"""Instrument -> Vocabulary: the finite atoms of a scenario and who controls each.

Every fact and act instance (one per combination of parameter values, except those
where an `other party` parameter is the first: those do not exist) is a Boolean atom; every quantity instance an integer. Control follows DESIGN
section 1: an act is decided by its actor, a fact or quantity by the party in
its `controlled by` parameter; everything else is a circumstance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import product

from dsl import estimate
from dsl.model import AtomKey, Horizon, Instrument, step_of

MAX_ATOMS = estimate.MAX_ATOMS  # (checked on the syntax, before elaboration: dsl.estimate)


@dataclass(frozen=True)
class Vocabulary:
    atoms: tuple[AtomKey, ...]       # facts and acts, in declaration order
    quantities: tuple[AtomKey, ...]
    controller: dict[AtomKey, str | None]  # atom or quantity -> the party that decides it
    kind: dict[str, str]             # predicate -> "fact" | "act" | "quantity"
    # What each party decides, atoms then quantities in declaration order: asked for per party,
    # guarantee and permission, so made once with the vocabulary (`controlled`), in one pass
    # (a pass per party cost parties x atoms on a real membership).
    _controlled: dict[str, tuple[AtomKey, ...]] = field(default_factory=dict, compare=False, repr=False)

    def controlled_by(self, party: str) -> tuple[AtomKey, ...]:
        return self._controlled.get(party, ())  # (a party that decides nothing: none)

    def deciders(self, keys: Iterable[object]) -> set[str]:
        """The parties that decide something among keys (atoms, quantities; anything else,
        such as an open term, is decided by nobody)."""
        controller = self.controller
        # (An open term's key is no atom's: `get` gives None. The table is typed by atom keys.)
        return {who for who in (controller.get(k) for k in keys) if who is not None}  # type: ignore[call-overload]


def estimate_atoms(instrument: Instrument) -> int:
    """How many ground atoms the instrument has, without building them."""
    total = 0
    for pred in instrument.predicates.values():
        n = 1
        for p in pred.params:
            n *= len(instrument.domain(p.type))
        total += n
    return total


def vocabulary(instrument: Instrument) -> Vocabulary:
    atoms: list[AtomKey] = []
    quantities: list[AtomKey] = []
    controller: dict[AtomKey, str | None] = {}
    kind: dict[str, str] = {}
    for pred in instrument.predicates.values():
        kind[pred.name] = pred.kind
        # (A party's act towards itself, `other party`, is no atom: it is in no world.)
        instances = pred.existing(product(*(instrument.domain(p.type) for p in pred.params)))
        name = pred.name
        keys = [(name, args) for args in instances]
        (quantities if pred.kind == "quantity" else atoms).extend(keys)
        control = pred.control
        if control is None:
            controller.update(dict.fromkeys(keys))
        else:
            controller.update({key: str(key[1][control]) for key in keys})
    return Vocabulary(tuple(atoms), tuple(quantities), controller, kind, controlled(atoms, quantities, controller))


def controlled(atoms: list[AtomKey], quantities: list[AtomKey],
               controller: dict[AtomKey, str | None]) -> dict[str, tuple[AtomKey, ...]]:
    """Each party's atoms, then its quantities, in declaration order."""
    lists: dict[str, list[AtomKey]] = {}
    for key in (*atoms, *quantities):
        who = controller[key]
        if who is not None:
            lists.setdefault(who, []).append(key)
    return {who: tuple(keys) for who, keys in lists.items()}


def format_atom(key: AtomKey, horizon: Horizon | None = None) -> str:
    """`armed_attack(russia, ukraine, mainland)`: how an atom is shown to people; in a timed
    spec with its step, `... at day 3` (`@3` where the horizon is not at hand: solver names)."""
    (name, args), step = step_of(key)
    shown = ", ".join(("true" if a else "false") if isinstance(a, bool) else str(a) for a in args)
    if step is None:
        return f"{name}({shown})"
    return f"{name}({shown}) " + (f"at {horizon.label(step)}" if horizon is not None else f"@{step}")
