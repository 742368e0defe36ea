"""nverify front-end: spec text -> checked model. Never imports z3 or the verifier.

Public API: `load(paths) -> LoadResult` with the checked instruments and the
diagnostics; the model types live in `dsl.model` and `dsl.formula`.
"""

from dsl.loader import LoadResult, load, refuse_empty

__all__ = ["LoadResult", "load", "refuse_empty"]
