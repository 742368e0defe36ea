"""CheckContext: what every check needs for one instrument, draft and reading set."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial

from dsl import formula as F
from dsl.model import Clause, Instrument, Modality, Norm
from verifier.encode import BoolTerm, Encoder, Model, Readings, VarKey, readings_key, same_terms
from verifier.findings import ClauseRef, Finding, FindingKind, Severity, problem_key
from verifier.ground import Vocabulary
from verifier.qbf import GuessBase
from verifier.session import Session
from verifier.symmetry import canonical, clause_classes
from verifier.witness import Claim, Witness, witness


def in_report(instrument: Instrument, files: set[str]) -> bool:
    """Whether a finding about clauses of these files belongs in the report of `instrument`:
    always for a single file; in a regime, when it involves the regime's own file or crosses
    files (the rest belongs to the report of the one import it concerns)."""
    return len(instrument.files) == 1 or not files or instrument.path in files or len(files) > 1


class Wanted(Exception):
    """The finding a context's `wanted` accepts, raised where it is made: the checks stop there."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


@dataclass
class CheckContext:
    instrument: Instrument
    session: Session
    readings: Readings          # the baseline reading assignment
    draft_name: str | None      # None when the instrument has no brackets
    draft: Mapping[str, str]
    max_findings: int = 8       # per check and subject: MUSes, conflicts, instances
    coalition_size: int = 2     # the largest coalition asked whether it can block, veto or grant
    reading_name: str | None = None  # the claimant whose readings are in force; None: the baseline
    baseline: Readings | None = None  # under a claimant's readings: the baseline ones, for comparison
    findings: list[Finding] = field(default_factory=list)
    # Problems (Finding.problem_key) the report will leave out whatever this context finds:
    # under a claimant's readings, those the baseline has already (pipeline.assemble).
    hidden: frozenset[tuple[object, ...]] = frozenset()
    # Whether the findings go into this instrument's report (pipeline), which leaves out some
    # (see `reported`); `negotiate` and `diff` read every finding of the checks.
    for_report: bool = False
    # `negotiate` asks only whether the checks find something a goal's pattern matches: the
    # first finding `wanted` accepts ends them (`Wanted`), and no finding needs a world shown.
    # (Every check returns each finding it makes, in the order made: tests/unit/test_wanted.py.)
    wanted: Callable[[Finding], bool] | None = None
    # What the questions of this context ask for again and again, remembered for its lifetime.
    _comp: dict[tuple[str, tuple[tuple[str, str | None], ...]], list[BoolTerm]] = field(
        default_factory=dict, init=False, repr=False)
    _party_lits: dict[str, list[BoolTerm]] = field(default_factory=dict, init=False, repr=False)
    _norms_mentioning: dict[str, list[tuple[BoolTerm, frozenset[VarKey]]]] = field(
        default_factory=dict, init=False, repr=False)
    _everyone_same: bool | None = field(default=None, init=False, repr=False)
    _changed: frozenset[str] | None = field(default=None, init=False, repr=False)  # (`unchanged`)
    _comp_unchanged: dict[str, bool] = field(default_factory=dict, init=False, repr=False)
    _party_compliance: dict[str, BoolTerm] = field(default_factory=dict, init=False, repr=False)
    _guess_bases: dict[object, GuessBase] = field(default_factory=dict, init=False, repr=False)
    _clauses: dict[tuple[str | None, bool], list[Clause]] = field(default_factory=dict, init=False, repr=False)
    _controlled_mentions: dict[str, list[tuple[str, set[VarKey]]]] = field(default_factory=dict, init=False,
                                                                           repr=False)

    @property
    def enc(self) -> Encoder:
        return self.session.enc

    @property
    def vocab(self) -> Vocabulary:
        return self.session.enc.vocab

    def fixed(self, readings: Readings | None = None) -> list[BoolTerm]:
        """The world and the draft: assumed in every query of this context."""
        return [self.session.world_lit(readings or self.readings), *self.enc.draft_literals(self.draft)]

    def same_as_baseline(self, build: Callable[[Readings], list[BoolTerm]],
                         reads: Iterable[Norm | F.Formula] | None = None, comp_of: str | None = None) -> bool:
        """Under a claimant's readings: whether the formulas a question depends on are the very
        ones of the baseline (Z3 shares identical terms), so its answer is already known.
        `reads` (and `comp_of`: what `comp` of that party reads besides): the norms and formulas
        they are translated from, if known. When none reads a term whose reading differs
        (`unchanged`), they are, and nothing is built."""
        if self.baseline is None:
            return False
        known = reads is not None and self.unchanged(reads) and (comp_of is None or self.comp_unchanged(comp_of))
        return known or same_terms(build(self.readings), build(self.baseline))

    def unchanged(self, nodes: Iterable[Norm | F.Formula]) -> bool:
        """Under a claimant's readings: whether none of these norms and formulas reads a vague
        term whose reading differs from the baseline's. Their formulas are then the baseline's
        very terms: the encoder keys each translation by the readings of the terms it reads.
        (Asked per permission and party, of a thousand clauses: no formula need be built.)"""
        if self.baseline is None:
            return False
        if self._changed is None:
            self._changed = frozenset(t for t in {*self.readings, *self.baseline}
                                      if self.readings.get(t) != self.baseline.get(t))
        changed, enc = self._changed, self.enc
        return not any(t in changed for node in nodes for t in enc.terms_read(node))

    def comp_reads(self, party: str) -> list[Norm | F.Formula]:
        """What `comp(party, ·)` is translated from: the party's norms of `clauses_of(party)` and
        the assumptions (for `same_as_baseline`)."""
        return [*(n for c in self.clauses_of(party) for n in c.norms if party in n.subjects),
                *self.instrument.assumptions]

    def comp_unchanged(self, party: str) -> bool:
        """`unchanged(comp_reads(party))`, remembered: asked per permission of the party."""
        found = self._comp_unchanged.get(party)
        if found is None:
            found = self._comp_unchanged[party] = self.unchanged(self.comp_reads(party))
        return found

    def everyone_as_baseline(self) -> bool:
        """Under a claimant's readings: whether every party's norms and the assumptions (`comp` of
        each party) are the baseline's. Asked per permission, of some thousand formulas at a
        thousand clauses: remembered."""
        if self.baseline is None:
            return False
        if self._everyone_same is None:
            # (`comp` reads only what `comp_of` names: no other norm, hence the empty `reads`.)
            self._everyone_same = all(self.same_as_baseline(partial(self.comp, p), [], comp_of=p)
                                      for p in self.instrument.parties)
        return self._everyone_same

    def reported(self, clause_ids: Iterable[str]) -> bool:
        """Whether a finding about exactly these clauses can reach the report. A regime leaves
        out what concerns the clauses of one imported file alone (checking that file reports
        it), so the checks skip searches whose findings can only be about such clauses."""
        return not self.for_report or in_report(self.instrument, {self._path_of(c) for c in clause_ids})

    def _path_of(self, clause_id: str) -> str:
        """A clause's file; a protection requirement (`protection_P`, no clause) is the root file's."""
        return self.instrument.clause(clause_id).path if self.instrument.has_clause(clause_id) else self.instrument.path

    def shown(self, kind: FindingKind, clause_ids: list[str], party: str | None,
              coalition: tuple[str, ...] = ()) -> bool:
        """Whether a finding of this problem can reach the report (see `reported`, `hidden`).
        The checks find a minimal world (an Optimize call each) only for findings that can:
        on the corpus, more than half of all findings were of problems left out."""
        if self.wanted is not None:
            return False
        return problem_key(kind, clause_ids, party, coalition) not in self.hidden and self.reported(clause_ids)

    def comp(self, party: str, readings: Readings) -> list[BoolTerm]:
        """The party's norms, clause by clause, and the assumptions, under readings."""
        # Asked for per permission: remembered once made (the session keeps every formula).
        cache = self._comp
        key = (party, readings_key(readings))
        found = cache.get(key)
        if found is None:
            found = cache[key] = [self.enc.assumptions(readings),
                                  *(self.session.norms_of(c.id, readings, party) for c in self.clauses_of(party))]
        return list(found)

    def party_lits(self, party: str) -> list[BoolTerm]:
        """The literals of the clauses that constrain party, under this context's readings (in
        the order of clauses_of): asked for per permission and pretext, remembered."""
        cache = self._party_lits
        found = cache.get(party)
        if found is None:
            found = cache[party] = [self.session.clause_lit(c.id, self.readings, party) for c in self.clauses_of(party)]
        return list(found)

    def compliance_lit(self, party: str) -> BoolTerm:
        """One literal for all of `party_lits` (`Session.compliance_lit`), for questions that
        need no core: a query then assumes one literal, not one per clause."""
        return self.session.compliance_lit(party, self.readings, self.party_compliance(party))

    def party_compliance(self, party: str) -> BoolTerm:
        """The conjunction of the norms of party's clauses (clauses_of) under this context's
        readings, remembered (one term, which Z3 then knows by its id in every question)."""
        cache = self._party_compliance
        found = cache.get(party)
        if found is None:
            found = cache[party] = self.enc.conj(self.session.norms_of(c.id, self.readings, party)
                                                 for c in self.clauses_of(party))
        return found

    def norms_mentioning(self, party: str) -> list[tuple[BoolTerm, frozenset[VarKey]]]:
        """Each of the party's constraining norms (clauses_of, in order) as a formula under this
        context's readings, with the variables it mentions: asked per coalition, remembered."""
        found = self._norms_mentioning.get(party)
        if found is None:
            enc = self.enc
            found = self._norms_mentioning[party] = [
                (formula, frozenset(enc.keys_named(enc.mentioned([formula]))))
                for clause in self.clauses_of(party) for norm in clause.norms
                if norm.modality is not Modality.MAY and party in norm.subjects
                for formula in [enc.norm(norm, party, self.readings)]]
        return found

    def guess_base(self, key: object, formulas: list[BoolTerm]) -> GuessBase:
        """A side solver holding formulas that many exists-forall searches of this context
        share (see verifier.qbf `base`), made once per key."""
        cache = self._guess_bases
        base = cache.get(key)
        if base is None:
            base = cache[key] = GuessBase.of(self.session, formulas)
        return base

    def controlled_mentions(self, party: str) -> list[tuple[str, set[VarKey]]]:
        """Each of the party's constraining clauses (in order) with the variables the party controls
        that its norms mention, under this context's readings: remembered per party."""
        found = self._controlled_mentions.get(party)
        if found is None:
            enc, controlled = self.enc, set(self.vocab.controlled_by(party))
            found = self._controlled_mentions[party] = [
                (c.id, {k for k in enc.keys_named(enc.mentioned([self.session.norms_of(c.id, self.readings, party)]))
                        if k in controlled}) for c in self.clauses_of(party)]
        return found

    def clauses_of(self, party: str | None = None, *, constraining: bool = True) -> list[Clause]:
        """Clauses with norms (obligations or prohibitions when `constraining`) addressed to party."""
        # Asked for per permission, pretext and party: remembered for this context.
        cache = self._clauses
        found = cache.get((party, constraining))
        if found is None:
            found = cache[(party, constraining)] = self._clauses_of(party, constraining)
        return list(found)

    def _clauses_of(self, party: str | None, constraining: bool) -> list[Clause]:
        out = []
        for c in self.instrument.clauses:
            for n in c.norms:
                if constraining and n.modality is Modality.MAY:
                    continue
                if party is None or party in n.subjects:
                    out.append(c)
                    break
        return out

    def parties_with_norms(self) -> list[str]:
        parties = {s for n in self.instrument.norms if n.modality is not Modality.MAY for s in n.subjects}
        # Of interchangeable parties, only the first is asked (verifier.symmetry): each is asked
        # about all its norms, which a renaming within a class maps onto the other's.
        return canonical([p for p in self.instrument.parties if p in parties], clause_classes(self.instrument))

    def precedence(self, clause_ids: list[str]) -> str:
        """`; in this regime, ukraine_constitution has rank 2 and istanbul_2022 rank 1`, when the
        clauses' instruments have different ranks: the ranks as facts, highest first. What
        follows from them (which text must give way, or be amended) is for the spec's notes
        to say: a domestic court and an international one answer differently."""
        clauses = [self.instrument.clause(c) for c in clause_ids]
        ranks = dict(sorted({c.instrument: c.rank for c in clauses}.items(), key=lambda kv: -kv[1]))
        if len(set(ranks.values())) < 2:
            return ""
        parts = [f"{name} {'has rank' if i == 0 else 'rank'} {rank}" for i, (name, rank) in enumerate(ranks.items())]
        return "; in this regime, " + ", ".join(parts[:-1]) + " and " + parts[-1]

    def rank_of(self, clause_id: str) -> str:
        """`; the clause is in ukraine_constitution, rank 2 in this regime`, in a regime whose
        instruments have different ranks (else "")."""
        if len({c.rank for c in self.instrument.clauses}) < 2:
            return ""
        clause = self.instrument.clause(clause_id)
        return f"; the clause is in {clause.instrument}, rank {clause.rank} in this regime"

    def clause_ref(self, clause_id: str, role: str | None = None) -> ClauseRef:
        c = self.instrument.clause(clause_id)
        return ClauseRef(c.id, c.label, c.path, c.span.line, c.span.column, c.text, c.source, role, c.note)

    def readings_shown(self, readings: Readings | None = None) -> tuple[tuple[str, str], ...]:
        r = readings or self.readings
        return tuple((t, r.get(t) or "open") for t in sorted(self.instrument.terms))

    def finding(self, kind: FindingKind, severity: Severity, message: str, clauses: list[ClauseRef], *,
                witness: Witness | None = None, **kw: object) -> Finding:
        """A finding of this context. Its scenario comes only from a witness (see `witness`)."""
        if "scenario" in kw:
            raise TypeError("a scenario reaches a finding only as a Witness (verifier.witness)")
        made = Finding(kind, severity, message, self.instrument.path, tuple(clauses),
                       readings=kw.pop("readings", self.readings_shown()),  # type: ignore[arg-type]  # Finding checks kw
                       draft=self.draft_name, scenario=witness.scenario if witness else None,
                       **kw)  # type: ignore[arg-type]  # kw: Finding's own fields, as the caller gives them
        if self.wanted is not None and self.wanted(made):
            raise Wanted(made)
        return made

    def witness(self, model: Model, claims: Iterable[Claim], *, what: str,
                show_quantities: Iterable[str] = (), minimal: bool = True) -> Witness:
        """The model's world, re-checked (in this context's situation and draft) against the
        claims, as a witness for `finding`: the one door (verifier.witness)."""
        return witness(self.session, model, self.draft, self.readings, claims, what=what,
                       show_quantities=show_quantities, minimal=minimal)

    def unknown(self, what: str, reason: str, clauses: list[ClauseRef]) -> Finding:
        return self.finding(FindingKind.UNKNOWN, Severity.WARNING,
                            f"the solver gave up on {what} ({reason or 'no reason given'}); nothing is proved either way",
                            clauses, details=(("reason", reason),))


__all__ = ["CheckContext", "Wanted", "in_report"]
