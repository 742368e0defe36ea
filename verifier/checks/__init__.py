"""The checks: each turns a CheckContext into findings. CHECKS lists them in run order.

Every check module states its query as "sat iff a witness exists" and
re-checks each witness with `dsl.evaluate` before reporting it.
"""

from __future__ import annotations

from verifier.checks.context import CheckContext
from verifier.checks import (
    blockable_guarantee,
    blocked_permission,
    conflict,
    contradiction,
    hollow_permission,
    pretext,
    vacuous_guarantee,
)

# Order matters where a later check reads earlier findings (conflict skips
# contradictions; vetoed permissions skip permissions already hollow).
CHECKS = (contradiction.run, conflict.run, hollow_permission.run, blocked_permission.run, pretext.run,
          blockable_guarantee.run, vacuous_guarantee.run)

# Groups of CHECKS (indices, in order) that read no findings of another group: a large
# instrument's groups are checked in sessions of their own, side by side with --jobs.
GROUPS = ((0, 1, 2, 3), (4,), (5, 6))

__all__ = ["CHECKS", "GROUPS", "CheckContext"]
