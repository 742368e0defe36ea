"""The oracle of `nverify diff`: every difference between two texts, by enumerating worlds.

From DESIGN §10 (diff A→B) and docs/language.md ("Comparing texts"): both
texts are read over one space of worlds (an atom, quantity or open term with
the same name is the same variable; worlds satisfy the assumptions of both).
For the baseline and each claimant's readings:

* the whole texts: B is equivalent (no world separates them), stricter (some
  world complies with A and not B, none the reverse), more permissive, or
  incomparable;
* per clause (its obligations and prohibitions), per act (every norm on it),
  per permitted act (some instance granted by one text and not the other),
  per guarantee (its trigger): the worlds where the verdict changes;
* under the baseline, each text's pretexts (checked on that text alone): the
  ones that appear or disappear.

Each direction is a set of worlds (`tests.oracle.space` bit sets); nverify's
witness must be a member and have the fewest true atoms in it. Both texts are
read by the oracle's own front end (`tests.oracle.front`); nothing here
imports z3, the verifier or the elaborator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tests.oracle.front import Model, Norm
from tests.oracle.oracle import Oracle, drafts, respected, subjects, terms_used
from tests.oracle.oracle import claimants as claimants_of
from tests.oracle.space import Evaluator, Space

Readings = dict[str, str | None]

WHOLE = {(False, False): "equivalent", (True, False): "stricter", (False, True): "more permissive",
         (True, True): "incomparable"}
CLAUSE_WORDS = ("conduct compliant with A becomes a breach in B", "conduct in breach of A becomes compliant in B")
ACT_WORDS = ("what A allows becomes a breach in B", "what A forbids becomes allowed in B")
PERMISSION_WORDS = ("permitted in B, not in A", "permitted in A, no longer in B")
GUARANTEE_WORDS = ("the guarantee stops triggering in B", "the guarantee starts triggering in B")
PRETEXT_WORDS = ("the pretext disappears in B", "a pretext appears in B")


@dataclass(frozen=True)
class Key:
    """One difference as `nverify diff` lists it."""

    aspect: str      # clause | act | permission | guarantee | pretext
    subject: str
    direction: str
    reading: str     # "baseline" or the claimant


@dataclass
class Expected:
    relations: dict[str, tuple[str, int, int]]   # reading -> (relation, worlds A-not-B, worlds B-not-A)
    differences: dict[Key, list[int]]            # world sets, one per norm/guarantee (pretexts: 0, unchecked)


def first_draft(model: Model) -> tuple[str | None, dict[str, str]]:
    """The draft a side without `@DRAFT` is read in: `base` if it can be formed, else the first."""
    return drafts(model)[0]


def named_draft(model: Model, name: str) -> dict[str, str] | None:
    """A party's draft (or `base`): its alternative where it has one, the base text elsewhere;
    None when some bracket has neither (docs/language.md, "Bracketed revisions")."""
    out = {}
    for ident, labels in model.brackets.items():
        if name in labels or "base" in labels:
            out[ident] = name if name in labels else "base"
        else:
            return None
    return out


def reading_sets(a: Model, b: Model) -> list[tuple[str, Readings, Readings]]:
    """The baseline, then each party that names a reading in either text (A's parties first)."""
    def base(i: Model) -> Readings:
        return {name: ("ordinary" if "ordinary" in t.readings else None) for name, t in i.terms.items()}

    ra, rb = base(a), base(b)
    out = [("baseline", ra, rb)]
    order = list(a.parties) + list(b.parties)
    for q in sorted(set(claimants_of(a)) | set(claimants_of(b)), key=order.index):
        qa = {t: (q if q in a.terms[t].readings else r) for t, r in ra.items()}
        qb = {t: (q if q in b.terms[t].readings else r) for t, r in rb.items()}
        if qa != ra or qb != rb:
            out.append((q, qa, qb))
    return out


class DiffOracle:
    def __init__(self, a: Model, draft_a: dict[str, str], b: Model, draft_b: dict[str, str]) -> None:
        self.a, self.b = a, b
        self.da, self.db = draft_a, draft_b
        open_terms = {name for i in (a, b) for name, t in i.terms.items() if "ordinary" not in t.readings}
        self.space = Space(a, sorted(open_terms), [b])
        # What a witness's size counts (verifier.minimal: its soft literals): atoms and open terms.
        self.atom_vars = [i for i, v in enumerate(self.space.vars) if v.kind in ("atom", "term")]

    def evaluator(self, side: Model, readings: Readings, draft: dict[str, str]) -> Evaluator:
        ev = Evaluator(self.space, readings, draft)
        ev.model = side  # vague terms are read as this text defines them
        return ev

    # ---- world sets ----------------------------------------------------------------------------
    def comp(self, ev: Evaluator, norms: Iterable[Norm]) -> int:
        out = self.space.ALL
        for n in norms:
            for s in n.subjects:
                out &= respected(ev, n, s)
        return out

    @staticmethod
    def grants(ev: Evaluator, norms: Iterable[Norm]) -> dict[tuple[object, ...], int]:
        """Act instance -> the worlds where a permission grants it."""
        out: dict[tuple[object, ...], int] = {}
        for n in norms:
            for s in n.subjects:
                for case in n.cases.get(s, ()):
                    key = (n.act, s, *case.args)
                    out[key] = out.get(key, 0) | (ev.holds(case.cond) & ev.holds(case.where))
        return out

    @staticmethod
    def trigger(ev: Evaluator, n: Norm) -> int:
        out = 0
        for s in n.subjects:
            out |= ev.holds(n.trigger[s])
        return out

    # ---- the answer ------------------------------------------------------------------------------
    def expected(self) -> Expected:
        out = Expected({}, {})
        for name, ra, rb in reading_sets(self.a, self.b):
            ev_a, ev_b = self.evaluator(self.a, ra, self.da), self.evaluator(self.b, rb, self.db)
            world = self.space.ALL
            for f in self.a.assumptions:
                world &= ev_a.holds(f)
            for f in self.b.assumptions:
                world &= ev_b.holds(f)
            self._whole(out, name, world, ev_a, ev_b)
            self._clauses(out, name, world, ev_a, ev_b)
            self._acts(out, name, world, ev_a, ev_b)
            self._permissions(out, name, world, ev_a, ev_b)
            self._guarantees(out, name, world, ev_a, ev_b)
        self._pretexts(out)
        return out

    def _pair(self, out: Expected, key: tuple[str, str, str], words: tuple[str, str], world: int, fa: int,
              fb: int) -> None:
        aspect, subject, reading = key
        for direction, worlds in zip(words, (world & fa & ~fb, world & fb & ~fa), strict=True):
            if worlds:
                out.differences.setdefault(Key(aspect, subject, direction, reading), []).append(worlds)

    def _whole(self, out: Expected, name: str, world: int, ev_a: Evaluator, ev_b: Evaluator) -> None:
        ca, cb = self.comp(ev_a, self.a.norms), self.comp(ev_b, self.b.norms)
        ab, ba = world & ca & ~cb, world & cb & ~ca
        out.relations[name] = (WHOLE[(bool(ab), bool(ba))], ab, ba)

    def _clauses(self, out: Expected, name: str, world: int, ev_a: Evaluator, ev_b: Evaluator) -> None:
        ids_a = [c.id for c in self.a.clauses]
        ids_b = [c.id for c in self.b.clauses]
        for cid in dict.fromkeys([*ids_a, *ids_b]):
            na = [n for n in self.a.clause(cid).norms if n.modality != "may"] if cid in ids_a else []
            nb = [n for n in self.b.clause(cid).norms if n.modality != "may"] if cid in ids_b else []
            if na or nb:
                self._pair(out, ("clause", cid, name), CLAUSE_WORDS, world, self.comp(ev_a, na), self.comp(ev_b, nb))

    def _acts(self, out: Expected, name: str, world: int, ev_a: Evaluator, ev_b: Evaluator) -> None:
        acts = [p.name for i in (self.a, self.b) for p in i.predicates.values() if p.kind == "act"]
        for act in dict.fromkeys(acts):
            na = [n for n in self.a.norms if n.act == act and n.modality != "may"]
            nb = [n for n in self.b.norms if n.act == act and n.modality != "may"]
            if na or nb:
                self._pair(out, ("act", act, name), ACT_WORDS, world, self.comp(ev_a, na), self.comp(ev_b, nb))

    def _permissions(self, out: Expected, name: str, world: int, ev_a: Evaluator, ev_b: Evaluator) -> None:
        acts = sorted({n.act for i in (self.a, self.b) for n in i.norms if n.modality == "may" and n.act})
        for act in acts:
            ga = self.grants(ev_a, (n for n in self.a.norms if n.act == act and n.modality == "may"))
            gb = self.grants(ev_b, (n for n in self.b.norms if n.act == act and n.modality == "may"))
            more = less = 0
            for k in {*ga, *gb}:
                more |= gb.get(k, 0) & ~ga.get(k, 0)
                less |= ga.get(k, 0) & ~gb.get(k, 0)
            for direction, worlds in zip(PERMISSION_WORDS, (world & more, world & less), strict=True):
                if worlds:
                    out.differences.setdefault(Key("permission", act, direction, name), []).append(worlds)

    def _guarantees(self, out: Expected, name: str, world: int, ev_a: Evaluator, ev_b: Evaluator) -> None:
        ta = {f"{n.clause}#{n.index}": n for n in self.a.norms if n.protects is not None}
        tb = {f"{n.clause}#{n.index}": n for n in self.b.norms if n.protects is not None}
        for key in dict.fromkeys([*ta, *tb]):
            fa = self.trigger(ev_a, ta[key]) if key in ta else 0
            fb = self.trigger(ev_b, tb[key]) if key in tb else 0
            self._pair(out, ("guarantee", key.split("#")[0], name), GUARANTEE_WORDS, world, fa, fb)

    def _pretexts(self, out: Expected) -> None:
        pa, pb = pretexts(self.a, self.da), pretexts(self.b, self.db)
        for key in [*pa, *(k for k in pb if k not in pa)]:
            if (key in pa) != (key in pb):
                direction = PRETEXT_WORDS[0] if key in pa else PRETEXT_WORDS[1]
                out.differences.setdefault(Key("pretext", key[0], direction, "baseline"), []).append(0)

    # ---- witnesses ----------------------------------------------------------------------------------
    def fewest_atoms(self, worlds: int) -> int | None:
        """The fewest true atoms (facts, acts, open terms) of a world in the set; None if it is empty."""
        sp = self.space
        layers = [sp.ALL]  # layers[k]: the worlds with k true atoms among those seen so far
        for i in self.atom_vars:
            on, off = sp.mask(i, 1), sp.mask(i, 0)
            layers = [(layers[k] & off if k < len(layers) else 0) | (layers[k - 1] & on if k else 0)
                      for k in range(len(layers) + 1)]
        return next((k for k, layer in enumerate(layers) if layer & worlds), None)


def pretexts(model: Model, draft: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """(clause, term, claimant, against) of every pretext of one text under its baseline readings."""
    oracle = Oracle(model)
    readings = {name: ("ordinary" if "ordinary" in t.readings else None) for name, t in model.terms.items()}
    ctx = oracle.context(draft, readings)
    found = []
    for q in claimants_of(model):
        for clause in model.clauses:
            for term in terms_used(clause):
                if q not in model.terms[term].readings or readings.get(term) == q:
                    continue
                for p in subjects(clause):
                    if p != q and ctx.pretext(q, clause.id, term, p):
                        found.append((clause.id, term, q, p))
    return found
