"""Python data (dicts, lists, tuples, strings, numbers, None) as JSON text and back.

JSON has neither tuples nor dictionary keys other than strings; both are kept here as
one-key objects (`{"(tuple)": [...]}`, `{"(pairs)": [[key, value], ...]}`), so that
`loads(dumps(x)) == x`. Used for the parser tables (dsl.parser._lark): JSON is read by a
C library in milliseconds, and reading it can only ever make data.
"""

from __future__ import annotations

import json
from typing import Any

_TUPLE, _PAIRS = "(tuple)", "(pairs)"


def dumps(value: Any) -> str:
    return json.dumps(_encoded(value), separators=(",", ":"))


def loads(text: str) -> Any:
    return json.loads(text, object_hook=_decoded)


def _encoded(value: Any) -> Any:
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value) and not ({_TUPLE, _PAIRS} & value.keys() and len(value) == 1):
            return {k: _encoded(v) for k, v in value.items()}
        return {_PAIRS: [[_encoded(k), _encoded(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {_TUPLE: [_encoded(v) for v in value]}
    if isinstance(value, list):
        return [_encoded(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"not plain data: {type(value).__name__}")


def _decoded(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if _TUPLE in obj:
            return tuple(obj[_TUPLE])
        if _PAIRS in obj:
            return dict(obj[_PAIRS])
    return obj
