"""The checks: each turns a CheckContext into findings. verifier.registry lists them in run order.

Every check module states its query as "sat iff a witness exists"; a witness
world reaches a finding only through verifier.witness, which re-checks it with
`dsl.evaluate` first.
"""

from __future__ import annotations

from verifier.checks.context import CheckContext

__all__ = ["CheckContext"]
