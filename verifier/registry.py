"""The finding kinds and the checks that find them, one record each: everything else reads these.

A `Kind` is what people read about a kind of finding (its one-line summary, its usual
severity, the section of docs/language.md that describes it, the small spec that
`nverify explain` runs and SARIF shows); a `Check` is one check module: the kinds it
reports, the earlier findings it reads, whether it runs again under each claimant's
readings, and its cost group for `--jobs`. Every check runs once per draft of interest.

Derived here, never written by hand elsewhere: the run order and groups of the pipeline
(`CHECKS`, `GROUPS`), the checks a negotiation goal needs (`checks_for`), the kinds a
finding pattern may name (`PATTERN_KINDS`, checked when names are resolved), the kinds
whose findings depend on their own clauses alone (`LOCAL_KINDS`), and the module whose
docstring documents a kind (`doc_modules`). The check modules are named, not imported:
they import the findings, which import this module (tests/test_registry.py checks that
every record is complete).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from dsl import LoadResult
    from verifier.checks.context import CheckContext
    from verifier.findings import Finding


class FindingKind(StrEnum):
    CONTRADICTION = "contradiction"
    CONFLICT = "conflict"
    HOLLOW_PERMISSION = "hollow-permission"
    PRETEXT = "pretext"
    BLOCKABLE_GUARANTEE = "blockable-guarantee"
    VACUOUS_GUARANTEE = "vacuous-guarantee"
    PROTECTION_GAP = "protection-gap"
    EXCUSE = "excuse"
    SELF_GRANTED_PERMISSION = "self-granted-permission"
    UNANSWERED_DEADLINE = "unanswered-deadline"
    EXPECTATION_FAILED = "expectation-failed"
    UNKNOWN = "unknown"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Check:
    """One check module, `verifier.checks.<name>`: its `run(ctx) -> list[Finding]` and docstring."""

    name: str
    kinds: tuple[FindingKind, ...]        # what it reports (besides `unknown`, which every check may)
    group: str                            # checks of one group share a session (see GROUPS)
    reads: tuple[FindingKind, ...] = ()   # earlier findings of this draft it reads (ctx.findings)
    per_reading_set: bool = True          # run again under each claimant's readings
    heading: str | None = None            # its paragraphs' label where an earlier check documents its kind

    @property
    def module(self) -> str:
        return f"verifier.checks.{self.name}"

    def run(self, ctx: CheckContext) -> list[Finding]:
        found: list[Finding] = importlib.import_module(self.module).run(ctx)
        return found


@dataclass(frozen=True)
class Kind:
    """What people read about a kind: `nverify explain`, SARIF rules, the README's table."""

    kind: FindingKind
    summary: str                    # one line
    severity: Severity              # the usual severity (some checks lower it per finding)
    docs: str                       # the `### heading` of docs/language.md that describes it
    example: str                    # a small spec that produces the finding (explain, SARIF help)
    example_options: tuple[tuple[str, object], ...] = ()  # pipeline Options the example needs
    in_patterns: bool = True        # can be named by `expect`, `assert no` and goals
    local: bool = False             # its findings depend only on their own clauses and the assumptions
    sections: tuple[tuple[str, str], ...] = ()  # (heading, paragraph) where no check documents it
    doc_module: str | None = None   # a module documenting it that is no check (the spec's queries)


DOCS_FILE = "docs/language.md"

# In run order: a check that reads findings comes after the checks that report them.
CHECKS: tuple[Check, ...] = (
    Check("contradiction", (FindingKind.CONTRADICTION,), group="clauses"),
    Check("conflict", (FindingKind.CONFLICT,), group="clauses", reads=(FindingKind.CONTRADICTION,)),
    Check("hollow_permission", (FindingKind.HOLLOW_PERMISSION,), group="clauses"),
    Check("blocked_permission", (FindingKind.HOLLOW_PERMISSION,), group="clauses",
          reads=(FindingKind.HOLLOW_PERMISSION,), heading="Vetoed permissions"),
    # A pretext compares a claimant's readings with the baseline: there is none to run it under.
    Check("pretext", (FindingKind.PRETEXT,), group="pretexts", per_reading_set=False),
    Check("excuse", (FindingKind.EXCUSE,), group="pretexts", per_reading_set=False),
    Check("blockable_guarantee", (FindingKind.BLOCKABLE_GUARANTEE,), group="guarantees"),
    Check("vacuous_guarantee", (FindingKind.VACUOUS_GUARANTEE,), group="guarantees"),
    Check("protection_gap", (FindingKind.PROTECTION_GAP,), group="guarantees"),
    Check("self_granted_permission", (FindingKind.SELF_GRANTED_PERMISSION,), group="self-grants"),
    Check("unanswered_deadline", (FindingKind.UNANSWERED_DEADLINE,), group="deadlines"),
)

