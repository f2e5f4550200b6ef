"""Latency samples and their percentiles."""

import math
from dataclasses import dataclass, field


@dataclass
class Latencies:
    """Seconds from a message sent to its answer (or relay) received."""

    samples: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.samples.append(seconds)

    def extend(self, other: "Latencies") -> None:
        self.samples.extend(other.samples)

    def percentile(self, share: float) -> float | None:
        """Nearest-rank percentile (``share`` 0.95 for p95); None when empty.

        Nearest rank never invents a value between two samples, so a p99 over
        few samples is simply the largest, which is what a reader expects.
        """
        if not self.samples:
            return None
        ordered = sorted(self.samples)
        rank = max(1, math.ceil(share * len(ordered)))
        return ordered[rank - 1]

    def summary(self) -> dict[str, float | int | None]:
        """Count and p50/p95/p99/max in milliseconds."""
        return {
            "count": len(self.samples),
            "p50_ms": _ms(self.percentile(0.50)),
            "p95_ms": _ms(self.percentile(0.95)),
            "p99_ms": _ms(self.percentile(0.99)),
            "max_ms": _ms(max(self.samples) if self.samples else None),
        }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)
