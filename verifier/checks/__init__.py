"""The checks: each turns a CheckContext into findings. CHECKS lists them in run order.

Every check module states its query as "sat iff a witness exists" and
re-checks each witness with `dsl.evaluate` before reporting it.
"""

from __future__ import annotations

from verifier.checks.context import CheckContext
from verifier.checks import conflict, contradiction, hollow_permission

CHECKS = (contradiction.run, conflict.run, hollow_permission.run)

__all__ = ["CHECKS", "CheckContext"]
