"""`nverify init`: a starter spec that checks cleanly and shows each part of the language.

Every finding the starter produces is expected by its own `expect`
statements, so `nverify init && nverify instrument.nv` exits 0 and shows what
expected findings look like; tests keep it that way.
"""

from __future__ import annotations

import re
from pathlib import Path

DEFAULT_NAME = "instrument.nv"

TEMPLATE = """\
# A starter spec for nverify. Check it with `nverify {path}`; the language
# is described in docs/language.md, and `nverify explain KIND` describes each
# kind of finding. Replace the wording below with the instrument under review.

instrument {name} "Draft treaty on permanent neutrality (working draft)"
  source "Where the wording comes from: a draft, a press report, an official text";

# ---- The world: who acts, what can happen ---------------------------------
party ukraine, russia, usa, uk;
group guarantors = {{russia, usa, uk}};
enum agreement_kind = {{alliance, training, economic}};

fact armed_attack(by: party, on: party) controlled by by;  # the attacker decides it
fact agrees(g: party) controlled by g;                     # each guarantor its vote
act conclude(actor: party, partner: party, kind: agreement_kind);
act assist(actor: party, to: party);

# ---- Vague wording: one reading per party or doctrine ----------------------
term harms_security(kind: agreement_kind) {{
  reading ordinary: kind == alliance;
  reading russia: kind in {{alliance, training}};
}}

# ---- The clauses under review ----------------------------------------------
clause no_harm "Art. 2"
  text "Ukraine shall not conclude agreements that would harm the security of other parties."
{{
  ukraine must not conclude where harms_security(kind);
}}

clause training "Art. 3"
  text "Ukraine may conclude agreements on the training of its armed forces."
{{
  ukraine may conclude(partner: usa, kind: training);
}}

clause guarantee "Art. 5"
  text "... on the basis of a decision agreed upon by all Guarantor States, each of them will provide assistance to Ukraine ..."
{{
  each g in guarantors must assist(to: ukraine)
    when armed_attack(on: ukraine) and all h in guarantors: agrees(h)
    protects ukraine against armed_attack(on: ukraine);
}}

# ---- What you expect nverify to find (expected findings do not fail the run)
expect pretext on no_harm by russia;
expect hollow-permission on training, no_harm under reading russia;
expect blockable-guarantee on guarantee by russia;   # the attacker can veto the answer to its own attack
expect blockable-guarantee on guarantee by usa;
expect blockable-guarantee on guarantee by uk;
# What must hold in every world that complies with the clauses:
assert no_alliance: not conclude(ukraine, usa, alliance);
# What some world that complies with the clauses must allow:
scenario economic_ties: conclude(ukraine, usa, economic);
"""


def instrument_name(path: Path) -> str:
    """A file name -> a valid instrument name (`my-draft.nv` -> `my_draft`)."""
    name = re.sub(r"[^A-Za-z0-9_]+", "_", path.stem).strip("_")
    if not name or not name[0].isalpha():
        name = "instrument_" + name if name else "instrument"
    return name


def starter_spec(path: Path) -> str:
    return TEMPLATE.format(path=path.as_posix(), name=instrument_name(path))


def target(path: Path | None) -> Path:
    """Where `init` writes: PATH, or PATH/instrument.nv when PATH is a folder (default: ./instrument.nv)."""
    if path is None:
        return Path(DEFAULT_NAME)
    if path.is_dir():
        return path / DEFAULT_NAME
    return path


def write_starter(path: Path) -> None:
    """Create the file; FileExistsError if anything is already there (never overwrites)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(starter_spec(path))
