"""dsl.symbols: the symbol table, duplicates, reserved words, types, control, actors and groups."""

from __future__ import annotations

from dsl import syntax as S
from dsl.diagnostics import Diagnostics
from dsl.parser import parse_text
from dsl.symbols import Symbols, collect


def table(*texts: str) -> tuple[Symbols, list[tuple[str, int, int, str, str | None]]]:
    """Collect the symbols of files given in import order (the last is the root)."""
    specs: list[S.Spec] = []
    for i, text in enumerate(texts):
        spec, diags = parse_text(f"f{i}.nv", text)
        assert spec is not None, [d.message for d in diags.sorted()]
        specs.append(spec)
    diags = Diagnostics()
    sym = collect(specs, diags)
    return sym, [(d.code.value, d.span.line, d.span.column, d.message, d.help) for d in diags.sorted()]


WORLD = """
party ukraine, russia, usa;
enum area = {mainland, crimea};
group guarantors = {russia, usa};
group excluded = {crimea};
fact armed_attack(by: party, on: party, area: area) controlled by by;
fact at_war(a: party, b: party);
act assist(actor: party, to: party);
quantity personnel(p: party) controlled by p;
define peacetime = true;
term harms(a: area);
clause c "C" { ukraine may assist; }
"""


def test_collects_every_kind_of_declaration() -> None:
    sym, errors = table(WORLD)
    assert errors == []
    assert list(sym.parties) == ["ukraine", "russia", "usa"]
    assert sym.enums == {"area": ("mainland", "crimea")}
    assert sym.values == {"ukraine": "party", "russia": "party", "usa": "party",
                          "mainland": "area", "crimea": "area"}
    assert sym.groups == {"guarantors": (("russia", "usa"), "party"), "excluded": (("crimea",), "area")}
    attack = sym.predicates["armed_attack"]
    assert attack.kind == "fact" and attack.control == 0
    assert [(p.name, p.type) for p in attack.params] == [("by", "party"), ("on", "party"), ("area", "area")]
    assert sym.predicates["at_war"].control is None
    assert sym.predicates["assist"].kind == "act" and sym.predicates["assist"].control == 0
    assert sym.predicates["personnel"].kind == "quantity" and sym.predicates["personnel"].control == 0
    assert set(sym.defines) == {"peacetime"} and set(sym.terms) == {"harms"} and set(sym.clauses) == {"c"}
    assert sym.kinds["crimea"] == "value of enum `area`" and sym.kinds["guarantors"] == "group"


def test_controlled_by_a_later_parameter() -> None:
    sym, errors = table("party a; fact agrees(topic: bool, g: party) controlled by g;")
    assert errors == [] and sym.predicates["agrees"].control == 1


def test_imports_share_one_namespace() -> None:
    sym, errors = table("party ukraine, russia;", "act assist(actor: party, to: party); group g = {russia};")
    assert errors == [] and set(sym.parties) == {"ukraine", "russia"} and sym.groups["g"] == (("russia",), "party")


def test_duplicate_names_point_at_the_first_declaration() -> None:
    _, errors = table("party ukraine;\nenum kind = {ukraine};\nact kind(actor: party);")
    assert [(code, line, col) for code, line, col, _, _ in errors] == [("duplicate-name", 2, 14),
                                                                       ("duplicate-name", 3, 5)]
    assert errors[0][3] == "`ukraine` is already declared as a party"
    assert errors[1][3] == "`kind` is already declared as an enum"


def test_duplicate_across_files() -> None:
    sym, errors = table("party ukraine;", "party ukraine;")
    assert [(code, line) for code, line, *_ in errors] == [("duplicate-name", 1)]
    assert list(sym.parties) == ["ukraine"]


def test_duplicate_clause() -> None:
    _, errors = table('party a;\nclause c "1" { }\nclause c "2" { }')
    assert [(code, line, message) for code, line, _, message, _ in errors] == \
        [("duplicate-name", 3, "clause `c` is already declared")]


def test_duplicate_parameter() -> None:
    _, errors = table("party a;\nfact f(p: party, p: party);")
    assert [(code, message) for code, _, _, message, _ in errors] == [("duplicate-name", "parameter `p` appears twice")]


def test_reserved_words() -> None:
    _, errors = table("party base, true;\nenum party = {x};")
    assert [message for _, _, _, message, _ in errors] == [
        "`base` is a reserved word and cannot be declared",
        "`true` is a reserved word and cannot be declared",
        "`party` is a reserved word and cannot be declared",
    ]


def test_unknown_type_suggests_a_close_one() -> None:
    _, errors = table("party a;\nenum area = {x};\nfact f(p: prty, q: aera, r: guarantors);\ngroup guarantors = {a};")
    assert [(message, help_text) for _, _, _, message, help_text in errors] == [
        ("unknown type `prty`", "did you mean `party`?"),
        ("unknown type `aera`", "did you mean `area`?"),
        ("unknown type `guarantors`; `guarantors` is a group",
         "a parameter's type is `party`, `bool` or the name of an enum"),
    ]


def test_bad_control() -> None:
    _, errors = table("party a;\nenum k = {x};\nfact f(p: party) controlled by q;\nfact g(v: k) controlled by v;\n"
                      "act h(actor: party) controlled by actor;")
    assert [(code, line) for code, line, *_ in errors] == [("bad-control", 3), ("bad-control", 4), ("bad-control", 5)]
    assert errors[1][3] == "`v` has type `k`; only a party can control something"
    assert errors[2][3] == "an act is always controlled by its actor"


def test_act_needs_a_party_actor_first() -> None:
    _, errors = table("party a;\nenum k = {x};\nact f(kind: k, who: party);\nact g();")
    assert [(code, line) for code, line, *_ in errors] == [("bad-actor", 3), ("bad-actor", 4)]


def test_groups() -> None:
    sym, errors = table("party a, b;\nenum k = {x, y};\ngroup g = {a, b, a};\ngroup mixed = {a, x};\n"
                        "group typo = {a, bb};")
    assert sym.groups["g"] == (("a", "b"), "party")  # a repeated member counts once
    assert [(code, line, col) for code, line, col, _, _ in errors] == [("mixed-group", 4, 19),
                                                                       ("unknown-name", 5, 18)]


def test_suggest() -> None:
    sym, _ = table(WORLD)
    assert sym.suggest("rusia") == "did you mean `russia`?"
    assert sym.suggest("zzz") is None
    assert sym.suggest("guarantor", ["guarantors", "area"]) == "did you mean `guarantors`?"
