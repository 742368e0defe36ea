"""The trust oracle: brute-force answers to every check, and the differential harness.

The oracle shares nothing with nverify beyond the parser and the syntax tree
(`dsl.parser`, `dsl.syntax`, `dsl.source`, `dsl.diagnostics`); this is enforced
by tests/oracle/test_independence.py, which walks the imports of every module
here except the harnesses, whose names start with `compare` (they run nverify
to get ITS answers).

Modules and the functions other oracles build on:

* `front` reads a spec from its syntax tree, written from docs/language.md and
  ../shared/DESIGN.md §1-10: `read_model(files, root) -> Model` (files maps
  relative paths to text, so imports work without a disk), `read_text(text)`.
  A `Model` has the parties, enums, groups, predicates, terms (`TermDef`,
  readings by name, aliases resolved), `assumptions`, `clauses` (each with its
  ground `Norm`s: `cases[subject]` per act with its condition and `where`,
  `trigger[subject]` for obligations and keep norms, `keep[subject]`, `guard`,
  `protects`), `brackets` (id -> labels) and `queries`. Formulas are ground
  tuples (see front's docstring); `Model.reading_body(term, reading, args)`.
  A timed spec (docs/language.md, "Time: steps, deadlines and phases") has a
  `Model.horizon`; every atom and term then takes the step as its last argument,
  norms are one per step (`Norm.step`, `Norm.group`: the norm as written), and
  `oracle.guarantees(model)` joins a timed guarantee's steps into one.
* `space`: `Space(model, open_terms)` enumerates the worlds as bits of an int
  (`mask`, `exists`, `forall`, `controlled_by`, `free`, `world`,
  `world_index`); `Evaluator(space, readings, draft).holds(formula)` is the
  world set of a formula under one draft and reading assignment;
  `Unsupported` is raised for specs too large or non-linear.
* `oracle`: `drafts(model, requested)` (the drafts checked, `--draft`
  included), `baseline`, `reading_sets`, `claimants`;
  `respected(evaluator, norm, subject)` (the world set where a norm holds);
  `Oracle(model, readings, drafts)` with `.context(draft, readings)` (a
  `Context` with `A`, `comp(party, clauses)`, `norm_of`, `compliant()`, the
  per-check world sets) and `.all_answers()`.
* `gen`: random well-typed spec text (`generate(chooser)` for one file;
  `generate_case(chooser) -> Case` for files with imports and the `--reading`
  and `--draft` options to check them with).
* `predict`: `predicted_findings(oracle, answers)` and `matches(pattern, finding)`,
  the findings an `expect` (or a goal) is matched against.
* `diff_oracle`, `negotiate_oracle` (with `pairs`): the oracles of `nverify diff`
  and `nverify negotiate`, on the same front end.
* `compare` (harness): `compare_text`, `compare_files` run nverify and the
  oracle and list the disagreements.
"""
