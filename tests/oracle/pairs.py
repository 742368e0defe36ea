"""Random inputs for `nverify diff` and `nverify negotiate`, small enough to enumerate.

`diff_pair(chooser)` writes two texts over one world (the second a revision of
the first: clauses kept, reworded, dropped or added, the situation changed,
an act only one of them declares) and the drafts to compare; one pair in three is one text against itself in
two drafts. `negotiation(chooser)` writes a spec with brackets (conditions,
clauses and figures) and goals of every form. Both build on the clause and
condition writers of `tests.oracle.gen`, under the same `Chooser`, so they run
seeded (campaigns) and under hypothesis (shrinking).
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.oracle.gen import Chooser, Gen, Pred, World, chance, pick

GOAL_KINDS = ("conflict", "hollow-permission", "pretext", "contradiction", "blockable-guarantee", "vacuous-guarantee")


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    draft_a: str | None  # `@DRAFT` of each side, None for the file as it stands
    draft_b: str | None


def _assume(g: Gen, w: World) -> str:
    return f"assume {g.condition(w, [], 1)};"


def diff_pair(ch: Chooser) -> Pair:
    g = Gen(ch)
    w, head = g.world()
    assume = _assume(g, w) if chance(ch, 30) else ""
    made = [False]
    clauses = [g.clause(w, i, made) for i in range(ch.integer(1, 3))]
    a = "\n".join([*head, assume, *clauses]) + "\n"
    if chance(ch, 33):
        labels = ["base", *w.parties]
        return Pair(a, a, pick(ch, labels), pick(ch, labels))
    head_b = list(head)
    extra = chance(ch, 25)
    if extra:
        # B declares an act A does not know (the pair may be swapped: then A has it)
        act = Pred("act", "act9", [("actor", "party")] + ([("y", "bool")] if chance(ch, 50) else []), 0)
        w.preds.append(act)
        head_b.append(f"act act9({', '.join(f'{n}: {t}' for n, t in act.params)});")
    revised = []
    for i, c in enumerate(clauses):
        form = ch.integer(0, 9)
        if form <= 4:
            revised.append(c)
        elif form <= 8:
            revised.append(g.clause(w, i, made))
    if extra:
        # a clause on the new act (the only act it can name)
        preds = w.preds
        w.preds = [p for p in preds if p.kind != "act" or p.name == "act9"]
        revised.append(g.clause(w, len(clauses), made))
        w.preds = preds
    elif chance(ch, 30) or not revised:
        revised.append(g.clause(w, len(clauses), made))
    if chance(ch, 25):
        assume = _assume(g, w) if not assume or chance(ch, 50) else ""
    b = "\n".join([*head_b, assume, *revised]) + "\n"
    return Pair(b, a, None, None) if extra and chance(ch, 50) else Pair(a, b, None, None)


def negotiation(ch: Chooser) -> str:
    """A spec with brackets and 1-4 goals (some of each party)."""
    g = Gen(ch)
    w, head = g.world()
    lines = list(head)
    if chance(ch, 25):
        lines.append(_assume(g, w))
    made = [False]
    clauses = [g.clause(w, i, made) for i in range(ch.integer(1, 3))]
    if w.quantity is not None and chance(ch, 60):
        lo, hi = sorted((ch.integer(0, 4), ch.integer(0, 5)))
        owner = pick(ch, w.parties)
        a, b = w.parties[0], w.parties[1]
        clauses.append(f'clause cap "Annex" {{\n  limit q({owner}) <= [{a}: {lo} | {b}: {hi}];\n}}')
        w.clauses.append("cap")
    if not any("[" in c for c in clauses):
        label = pick(ch, w.parties)
        clauses.append(f'clause br "Art. B" {{\n  [{label}: {g.norm(w, len(clauses), made)}]\n}}')
        w.clauses.append("br")
    lines += clauses
    for i in range(ch.integer(1, 4)):
        party = pick(ch, w.parties)
        form = pick(ch, ["possible", "possible", "always", "figure", "figure", "no", "no", "no", "some"])
        if form == "figure" and w.quantity is not None:
            # a party's figure: room for at least N, or a cap of at most N (against the bracket's range)
            owner = pick(ch, w.parties)
            body = pick(ch, [f"possible q({owner}) >= {ch.integer(0, 5)}", f"always q({owner}) <= {ch.integer(0, 5)}"])
        elif form in ("possible", "always", "figure"):
            body = f"{'always' if form == 'always' else 'possible'} {g.condition(w, [], 1)}"
        else:
            parts = [pick(ch, GOAL_KINDS)]
            if chance(ch, 50):
                parts.append(f"on {pick(ch, w.clauses)}")
            if chance(ch, 40):
                parts.append(f"by {pick(ch, w.parties)}")
            body = f"{form} {' '.join(parts)}"
        lines.append(f'goal {party} "g{i + 1}": {body};')
    return "\n".join(lines) + "\n"