# The clash of the conflict example; the unknown example asks about it with --rlimit 1.
_ASSIST_BUT_NEVER_INTERVENE = '''\
party ukraine, russia, usa;
fact armed_attack(by: party, on: party) controlled by by;
act assist(actor: party, to: party);
clause art5 "Art. 5" text "The guarantor shall assist Ukraine if it is attacked." {
  usa must assist(to: ukraine) when armed_attack(by: russia, on: ukraine);
}
clause art7 "Art. 7" text "The guarantor shall not intervene in any armed conflict." {
  usa must not assist;
}
'''

KINDS: tuple[Kind, ...] = (
    Kind(FindingKind.CONTRADICTION,
         "no world of the stated situation complies with these clauses together",
         Severity.ERROR, docs="contradiction", local=True, example='''\
instrument example "Contradiction";
party ukraine, russia;
act join(actor: party, bloc: party);
clause art1 "Art. 1" text "Ukraine shall not join any military bloc." {
  ukraine must not join;
}
clause art9 "Art. 9" text "Ukraine shall join the alliance of its choice." {
  ukraine must join(bloc: russia);
}
expect contradiction on art1, art9;
'''),
    Kind(FindingKind.CONFLICT,
         "in some situation that can happen, a party breaches one of these clauses whatever it does",
         Severity.ERROR, docs="conflict", local=True, example='instrument example "Conflict";\n' + _ASSIST_BUT_NEVER_INTERVENE + '''\
expect conflict on art5, art7 by usa;
'''),
    Kind(FindingKind.HOLLOW_PERMISSION,
         "a permission cannot be exercised without breaching another clause: always, "
         "in a witness situation, or when another party vetoes it",
         Severity.ERROR, docs="hollow-permission", example='''\
instrument example "Hollow permission";
party ukraine, russia, usa;
enum agreement_kind = {alliance, defense_cooperation, training};
act conclude(actor: party, partner: party, kind: agreement_kind);
clause art2 "Art. 2" text "Ukraine shall conclude no agreement on defence matters." {
  ukraine must not conclude(kind: training);
}
clause art3 "Art. 3" text "Ukraine may conclude agreements on the training of its forces." {
  ukraine may conclude(partner: usa, kind: training);
}
expect hollow-permission on art3, art2 by ukraine;
'''),
    Kind(FindingKind.PRETEXT,
         "conduct lawful under the ordinary reading is a breach under a party's reading of a vague term",
         Severity.WARNING, docs="pretext", example='''\
instrument example "Pretext";
party ukraine, russia, usa;
enum agreement_kind = {alliance, training};
act conclude(actor: party, partner: party, kind: agreement_kind);
term harms_security(kind: agreement_kind) {
  reading ordinary: kind == alliance;
  reading russia: kind in {alliance, training};
}
clause art2 "Art. 2" text "Ukraine shall conclude no agreement that would harm the security of other parties." {
  ukraine must not conclude where harms_security(kind);
}
expect pretext on art2 by russia;
'''),
    Kind(FindingKind.EXCUSE,
         "conduct that breaches a clause under the ordinary reading is lawful under the party's own reading",
         Severity.WARNING, docs="excuse", example='''\
instrument example "Excuse";
party ukraine, russia, usa;
enum means = {consultation, armed_force};
act assist(actor: party, to: party, means: means);
term necessary_measures(m: means) {
  reading ordinary: m == consultation;
  reading russia: m in {consultation, armed_force};
}
clause art3 "Art. 3" text "The parties shall take only the necessary measures to restore peace." {
  russia must not assist where not necessary_measures(means);
}
expect excuse on art3 by russia;
'''),
    Kind(FindingKind.BLOCKABLE_GUARANTEE,
         "a party, or a coalition of parties, can keep a guarantee from triggering, or a required protection from being owed, by what it decides (a vote, a consent)",
         Severity.ERROR, docs="blockable-guarantee", local=True, example='''\
instrument example "Blockable guarantee";
party ukraine, russia, usa;
group guarantors = {russia, usa};
fact armed_attack(by: party, on: party) controlled by by;
fact agrees(g: party) controlled by g;
act assist(actor: party, to: party);
clause art5 "Art. 5" text "... on the basis of a decision agreed upon by all Guarantor States ..." {
  usa must assist(to: ukraine)
    when armed_attack(on: ukraine) and all g in guarantors: agrees(g)
    protects ukraine against armed_attack(on: ukraine);
}
expect blockable-guarantee on art5 by russia;   # it can attack and veto the answer to its own attack
expect blockable-guarantee on art5 by usa;      # the guarantor itself can withhold its vote
'''),
    Kind(FindingKind.VACUOUS_GUARANTEE,
         "a guarantee's trigger never holds, or leaves out the case it exists for",
         Severity.WARNING, docs="vacuous-guarantee", local=True, example='''\
instrument example "Vacuous guarantee";
party ukraine, russia, usa;
fact armed_attack(by: party, on: party) controlled by by;
fact nuclear_weapons_used();
act assist(actor: party, to: party);
clause para4 "Para. 4" text "... a victim of an act of aggression ... in which nuclear weapons are used." {
  usa must assist(to: ukraine)
    when armed_attack(on: ukraine) and nuclear_weapons_used()
    protects ukraine against armed_attack(on: ukraine);
}
expect vacuous-guarantee on para4;
'''),
    Kind(FindingKind.PROTECTION_GAP,
         "in some attack, whatever the protected party asks, the others can comply without protecting it",
         Severity.ERROR, docs="protection-gap", example='''\
instrument example "Protection gap";
party ukraine, russia, usa;
enum means = {consultation, armed_force};
fact armed_attack(by: party, on: party) controlled by by;
act assist(actor: party, to: party, means: means);
assume not armed_attack(by: ukraine, on: ukraine);
clause point4 "Point 4" text "... to seek immediate Security Council action to provide assistance ..." {
  usa must assist(to: ukraine, means: consultation) when armed_attack(on: ukraine);
}
protection ukraine against armed_attack(on: ukraine) "an armed attack on Ukraine"
  by assist(to: ukraine) where means == armed_force;
expect protection-gap by ukraine;
'''),
    Kind(FindingKind.SELF_GRANTED_PERMISSION,
         "a party, alone or with others, can put its own permission in force whatever the parties "
         "its condition names decide",
         Severity.WARNING, docs="self-granted-permission", example='''\
instrument example "Self-granted permission";
party g1, g2, g3;
group guarantors = {g1, g2, g3};
fact agrees(g: party) controlled by g;
act act_alone(actor: party);
clause art4_2 "Art. 4(2)" text "Where concerted action proves impossible, each guarantor may act alone." {
  each g in guarantors may act_alone when not all h in guarantors: agrees(h);
}
expect self-granted-permission on art4_2 by g1;   # g1 refuses to agree, then acts alone
expect self-granted-permission on art4_2 by g2;
expect self-granted-permission on art4_2 by g3;
'''),
    Kind(FindingKind.UNANSWERED_DEADLINE,
         "a party can miss a deadline while everyone else complies, and no clause obliges anyone to act on it",
         Severity.WARNING, docs="unanswered-deadline", example='''\
instrument example "Unanswered deadline";
time day 0..3;
party neutral, belligerent;
fact enters_port(ship_of: party, port_of: other party) controlled by ship_of;
act leave_port(actor: party, port_of: other party);
clause art12 "Art. 12" text "... belligerent war-ships are not permitted to remain ... for more than twenty-four hours ..." {
  belligerent must leave_port(port_of: neutral) within 1 of enters_port(belligerent, neutral);
}
expect unanswered-deadline on art12 by belligerent;
'''),
    Kind(FindingKind.EXPECTATION_FAILED,
         "an `expect`, `assert` or `scenario` in the spec did not come out as written",
         Severity.ERROR, docs="expectation-failed", in_patterns=False, doc_module="verifier.checks.queries",
         sections=(
             ("Why it matters", ("The spec says what its authors believe about the wording; a failed expectation "
                                "means the wording does not do what they think (or the spec is out of date).")),
             ("Evidence", ("The statement and its line; for `assert`, a minimal counterexample; for `scenario`, "
                          "the clauses that rule it out.")),
         ), example='''\
instrument example "Expectation failed";
party ukraine, russia;
quantity personnel(p: party) controlled by p;
clause caps "Annex" text "The armed forces of Ukraine shall not exceed 250,000 personnel." {
  limit personnel(ukraine) <= 250000;
}
assert small_army: personnel(ukraine) <= 85000;   # fails: 85,001 personnel comply with the Annex
'''),
    Kind(FindingKind.UNKNOWN,
         "the solver gave up (timeout or resource limit): nothing is proved either way",
         Severity.WARNING, docs="unknown", in_patterns=False, example_options=(("rlimit", 1),),
         sections=(
             ("What it finds", ("A query the solver could not answer within the limits: the per-query timeout "
                               "(--timeout SECONDS) or the deterministic resource limit (--rlimit N).")),
             ("Why it matters", ("An unknown is never a pass: the check it belongs to proved nothing either way, "
                                "so a problem may be hiding there.")),
             ("Query", "Any query of any check; Z3 answered `unknown` (its reason is in the finding's details)."),
             ("Evidence", "The check that gave up, the solver's reason, and the clauses it was about."),
         ), example='instrument example "Unknown";\n' + _ASSIST_BUT_NEVER_INTERVENE),
)


