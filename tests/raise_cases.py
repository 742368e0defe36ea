"""Small inputs, one (at least) for each place that reports bad input: see tests/test_raise_sites.py."""
from __future__ import annotations

W = ('instrument r "R";\nparty pa, pb;\nenum k = {x, y};\ngroup g = {pa};\nfact f(p: party) controlled by p;\n'
     'act a(actor: party, t: party);\nquantity q(p: party) controlled by p;\n')


def spec(body: str) -> dict[str, str]:
    return {"main.nv": W + body}


def when(cond: str) -> dict[str, str]:
    return spec(f'clause c "C" {{ pa must not a when {cond}; }}\n')


LINK_OUTSIDE = "\x00 a symbolic link to a file outside the folder"
FIFO = "\x00 a FIFO"

# name -> (files written in a fresh folder, the command line run there, whether it is a usage error)
CASES: dict[str, tuple[dict[str, str], list[str], bool]] = {
    "reading-twice": (spec("term t(p: party) { reading ordinary: f(p); reading ordinary: f(pa); }\n"), ["main.nv"], False),
    "ground-size": ({"main.nv": 'instrument r "R";\nparty ' + ", ".join(f"p{i}" for i in range(12))
                     + ';\nfact g(x: party);\nact a(actor: party);\nclause c "C" { p1 must not a when '
                     + "".join(f"exists x{i} in party: (" for i in range(7)) + "g(x0)" + ")" * 7 + "; }\n"
                     # (every party named, so none is checked through another: dsl.symmetry)
                     + "assume all x in {" + ", ".join(f"p{i}" for i in range(12)) + "}: true;\n"}, ["main.nv"], False),
    "term-cycle": (spec("term t(p: party) { reading ordinary: u(p); }\nterm u(p: party) { reading ordinary: t(p); }\n"
                        'clause c "C" { pa must not a when t(pa); }\n'), ["main.nv"], False),
    "norm-bracket-label-twice": (spec('clause c "C" { [pa: pa must not a; | pa: pb must not a;] }\n'), ["main.nv"], False),
    "where-on-keep": (spec('clause c "C" { pa must keep f(pa) where f(pb); }\n'), ["main.nv"], False),
    "protects-unknown-party": (spec('clause c "C" { pa must a(pb) protects zz against f(pb); }\n'), ["main.nv"], False),
    "protection-unknown-party": (spec('protection zz against f(pb) by a;\n'), ["main.nv"], False),
    "protection-by-keep": (spec('protection pa against f(pb) by keep f(pa);\n'), ["main.nv"], False),
    "each-over-enum": (spec('clause c "C" { each v in k must not a; }\n'), ["main.nv"], False),
    "unknown-finding-kind": (spec('clause c "C" { pa must not a; }\nexpect nonsense on c;\n'), ["main.nv"], False),
    "goal-unknown-party": (spec('clause c "C" { pa must not a; }\ngoal zz: no contradiction;\n'), ["main.nv"], False),
    "scenario-twice": (spec('clause c "C" { pa must not a; }\nscenario s: f(pa);\nscenario s: f(pb);\n'), ["main.nv"], False),
    "atoms": ({"main.nv": "party " + ", ".join(f"p{i}" for i in range(300)) + ";\nfact h(a: party, b: party);\n"
                         + "assume all x in {" + ", ".join(f"p{i}" for i in range(300)) + "}: true;\n"},
              ["main.nv"], False),
    "for-norms": (spec('clause c "C" { ' + "".join(f"for v{i} in party: " for i in range(16)) + "pa must not a; }\n"),
                  ["main.nv"], False),
    "fact-as-set": (when("exists v in f: f(v)"), ["main.nv"], False),
    "breached-without-a-clause-name": (when("breached(3, by: pa)"), ["main.nv"], False),
    "unknown-set": (when("exists v in nowhere: f(v)"), ["main.nv"], False),
    "unknown-set-member": (when("exists v in {pa, zz}: f(v)"), ["main.nv"], False),
    "mixed-set": (when("exists v in {pa, x}: f(v)"), ["main.nv"], False),
    "number-as-value": (when("f(3)"), ["main.nv"], False),
    "number-as-condition": (when("3"), ["main.nv"], False),
    "party-variable-as-condition": (when("exists v in party: v"), ["main.nv"], False),
    "enum-as-condition": (when("k"), ["main.nv"], False),
    "unknown-condition": (when("zzz"), ["main.nv"], False),
    "definitions-that-double": (spec("define d0 = f(pa);\n" + "".join(
        f"define d{i} = not (d{i - 1} and (d{i - 1}));\n" for i in range(1, 40))
        + 'clause c "C" { pa must not a when d39; }\n'), ["main.nv"], False),
    "membership-as-value": (when("exists v in k: v in g"), ["main.nv"], False),
    "member-of-other-type": (when("exists v in k: (v in g)"), ["main.nv"], False),
    "expression-bracket-label-twice": (when("[base: f(pa) | pa: f(pa) | pa: f(pb)]"), ["main.nv"], False),
    "quantity-missing-argument": (when("q() <= 3"), ["main.nv"], False),
    "fact-as-number": (when("f <= 3"), ["main.nv"], False),
    "unknown-number": (when("zz <= 3"), ["main.nv"], False),
    "condition-as-number": (when("(f(pa)) + 1 <= 3"), ["main.nv"], False),
    "formula-as-number": (when("(f(pa) and f(pb)) + 1 <= 3"), ["main.nv"], False),
    "count-over-enum": (when("at least 1 of v in k: f(pa)"), ["main.nv"], False),
    "count-not-a-number": (when("at least [pa: q(pa) | pb: 1] of v in g: f(v)"), ["main.nv"], False),
    "count-negative": (when("at most [pa: 0 - 1 | pb: 1] of v in party: f(v)"), ["main.nv"], False),
    "check-reading-unknown-term": (spec("term t(p: party) { reading ordinary: f(p); }\ncheck under reading ordinary for zz;\n"
                                        'clause c "C" { pa must not a when t(pa); }\n'), ["main.nv"], False),
    "check-reading-term-without-it": (spec("term t(p: party) { reading ordinary: f(p); }\ncheck under reading pa for t;\n"
                                           'clause c "C" { pa must not a when t(pa); }\n'), ["main.nv"], False),
    "folder-without-specs": ({"notes.txt": "party pa;\n"}, ["."], False),
    "folder-link-outside": ({"main.nv": W, "elsewhere.nv": LINK_OUTSIDE}, ["."], False),
    "imports-too-deep": ({**{f"f{i}.nv": f'import "f{i + 1}.nv";\n' for i in range(40)}, "f40.nv": W},
                         ["f0.nv"], False),
    "diff-different-worlds": ({"a.nv": W + 'clause c "C" { pa must not a; }\n',
                               "b.nv": W.replace("fact f(p: party)", "fact f(p: party, o: party)")
                               + 'clause c "C" { pa must not a; }\n'}, ["diff", "a.nv", "b.nv"], True),
    "import-not-spec": ({"main.nv": 'import "notes.txt";\n' + W}, ["main.nv"], False),
    "import-nul": ({"main.nv": 'import "a\\u0000b.nv";\n' + W}, ["main.nv"], False),
    "import-name-too-long": ({"main.nv": 'import "' + "n" * 300 + '.nv";\n' + W}, ["main.nv"], False),
    "import-not-utf8": ({"main.nv": 'import "latin.nv";\n' + W, "latin.nv": b"party \xe9;\n".decode("latin-1")}, ["main.nv"], False),
    "brackets-too-deep": (when("(" * 150 + "f(pa)" + ")" * 150), ["main.nv"], False),
    "expression-too-deep": (when("not " * 150 + "f(pa)"), ["main.nv"], False),
    "unexpected-eof": ({"main.nv": W + 'clause c "C" { pa must not a'}, ["main.nv"], False),
    "parameter-twice": (spec("fact h(p: party, p: party);\n"), ["main.nv"], False),
    "path-name-too-long": ({}, ["n" * 300 + ".nv"], False),
    "number-too-long": (when("q(pa) <= " + "9" * 1200), ["main.nv"], False),
    # command-line usage
    "quiet-and-verbose": (spec('clause c "C" { pa must not a; }\n'), ["-q", "-v", "main.nv"], True),
    "quiet-json-to-stdout": (spec('clause c "C" { pa must not a; }\n'), ["-q", "--format", "json", "main.nv"], True),
    "reading-unknown": (spec('clause c "C" { pa must not a; }\n'), ["--reading", "zz", "main.nv"], True),
    "draft-unknown-bracket": (spec('clause c "C" { pa must not a; }\n'), ["--draft", "nob=x", "main.nv"], True),
    "draft-unknown-label": (spec('clause c "C" { pa must not a; }\n'), ["--draft", "zz", "main.nv"], True),
    "draft-pin-unknown-label": (spec('clause c "C" { pa must not a when [base: f(pb) | pa: f(pa)]; }\n'), ["--draft", "c#1=zz", "main.nv"], True),
    "diff-nothing-to-compare": ({"main.nv": W}, ["diff", "main.nv", "main.nv"], True),
    "diff-draft-cannot-form": (spec('clause c "C" { limit q(pa) <= [pa: 5 | pb: 7]; }\n'),
                               ["diff", "main.nv", "main.nv@zz"], True),
    # -o
    "output-input": (spec('clause c "C" { pa must not a; }\n'), ["-o", "main.nv", "main.nv"], True),
    "output-name-too-long": (spec('clause c "C" { pa must not a; }\n'), ["-o", "n" * 300, "main.nv"], True),
    "output-missing-folder": (spec('clause c "C" { pa must not a; }\n'), ["-o", "missing/r.txt", "main.nv"], True),
    "output-link": ({**spec('clause c "C" { pa must not a; }\n'), "r.txt": LINK_OUTSIDE},
                    ["-o", "r.txt", "main.nv"], True),
    "output-fifo": ({**spec('clause c "C" { pa must not a; }\n'), "r.txt": FIFO}, ["-o", "r.txt", "main.nv"], True),
    "output-parent-is-a-file": (spec('clause c "C" { pa must not a; }\n'), ["-o", "main.nv/r.txt", "main.nv"], True),
    "output-spec-in-folder": (spec('clause c "C" { pa must not a; }\n'), ["-o", "new.nv", "."], True),
    # time (DESIGN 13)
    "time-twice": (spec("time day 0..3;\ntime day 0..4;\n"), ["main.nv"], False),
    "phase-without-time": (spec("phase p = 0..1;\n"), ["main.nv"], False),
    "time-backwards": (spec("time day 3..1;\n"), ["main.nv"], False),
    "time-too-long": (spec("time day 0..100000;\n"), ["main.nv"], False),
    "phase-backwards": (spec("time day 0..3;\nphase p = 2..1;\n"), ["main.nv"], False),
    "phase-outside": (spec("time day 0..3;\nphase p = 2..5;\n"), ["main.nv"], False),
    "temporal-without-time": (spec("scenario s: since f(pa);\n"), ["main.nv"], False),
    "temporal-unknown-phase": (spec("time day 0..3;\nscenario s: during nowhere;\n"), ["main.nv"], False),
    "at-outside": (spec("time day 0..3;\nscenario s: f(pa) at 7;\n"), ["main.nv"], False),
    "timed-breach-in-a-definition": (spec("time day 0..3;\nclause c \"C\" { pa must not a; }\n"
                                          "define broke(p: party) = breached(c, by: p);\nscenario s: broke(pa);\n"),
                                     ["main.nv"], False),
    "deadline-without-time": (spec('clause c "C" { pa must a within 1 of f(pa); }\n'), ["main.nv"], False),
    "deadline-on-a-prohibition": (spec('time day 0..3;\nclause c "C" { pa must not a within 1 of f(pa); }\n'),
                                  ["main.nv"], False),
    "deadline-never-due": (spec('time day 0..3;\nclause c "C" { pa must a within 5 of f(pa); }\n'), ["main.nv"], False),
    "deadline-delay-not-a-number": (spec('time day 0..3;\nclause c "C" { pa must a within [pa: 1 | pb: f(pa)] of f(pa); }\n'),
                                    ["main.nv"], False),
    "delay-without-time": (spec("protection pa against f(pb) by a within 1;\n"), ["main.nv"], False),
    "delay-never-ends": (spec("time day 0..3;\nprotection pa against f(pb) by a within 5;\n"), ["main.nv"], False),
    "maximize-in-time": (spec("time day 0..3;\nmaximize q(pa);\n"), ["main.nv"], False),
}
