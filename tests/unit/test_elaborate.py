"""dsl.expressions and dsl.elaborate: scopes, missing arguments, definitions, brackets, norms, overrides, queries.

Formulas are checked for their shape where the shape is the contract (missing
arguments become existentials over the parameter's domain) and otherwise for
their meaning, by evaluating them in small worlds with dsl.evaluate.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from dsl import formula as F
from dsl.evaluate import Evaluator, World, breaches
from dsl.model import AtomKey, Instrument, Modality, QueryKind
from tests.unit.helpers import codes, diagnostics, instrument

WORLD = """
party ukraine, russia, usa;
group guarantors = {russia, usa};
enum area = {mainland, crimea};
enum kind = {alliance, training};
fact armed_attack(by: party, on: party, area: area) controlled by by;
fact agrees(g: party) controlled by g;
fact flag(b: bool);
act conclude(actor: party, partner: party, kind: kind);
act assist(actor: party, to: party);
quantity personnel(p: party) controlled by p;
"""


def model(text: str) -> Instrument:
    return instrument(WORLD + text)


def assumption(text: str) -> tuple[Instrument, F.Formula]:
    inst = model(f"assume {text};")
    (only,) = inst.assumptions
    return inst, only


def holds(inst: Instrument, f: F.Formula, atoms: Iterable[AtomKey] = (),
          quantities: dict[AtomKey, int] | None = None,
          draft: dict[str, str] | None = None) -> bool:
    world = World(frozenset(atoms), quantities or {}, frozenset(), draft or {})
    return Evaluator(inst, world, {}).holds(f)


# ---- missing arguments, wildcards and positional arguments --------------------------

def test_missing_arguments_are_existentials_over_their_domain() -> None:
    _, f = assumption("armed_attack(on: ukraine)")
    assert isinstance(f, F.Exists) and f.domain == ("ukraine", "russia", "usa")
    assert isinstance(f.body, F.Exists) and f.body.domain == ("mainland", "crimea")
    atom = f.body.body
    assert isinstance(atom, F.Atom) and atom.pred == "armed_attack"
    assert atom.args == (F.Var(f.var), F.Const("ukraine"), F.Var(f.body.var))


def test_wildcard_says_the_same_as_leaving_out() -> None:
    inst, left_out = assumption("armed_attack(on: ukraine)")
    inst2, wildcard = assumption("armed_attack(by: _, on: ukraine, area: _)")
    attack = ("armed_attack", ("russia", "ukraine", "crimea"))
    other = ("armed_attack", ("ukraine", "russia", "crimea"))
    for atoms in ([attack], [other], []):
        assert holds(inst, left_out, atoms) == holds(inst2, wildcard, atoms)
    assert holds(inst, left_out, [attack]) and not holds(inst, left_out, [other])


def test_positional_then_named_arguments() -> None:
    _, f = assumption("armed_attack(russia, area: crimea, on: ukraine)")
    assert f == F.Atom("armed_attack", (F.Const("russia"), F.Const("ukraine"), F.Const("crimea")))


def test_bool_arguments_and_bool_parameters() -> None:
    inst, f = assumption("flag(true) and not flag(false)")
    assert holds(inst, f, [("flag", (True,))])
    assert not holds(inst, f, [("flag", (True,)), ("flag", (False,))])


# ---- quantifiers and scopes -------------------------------------------------------------

def test_quantifier_domains() -> None:
    _, f = assumption("exists g in guarantors, a in area: armed_attack(g, ukraine, a)")
    assert isinstance(f, F.Exists) and f.domain == ("russia", "usa")
    assert isinstance(f.body, F.Exists) and f.body.domain == ("mainland", "crimea")
    _, g = assumption("all p in {ukraine, usa}: agrees(p)")
    assert isinstance(g, F.Forall) and g.domain == ("ukraine", "usa")
    _, h = assumption("exists p in party: agrees(p)")
    assert isinstance(h, F.Exists) and h.domain == ("ukraine", "russia", "usa")


def test_quantifier_meaning() -> None:
    inst, f = assumption("all g in guarantors: agrees(g)")
    assert holds(inst, f, [("agrees", ("russia",)), ("agrees", ("usa",))])
    assert not holds(inst, f, [("agrees", ("russia",))])


def test_bound_variables_get_unique_names() -> None:
    _, f = assumption("(exists g in party: agrees(g)) and (exists g in party: agrees(g))")
    assert isinstance(f, F.And)
    left, right = f.operands
    assert isinstance(left, F.Exists) and isinstance(right, F.Exists) and left.var != right.var


def test_inner_binder_shadows_outer() -> None:
    inst, f = assumption("exists g in guarantors: (exists g in {ukraine}: agrees(g))")
    assert holds(inst, f, [("agrees", ("ukraine",))])
    assert not holds(inst, f, [("agrees", ("russia",))])


def test_a_bound_variable_is_out_of_scope_after_its_quantifier() -> None:
    errors = diagnostics(WORLD + "assume (exists g in party: agrees(g)) and agrees(g);")
    assert [(d.code.value, d.message) for d in errors] == [("unknown-name", "unknown name `g`")]


def test_unknown_set_and_wrong_kind_of_set() -> None:
    assert codes(WORLD + "assume exists g in guarantor: agrees(g);") == ["unknown-name"]
    assert codes(WORLD + "assume exists g in ukraine: agrees(g);") == ["wrong-kind"]


# ---- comparisons and membership -----------------------------------------------------------

def test_constant_comparisons_fold() -> None:
    # A comparison of two values folds to a constant; an assumption that folds to true is dropped.
    assert model("assume ukraine == ukraine and crimea != mainland;").assumptions == ()
    _, f = assumption("agrees(usa) and ukraine != ukraine")
    assert f == F.FALSE


def test_membership() -> None:
    inst, f = assumption("exists a in area: (armed_attack(russia, ukraine, a) and a not in {crimea})")
    assert holds(inst, f, [("armed_attack", ("russia", "ukraine", "mainland"))])
    assert not holds(inst, f, [("armed_attack", ("russia", "ukraine", "crimea"))])


def test_arithmetic_on_quantities() -> None:
    inst, f = assumption("personnel(ukraine) + 10 > personnel(russia) - 5")
    assert holds(inst, f, quantities={("personnel", ("ukraine",)): 0, ("personnel", ("russia",)): 14})
    assert not holds(inst, f, quantities={("personnel", ("ukraine",)): 0, ("personnel", ("russia",)): 15})


def test_type_errors() -> None:
    assert codes(WORLD + "assume ukraine == crimea;") == ["type-mismatch"]
    assert codes(WORLD + "assume personnel(ukraine);") == ["type-mismatch"]
    assert codes(WORLD + "assume personnel(ukraine) > crimea;") == ["type-mismatch"]
    assert codes(WORLD + "assume personnel > 3;") == ["arity"]
    assert codes(WORLD + "assume crimea in guarantors;") == ["type-mismatch"]
    assert codes(WORLD + "assume agrees(crimea);") == ["type-mismatch"]


def test_several_independent_errors_in_one_file() -> None:
    errors = diagnostics(WORLD + "assume agrees(rusia);\nassume flag(ukraine);\nclause c \"C\" { usa must asist; }")
    assert [d.code.value for d in errors] == ["unknown-name", "type-mismatch", "unknown-name"]


# ---- definitions ----------------------------------------------------------------------------

def test_definitions_are_expanded_at_each_use() -> None:
    inst = model("""
        define attacked(p: party) = exists a in party: armed_attack(by: a, on: p);
        define both = attacked(ukraine) and attacked(usa);
        assume both;
    """)
    (f,) = inst.assumptions
    attack_u = ("armed_attack", ("russia", "ukraine", "crimea"))
    attack_a = ("armed_attack", ("ukraine", "usa", "mainland"))
    assert holds(inst, f, [attack_u, attack_a])
    assert not holds(inst, f, [attack_u])


def test_definition_errors() -> None:
    assert codes(WORLD + "define d = e;\ndefine e = not d;") == ["definition-cycle"]
    assert codes(WORLD + "define d(p: party) = agrees(p);\nassume d;") == ["arity"]
    assert codes(WORLD + "define d(p: party) = agrees(p);\nassume d(crimea);") == ["type-mismatch"]
    # An unused definition is still checked.
    assert codes(WORLD + "define unused = agrees(nobody);") == ["unknown-name"]


# ---- brackets ---------------------------------------------------------------------------------

def test_bracket_in_and_reads_true_in_the_base_text() -> None:
    inst, f = assumption("agrees(usa) and [russia: agrees(russia)]")
    (bracket,) = inst.brackets.values()
    assert bracket.labels == ("russia", "base") and bracket.clause is None
    usa_only = [("agrees", ("usa",))]
    assert holds(inst, f, usa_only, draft={bracket.id: "base"})
    assert not holds(inst, f, usa_only, draft={bracket.id: "russia"})


def test_bracket_in_or_reads_false_in_the_base_text() -> None:
    inst, f = assumption("agrees(usa) or [ukraine: agrees(ukraine)]")
    (bracket,) = inst.brackets.values()
    assert not holds(inst, f, [("agrees", ("ukraine",))], draft={bracket.id: "base"})
    assert holds(inst, f, [("agrees", ("ukraine",))], draft={bracket.id: "ukraine"})


def test_numeric_brackets_and_their_numbering() -> None:
    inst = model('clause caps "Annex" { limit personnel(ukraine) <= [russia: 85000 | ukraine: 250000];\n'
                 "limit personnel(ukraine) >= [base: 0 | russia: 10]; }")
    assert list(inst.brackets) == ["caps#1", "caps#2"]
    assert inst.brackets["caps#1"].labels == ("russia", "ukraine") and inst.brackets["caps#1"].clause == "caps"
    first = inst.clauses[0].norms[0]
    assert first.keep is not None and first.is_limit
    q: dict[AtomKey, int] = {("personnel", ("ukraine",)): 100_000}
    assert not holds(inst, first.keep, quantities=q, draft={"caps#1": "russia"})
    assert holds(inst, first.keep, quantities=q, draft={"caps#1": "ukraine"})


def test_a_bracket_of_figures_is_a_range_even_where_its_formula_simplifies_away() -> None:
    """`true or x > [...]` is `true`: the bracket is no longer read, yet the text still offers a
    figure between its alternatives (negotiate lists it as a range, not as a choice of labels)."""
    inst = model('clause caps "Annex" { limit personnel(ukraine) <= [russia: 85000 | ukraine: 250000];\n'
                 "usa must assist when true or personnel(ukraine) > [base: 1 | russia: 2]; }")
    assert inst.brackets["caps#1"].figures == (85000, 250000)
    assert inst.brackets["caps#2"].figures == (1, 2)
    counted = model('clause c "C" { usa must assist when at least [russia: 2 | ukraine: 1] of x in party: agrees(x); }')
    assert [b.figures for b in counted.brackets.values()] == [None]
    # A bracket in a statement about the text reads the draft: no figure of the text.
    queried = model('clause c "C" { usa must assist; }\nassert q: personnel(ukraine) <= [base: 1 | russia: 2];')
    assert [b.figures for b in queried.brackets.values()] == [None]


def test_assumption_brackets_are_numbered_per_file_not_per_clause() -> None:
    inst = model('clause c "C" { usa may assist; }\nassume [russia: agrees(russia) | base: true];')
    (bracket,) = inst.brackets.values()
    assert bracket.id == "t#1" and bracket.clause is None


def test_bracket_errors() -> None:
    assert codes(WORLD + "assume [rusia: agrees(russia)] and true;") == ["bad-alternative"]
    assert codes(WORLD + "assume [russia: agrees(russia) | russia: true] and true;") == ["bad-alternative"]
    assert codes(WORLD + "assume not [russia: agrees(russia)];") == ["bad-alternative"]


def test_norm_brackets_guard_their_norms() -> None:
    inst = model('clause c "C" { [russia: usa must assist(to: ukraine); | ukraine: usa must not assist;] }')
    (bracket,) = inst.brackets.values()
    assert bracket.labels == ("russia", "ukraine", "base")
    must, must_not = inst.clauses[0].norms
    world = World(frozenset(), {}, frozenset(), {bracket.id: "russia"})
    assert [b.norm.index for b in breaches(inst, world, {})] == [must.index]
    base = World(frozenset(), {}, frozenset(), {bracket.id: "base"})
    assert breaches(inst, base, {}) == []
    assert must_not.modality is Modality.MUST_NOT


# ---- norms -----------------------------------------------------------------------------------

def test_norm_parts() -> None:
    inst = model("""clause c "C" {
        each g in guarantors must assist(to: ukraine) when agrees(g) unless armed_attack(by: g);
        ukraine must not conclude where kind == alliance when armed_attack(by: partner);
        ukraine may keep personnel(ukraine) >= 10;
    }""")
    obligation, prohibition, keep = inst.clauses[0].norms
    assert obligation.modality is Modality.MUST and obligation.subjects == ("russia", "usa")
    assert obligation.act == "assist" and obligation.pattern == (F.Const("ukraine"),)
    assert obligation.pattern_vars == ()
    assert prohibition.modality is Modality.MUST_NOT and len(prohibition.pattern_vars) == 2
    assert [dom for _, dom in prohibition.pattern_vars] == [("ukraine", "russia", "usa"), ("alliance", "training")]
    assert keep.act is None and keep.keep is not None and keep.modality is Modality.MAY
    assert [n.index for n in inst.clauses[0].norms] == [0, 1, 2]


def test_obligation_condition_is_when_and_not_unless() -> None:
    inst = model('clause c "C" { usa must assist(to: ukraine) when agrees(usa) unless flag(true); }')
    norm = inst.clauses[0].norms[0]
    env = {norm.subject_var: "usa"}

    def in_force(*atoms: AtomKey) -> bool:
        return Evaluator(inst, World(frozenset(atoms)), {}).holds(norm.condition, env)

    assert in_force(("agrees", ("usa",)))
    assert not in_force()
    assert not in_force(("agrees", ("usa",)), ("flag", (True,)))


def test_act_parameters_are_in_scope_in_where_and_in_a_prohibitions_conditions() -> None:
    inst = model('clause c "C" { ukraine must not conclude when armed_attack(by: partner, on: ukraine) '
                 "unless kind == training; }")
    attacked_by_russia = ("armed_attack", ("russia", "ukraine", "crimea"))
    bad = World(frozenset({attacked_by_russia, ("conclude", ("ukraine", "russia", "alliance"))}))
    fine = World(frozenset({attacked_by_russia, ("conclude", ("ukraine", "usa", "alliance")),
                            ("conclude", ("ukraine", "russia", "training"))}))
    assert len(breaches(inst, bad, {})) == 1
    assert breaches(inst, fine, {}) == []


def test_obligation_conditions_may_not_use_the_acts_parameters() -> None:
    errors = diagnostics(WORLD + 'clause c "C" { ukraine must conclude when kind == training; }')
    assert [(d.code.value, d.help) for d in errors] == [
        ("bad-norm", "filter the act with `where` (`... must conclude where ...`)")]
    # The same name is fine in a later norm's own scope.
    instrument(WORLD + 'clause c "C" { ukraine must conclude where kind == training; }')


@pytest.mark.parametrize(("norm", "code"), [
    ("guarantors must assist;", "wrong-kind"),
    ("ukrane must assist;", "unknown-name"),
    ("each g in area must assist;", "type-mismatch"),
    ("ukraine must agrees;", "not-an-act"),
    ("ukraine must assit;", "unknown-name"),
    ("ukraine must assist(ukraine, russia);", "arity"),
    ("ukraine must assist(too: russia);", "unknown-attribute"),
    ("ukraine must not keep personnel(ukraine) > 5;", "bad-norm"),
    ("ukraine must keep personnel(ukraine) > 5 where true;", "bad-norm"),
    ("ukraine may assist protects ukraine against agrees(usa);", "bad-guarantee"),
    ("usa must assist protects ukrane against agrees(usa);", "unknown-name"),
])
def test_norm_errors(norm: str, code: str) -> None:
    assert codes(WORLD + f'clause c "C" {{ {norm} }}') == [code]


def test_limits_bind_the_party_that_controls_the_quantity() -> None:
    inst = model('clause caps "Annex" { limit personnel(ukraine) <= 85000 when agrees(ukraine); }')
    (norm,) = inst.clauses[0].norms
    assert norm.is_limit and norm.subjects == ("ukraine",) and norm.modality is Modality.MUST
    over = World(frozenset({("agrees", ("ukraine",))}), {("personnel", ("ukraine",)): 90000})
    assert len(breaches(inst, over, {})) == 1
    assert breaches(inst, World(frozenset(), {("personnel", ("ukraine",)): 90000}), {}) == []


def test_limit_errors() -> None:
    assert codes(WORLD + 'clause c "C" { limit 1 <= 2; }') == ["bad-limit"]
    assert codes(WORLD + 'clause c "C" { limit personnel(ukraine) + personnel(usa) <= 2; }') == ["bad-limit"]


# ---- overrides (lex specialis) -----------------------------------------------------------

OVERRIDE = """
clause general "Art. 1" { ukraine must not conclude; }
clause special "Art. 2" overrides general { ukraine may conclude(kind: training) when agrees(ukraine); }
"""


def test_override_suspends_the_general_norm_where_the_special_one_covers_the_act() -> None:
    inst = model(OVERRIDE)
    training = ("conclude", ("ukraine", "usa", "training"))
    alliance = ("conclude", ("ukraine", "usa", "alliance"))
    agreed = ("agrees", ("ukraine",))
    assert breaches(inst, World(frozenset({training, agreed})), {}) == []
    assert len(breaches(inst, World(frozenset({training})), {})) == 1      # the special condition fails
    assert len(breaches(inst, World(frozenset({alliance, agreed})), {})) == 1  # not covered


def test_without_override_both_apply() -> None:
    inst = model(OVERRIDE.replace(" overrides general", ""))
    world = World(frozenset({("conclude", ("ukraine", "usa", "training")), ("agrees", ("ukraine",))}))
    assert len(breaches(inst, world, {})) == 1


def test_override_errors() -> None:
    assert codes(WORLD + 'clause a "A" overrides a { usa may assist; }') == ["bad-override"]
    assert codes(WORLD + 'clause a "A" overrides b { usa may assist; }\n'
                         'clause b "B" overrides a { usa may assist; }') == ["bad-override", "bad-override"]
    assert codes(WORLD + 'clause a "A" overrides nothing { usa may assist; }') == ["unknown-name"]


# ---- terms and queries -----------------------------------------------------------------

def test_terms_and_readings() -> None:
    inst = model("""
        term harms(k: kind) { reading ordinary: k == alliance; reading russia: true; reading strict = russia; }
        term open_term(k: kind);
        clause c "C" { ukraine must not conclude where harms(kind); }
    """)
    harms = inst.terms["harms"]
    assert [r.name for r in harms.readings] == ["ordinary", "russia", "strict"]
    strict = harms.reading("strict")
    assert strict is not None and strict.alias_of == "russia"
    assert inst.terms["open_term"].readings == ()
    assert inst.reading_names() == ("ordinary", "russia", "strict")
    training = World(frozenset({("conclude", ("ukraine", "usa", "training"))}))
    assert breaches(inst, training, {"harms": "ordinary"}) == []
    assert len(breaches(inst, training, {"harms": "russia"})) == 1


def test_reading_errors() -> None:
    assert codes(WORLD + "term t { reading a: true; reading a: false; }") == ["duplicate-name"]
    assert codes(WORLD + "term t { reading a = b; }") == ["bad-reading"]


def test_queries() -> None:
    inst = model("""
        clause c "C" { usa may assist; }
        expect hollow-permission on c by usa in draft base under reading ordinary;
        assert no conflict;
        assert always: true;
        scenario some: agrees(usa);
        term t(k: kind) { reading ordinary: true; }
    """)
    expect, assert_no, always, some = inst.queries
    assert expect.kind is QueryKind.EXPECT and expect.finding_kind == "hollow-permission"
    assert (expect.clauses, expect.party, expect.draft, expect.reading) == (("c",), "usa", "base", "ordinary")
    assert expect.name == "expect hollow-permission on c by usa in draft base under reading ordinary"
    assert assert_no.kind is QueryKind.ASSERT_NO and assert_no.finding_kind == "conflict"
    assert always.kind is QueryKind.ASSERT and always.formula == F.TRUE
    assert some.kind is QueryKind.SCENARIO and some.formula == F.Atom("agrees", (F.Const("usa"),))


def test_query_errors() -> None:
    base = WORLD + 'clause c "C" { usa may assist; }\n'
    assert codes(base + "expect conflict on d;") == ["unknown-name"]
    assert codes(base + "expect conflict by nobody;") == ["unknown-name"]
    assert codes(base + "expect conflict in draft nobody;") == ["bad-query"]
    assert codes(base + "expect conflict under reading nothing;") == ["bad-reading"]
    assert codes(base + "scenario s: personnel(usa);") == ["type-mismatch"]