def kind(k: FindingKind) -> Kind:
    return _BY_KIND[k]


def checks_of(k: FindingKind, checks: tuple[Check, ...] = CHECKS) -> tuple[Check, ...]:
    """The checks that report kind k, in run order."""
    return tuple(c for c in checks if k in c.kinds)


def doc_modules(entry: Kind, checks: tuple[Check, ...] = CHECKS) -> tuple[tuple[str, str | None], ...]:
    """(module, heading) of the modules whose docstrings document a kind: the first check that
    reports it (heading None), then the others under their headings; or the kind's doc module."""
    found = checks_of(entry.kind, checks)
    if not found:
        return ((entry.doc_module, None),) if entry.doc_module else ()
    return ((found[0].module, None), *((c.module, c.heading) for c in found[1:]))


def checks_for(k: FindingKind) -> tuple[Check, ...]:
    """The checks to run, in order, to find every finding of kind k: those that report it, and
    those that report the findings they read (and so on). A check reads no other finding than its
    `reads` (tests/test_registry.py), so the others would only cost time: a goal on a
    blockable guarantee ran the pretext and conflict checks on every candidate draft."""
    wanted = {k}
    needed: set[int] = set()
    for i in range(len(CHECKS) - 1, -1, -1):  # a check reads only findings of earlier checks
        if wanted & set(CHECKS[i].kinds):
            needed.add(i)
            wanted.update(CHECKS[i].reads)
    if not needed:
        return CHECKS[:1]
    return tuple(c for i, c in enumerate(CHECKS) if i in needed)


