"""editors/textmate/nverify.tmLanguage.json: well-formed, and in step with dsl/grammar.lark.

A small emulation of TextMate's rule (the earliest match wins; among matches at
the same place, the first rule listed) tokenises sample lines, so the test
checks the scopes an editor would show, not just that a pattern exists.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from dsl.parser import grammar_parser

GRAMMAR_PATH = Path(__file__).resolve().parent.parent / "editors" / "textmate" / "nverify.tmLanguage.json"


@pytest.fixture(scope="module")
def grammar() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(GRAMMAR_PATH.read_text(encoding="utf-8"))
    return loaded


def _rules(patterns: list[dict[str, Any]], repo: dict[str, Any], seen: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Patterns with every `#include` expanded in place, in order."""
    out: list[dict[str, Any]] = []
    for p in patterns:
        if "include" in p:
            key = p["include"]
            assert key.startswith("#") and key[1:] in repo, f"unknown include {key}"
            assert key not in seen, f"include cycle through {key}"
            entry = repo[key[1:]]
            out.extend(_rules(entry["patterns"], repo, (*seen, key)) if "patterns" in entry and not (
                "match" in entry or "begin" in entry) else [entry])
        elif "match" in p or "begin" in p:
            out.append(p)
        else:
            out.extend(_rules(p.get("patterns", []), repo, seen))
    return out


def _all_rules(grammar: dict[str, Any]) -> list[dict[str, Any]]:
    """Every rule, nested ones included."""
    out = []
    stack = [*grammar["patterns"], *grammar["repository"].values()]
    while stack:
        rule = stack.pop()
        out.append(rule)
        stack.extend(rule.get("patterns", []))
    return out


def _tokens(line: str, grammar: dict[str, Any]) -> list[tuple[int, int, str]]:
    """(start, end, scope) of every named match and capture on one line."""
    repo = grammar["repository"]
    top = _rules(grammar["patterns"], repo)
    out: list[tuple[int, int, str]] = []

    def emit(rule: dict[str, Any], m: re.Match[str], captures_key: str) -> None:
        for index, cap in rule.get(captures_key, rule.get("captures", {})).items():
            if m.group(int(index)) is not None and "name" in cap:
                out.append((m.start(int(index)), m.end(int(index)), cap["name"]))

    def scan(rules: list[dict[str, Any]], pos: int, stop: re.Pattern[str] | None) -> int:
        while pos <= len(line):
            end_m = stop.search(line, pos) if stop is not None else None
            best: tuple[dict[str, Any], re.Match[str]] | None = None
            for rule in rules:
                m = re.compile(rule.get("match") or rule["begin"]).search(line, pos)
                if m is not None and (best is None or m.start() < best[1].start()):
                    best = (rule, m)
            if end_m is not None and (best is None or end_m.start() <= best[1].start()):
                return end_m.end()
            if best is None:
                return len(line)
            rule, m = best
            if "match" in rule:
                if "name" in rule:
                    out.append((m.start(), m.end(), rule["name"]))
                emit(rule, m, "captures")
                pos = max(m.end(), m.start() + 1)
            else:
                emit(rule, m, "beginCaptures")
                inner = _rules(rule.get("patterns", []), repo)
                after = scan(inner, m.end(), re.compile(rule["end"]))
                if "name" in rule:
                    out.append((m.start(), after, rule["name"]))
                pos = max(after, m.start() + 1)
        return pos

    scan(top, 0, None)
    return out


def _scopes(line: str, word: str, grammar: dict[str, Any], occurrence: int = 0) -> set[str]:
    """The scopes that cover exactly the n-th occurrence of word on line."""
    start = -1
    for _ in range(occurrence + 1):
        start = line.index(word, start + 1)
    end = start + len(word)
    return {scope for s, e, scope in _tokens(line, grammar) if s == start and e == end}


def _keywords() -> list[str]:
    literals = {t.pattern.value for t in grammar_parser().terminals if t.pattern.type == "str"}
    return sorted(w for w in literals if re.fullmatch(r"[A-Za-z][A-Za-z-]*", w))


def test_grammar_is_well_formed(grammar: dict[str, Any]) -> None:
    assert grammar["scopeName"] == "source.nverify"
    assert grammar["name"] == "nverify" and "nv" in grammar["fileTypes"]
    assert isinstance(grammar["patterns"], list) and grammar["patterns"]
    assert isinstance(grammar["repository"], dict) and grammar["repository"]
    _rules(grammar["patterns"], grammar["repository"])  # every include resolves
    for rule in _all_rules(grammar):
        for key in ("match", "begin", "end"):
            if key in rule:
                re.compile(rule[key])  # Oniguruma syntax kept to what Python's re also reads
        if "begin" in rule:
            assert "end" in rule, rule
        names = [rule.get("name")] + [c.get("name") for k in ("captures", "beginCaptures", "endCaptures")
                                      for c in rule.get(k, {}).values()]
        for name in names:
            assert name is None or name.endswith(".nverify"), name


