"""What one differential comparison found: how many answers were compared, which disagreed."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Outcome:
    checks: int = 0
    disagreements: list[str] = field(default_factory=list)
    skipped: str | None = None  # why the input could not be compared (does not load, too big for the oracle)

    def add(self, ok: bool, message: str) -> None:
        self.checks += 1
        if not ok:
            self.disagreements.append(message)
