"""The checks: each turns a CheckContext into findings. verifier.registry lists them in run order.

Every check module states its query as "sat iff a witness exists" and
re-checks each witness with `dsl.evaluate` before reporting it.
"""

from __future__ import annotations

from verifier.checks.context import CheckContext

__all__ = ["CheckContext"]