def test_every_keyword_of_the_grammar_is_highlighted(grammar: dict[str, Any]) -> None:
    missing = []
    for kw in _keywords():
        line = f"{kw} x"
        if not any(s == 0 and e >= len(kw) for s, e, _ in _tokens(line, grammar)):
            missing.append(kw)
    assert not missing, f"keywords of dsl/grammar.lark that no pattern highlights: {missing}"
    # ...and a plain name is left alone.
    assert _tokens("ukraine hollow permission_x", grammar) == []


def test_scopes_of_a_sample(grammar: dict[str, Any]) -> None:
    def has(line: str, word: str, part: str, occurrence: int = 0) -> None:
        scopes = _scopes(line, word, grammar, occurrence)
        assert any(part in s for s in scopes), f"{word!r} in {line!r}: {scopes}"

    line = "fact armed_attack(by: party, on: party) controlled by by;  # the attacker decides"
    has(line, "fact", "storage.type")
    has(line, "armed_attack", "entity.name.function")
    has(line, "by", "variable.parameter")
    has(line, "on", "variable.parameter")
    has(line, "party", "support.type.builtin")
    has(line, "controlled by", "keyword")
    has(line, "# the attacker decides", "comment.line")

    has("party ukraine, russia;", "russia", "variable.other.constant.party")
    has("party türkiye, россия;", "türkiye", "variable.other.constant.party")
    has("party türkiye, россия;", "россия", "variable.other.constant.party")
    has("fact straits_closed(by: party) controlled by türkiye;", "straits_closed", "entity.name.function")
    has("group guarantors = {russia, usa};", "guarantors", "entity.name.type")
    has('clause art5 "Art. 5" source "A \\"quoted\\" source" {', "art5", "entity.name.section.clause")
    has('clause art5 "Art. 5" source "A \\"quoted\\" source" {', '"Art. 5"', "string.quoted.double")
    has('clause art5 "Art. 5" source "A \\"quoted\\" source" {', '\\"', "constant.character.escape")

    line = "  each g in guarantors must not assist(to: ukraine) where means == armed_force;"
    has(line, "must not", "modality.must-not")
    has(line, "to", "variable.parameter", 1)  # the first "to" is inside guarantors
    has(line, "where", "keyword.other")
    has(line, "==", "comparison")
    has("  ukraine may keep personnel(ukraine) >= 250_000;", "may", "modality.may")
    has("  ukraine may keep personnel(ukraine) >= 250_000;", "250_000", "constant.numeric")
    has("  usa must assist(to: ukraine);", "must", "modality.must")

    line = "limit personnel(ukraine) <= [russia: 85000 | ukraine: 250000];"
    has(line, "russia", "bracket-label")
    has(line, "ukraine", "bracket-label", 1)
    has(line, "85000", "constant.numeric")

    line = "expect hollow-permission on training, no_harm by ukraine under reading russia;"
    has(line, "hollow-permission", "finding-kind")
    has(line, "on", "keyword.other.query", 1)  # the first "on" ends hollow-permission
    has(line, "russia", "entity.name.label.reading")
    line = "check under reading russia for harms_security;"
    has(line, "check", "keyword.other")
    has(line, "under", "keyword.other.query")
    has(line, "russia", "entity.name.label.reading")
    has(line, "for", "keyword.other")
    has("assert no blockable-guarantee on art5 in draft ukraine;", "blockable-guarantee", "finding-kind")
    has("assert no blockable-guarantee on art5 in draft ukraine;", "no", "keyword.other.query")
    has("assert caps: personnel(ukraine) <= 250000;", "caps", "entity.name.function.query")
    has("when exists a in area: (armed_attack(on: ukraine, area: a) and a not in excluded_areas)",
        "not in", "membership")
    has("when exists a in area: (armed_attack(on: _, area: a) and a not in excluded_areas)", "_", "wildcard", 1)
    has("when exists a in area: (armed_attack(on: _, area: a) and a not in excluded_areas)", "exists",
        "quantifier")


def test_counting_words_are_highlighted_and_a_alone_is_not(grammar: dict[str, Any]) -> None:
    line = "when at least 2 of g in guarantors: agrees(g) or a majority of h in party: at(h)"
    for words in ("at least", "of", "a majority"):
        assert any("keyword.operator.quantifier" in s for s in _scopes(line, words, grammar)), words
    assert _scopes("when exactly 1 of g in gs: f(g)", "exactly", grammar)
    assert not _scopes("when a == b", "a", grammar)
