"""Numbers too long to be a figure in a treaty: refused at the literal, before parsing.

Python converts at most 4,300 digits between text and int by default, and a literal of
more digits used to end the run with an internal error. A figure of more than
MAX_DIGITS digits is no figure of any instrument, so it is a located error instead.
"""

from __future__ import annotations

import re

from dsl.diagnostics import Code, Diagnostics
from dsl.source import SourceFile

MAX_DIGITS = 1_000

# Strings and comments are skipped whole; a number is a digit run that does not continue a name.
_TOKENS = re.compile(r'"(?:\\.|[^"\\])*"|#[^\n]*|(?<!\w)[0-9][0-9_]*')


def numbers_ok(source: SourceFile, diags: Diagnostics) -> bool:
    """False (with an error at each) if an integer literal of the source is too long."""
    ok = True
    for m in _TOKENS.finditer(source.text):
        text = m.group()
        if text[0] in '"#':
            continue
        digits = len(text) - text.count("_")
        if digits > MAX_DIGITS:
            diags.error(Code.TOO_LARGE, source.span(m.start(), m.start() + 1),
                        f"this number has {digits:,} digits; a number may have at most {MAX_DIGITS:,}",
                        help="write the figure the instrument states")
            ok = False
    return ok
