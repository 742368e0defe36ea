"""Write dsl/grammar_tables.json: the parser Lark analyses from dsl/grammar.lark, as plain data.

Usage: python scripts/grammar_tables.py [--check]. With --check, exit 1 when the file was
written for another grammar text or Lark version (the test suite checks it too). Lark numbers
its parser states differently from run to run, so two writings differ in text but not in
what they parse (tests/unit/test_grammar_tables.py).

Analysing the grammar (Lark reads its own meta-grammar, builds the LALR table and compares
every pair of terminal patterns) takes about 0.2 s, a tenth of checking the whole corpus;
reading the analysis back takes a few milliseconds. It is JSON: reading it makes data and
nothing else. A grammar edited since is analysed afresh (see dsl.parser._lark).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dsl.parser import TABLES_FILE, build_parser, kept_tables, parser_tables_text  # noqa: E402

TARGET = ROOT / "dsl" / TABLES_FILE


def main(argv: list[str]) -> int:
    if "--check" in argv:
        if kept_tables() is None:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run python scripts/grammar_tables.py", file=sys.stderr)
            return 1
        return 0
    text = parser_tables_text(build_parser())
    tmp = TARGET.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(TARGET)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