def groups(checks: tuple[Check, ...]) -> tuple[tuple[int, ...], ...]:
    """Indices of `checks` by cost group, in order. A group must be one run of consecutive checks
    (the findings of the parts are put together in run order), and a check may read only
    findings its own group reports (a group is checked in a session of its own)."""
    out: list[tuple[str, list[int]]] = []
    for i, check in enumerate(checks):
        if out and out[-1][0] == check.group:
            out[-1][1].append(i)
        elif any(name == check.group for name, _ in out):
            raise ValueError(f"check {check.name}: group `{check.group}` is not one run of consecutive checks")
        else:
            out.append((check.group, [i]))
    for name, members in out:
        reported: set[FindingKind] = set()
        for i in members:
            missing = [k.value for k in checks[i].reads if k not in reported]
            if missing:
                raise ValueError(f"check {checks[i].name} reads {', '.join(missing)}, which no earlier check "
                                 f"of its group `{name}` reports")
            reported.update(checks[i].kinds)
    return tuple(tuple(members) for _, members in out)


_BY_KIND: dict[FindingKind, Kind] = {k.kind: k for k in KINDS}

# Groups of CHECKS (indices, in order): a large instrument's groups are checked in sessions of
# their own, side by side with --jobs.
GROUPS = groups(CHECKS)
# The kinds a finding pattern (`expect`, `assert no`, a goal) may name.
PATTERN_KINDS: tuple[str, ...] = tuple(k.kind.value for k in KINDS if k.in_patterns)
# Negotiation: a finding of these kinds depends only on its own clauses and the assumptions.
LOCAL_KINDS = frozenset(k.kind for k in KINDS if k.local)


def load(paths: list[Path], overlay: Mapping[Path, str] | None = None,
         coalition_size: int | None = None, alongside: Sequence[Path] = ()) -> LoadResult:
    """`dsl.load`, told the kinds a finding pattern may name (an unknown one is a located error).
    `coalition_size`, `alongside`: see `dsl.load` (None: every party is checked)."""
    from dsl import load as load_specs

    return load_specs(paths, overlay, PATTERN_KINDS, coalition_size, alongside)
