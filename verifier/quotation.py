"""Bracketed quotations: a clause's quoted wording as it reads in the drafts of a finding.

A draft's quoted text may carry its bracketed alternatives as the draft prints them:
`[Russian revision: on the basis of a decision agreed upon by all Guarantor States]`,
`[russia: 85,000 | ukraine: 250,000]`. A bracket of the quotation is a draft's bracket
when every alternative starts with a label and a colon, and each label names a draft: the
label itself (`russia`, `base`, `alt1`), or its first word begins with one of four letters or
more (`Russian revision` is Russia's). Such a bracket shows, for a finding, only the alternatives in force
in the drafts where the finding holds (a draft takes its own alternative, else the `base`
one); a bracket with none in force says so (`[Ukraine revision: not in draft russia]`).
Other brackets (`[support]`, a translator's second rendering) are quoted as written.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from verifier.findings import ClauseRef, Finding

_BRACKET = re.compile(r"\[([^\[\]]*)\]")
_LABEL = re.compile(r"\s*([^:|\[\]]+?)\s*:\s*(.*)", re.DOTALL)


def in_force(finding: Finding, labels: Sequence[str]) -> Finding:
    """The finding with each clause's quotation reduced to the alternatives in force in its drafts;
    `labels` are the instrument's draft labels (`base` and each alternative's)."""
    drafts = finding.drafts or ((finding.draft,) if finding.draft else ())
    if not drafts or not any(d in labels for d in drafts):
        return finding
    clauses = tuple(_clause(c, drafts, labels) for c in finding.clauses)
    return finding if clauses == finding.clauses else dataclasses.replace(finding, clauses=clauses)


def _clause(c: ClauseRef, drafts: Sequence[str], labels: Sequence[str]) -> ClauseRef:
    if not c.text or "[" not in c.text:
        return c
    text = quoted(c.text, drafts, labels)
    return c if text == c.text else dataclasses.replace(c, text=text)


def quoted(text: str, drafts: Sequence[str], labels: Sequence[str]) -> str:
    """`text` with each draft bracket showing the alternatives in force in one of `drafts`."""
    shown = [d for d in drafts if d in labels]

    def one(m: re.Match[str]) -> str:
        alternatives = []
        for part in m.group(1).split("|"):
            found = _LABEL.fullmatch(part)
            label = _draft_label(found.group(1), labels) if found else None
            if found is None or label is None:
                return m.group(0)  # not a draft's bracket: quoted as written
            alternatives.append((label, part.strip(), found.group(1)))
        chosen = {label for label, _, _ in alternatives}
        kept = [text for label, text, _ in alternatives
                if any(_choice(d, chosen) == label for d in shown)]
        if kept:
            return "[" + " | ".join(kept) + "]"
        names = " | ".join(written for _, _, written in alternatives)
        return f"[{names}: not in draft {', '.join(shown)}]"

    return _BRACKET.sub(one, text)


def _draft_label(written: str, labels: Sequence[str]) -> str | None:
    """The draft label a bracket's label names: itself, or the label its first word begins with."""
    word = written.strip().lower()
    if word in labels:
        return word
    first = word.split()[0] if word.split() else ""
    matches = [lab for lab in labels if len(lab) >= 4 and first.startswith(lab)]  # (`Russian` -> russia)
    return max(matches, key=len) if matches else None


def _choice(draft: str, alternatives: set[str]) -> str | None:
    """The alternative a draft takes in a bracket: its own, else the base text's."""
    if draft in alternatives:
        return draft
    return "base" if "base" in alternatives else None
