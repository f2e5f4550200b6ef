"""When search says it can answer: thresholds calibrated on labelled questions.

A query is *answerable* when its best article is close enough in meaning to
the question. The rule is deliberately small, so an officer can read why a
question was declined:

- ``dense``: the best article's cosine >= ``min_cosine``;
- ``lexical``: the best article's BM25 score >= ``min_lexical``;
- ``hybrid``: cosine >= ``min_cosine``, or cosine >= ``agreed_min_cosine``
  when BM25 agrees (ranks the same article within its top ``agreement_rank``).

Dense and hybrid rules also ask that the best article be closer to the query
than the nearest service the council does not run (knowledge.signposts), by
at least ``min_margin`` (cosine of the article minus cosine of the signpost).

The numbers are not guessed: ``make eval`` fits them on ``knowledge/eval/dev.yml``
and writes them, with the fusion method it chose, to ``knowledge/calibration.json``.
"""

import json
import logging
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from knowledge.fusion import FusionConfig

logger = logging.getLogger(__name__)

CALIBRATION_ENV = "KNOWLEDGE_CALIBRATION"
DEFAULT_CALIBRATION = Path(__file__).resolve().parent / "calibration.json"
SEARCH_MODES = ("hybrid", "dense", "lexical")


@dataclass(frozen=True)
class Signals:
    """What the decision reads about a query's best article."""

    cosine: float
    lexical: float
    lexical_rank: float
    signpost_cosine: float = math.nan

    @property
    def margin(self) -> float:
        """How much closer the best article is than the nearest signpost."""
        return self.cosine - self.signpost_cosine

    def agrees(self, agreement_rank: int) -> bool:
        return self.lexical > 0 and self.lexical_rank <= agreement_rank


@dataclass(frozen=True)
class AnswerRule:
    """Thresholds for one search mode; ``None`` means the signal is unused."""

    min_cosine: float | None = None
    agreed_min_cosine: float | None = None
    min_lexical: float | None = None
    agreement_rank: int = 1
    min_margin: float | None = None

    def answerable(self, signals: Signals) -> bool:
        if self.min_lexical is not None and signals.lexical < self.min_lexical:
            return False
        # A NaN margin (no signposts loaded) compares False: it never declines.
        if self.min_margin is not None and signals.margin < self.min_margin:
            return False
        if self.min_cosine is None:
            return True
        if signals.cosine >= self.min_cosine:
            return True
        return (
            self.agreed_min_cosine is not None
            and signals.cosine >= self.agreed_min_cosine
            and signals.agrees(self.agreement_rank)
        )

    def describe(self) -> str:
        parts = []
        if self.min_cosine is not None:
            parts.append(f"cosine >= {self.min_cosine:.3f}")
        if self.agreed_min_cosine is not None:
            parts.append(
                f"or cosine >= {self.agreed_min_cosine:.3f} with BM25 agreeing "
                f"(top {self.agreement_rank})"
            )
        if self.min_lexical is not None:
            parts.append(f"BM25 >= {self.min_lexical:.2f}")
        if self.min_margin is not None:
            parts.append(
                f"{'and ' if parts else ''}cosine exceeds the nearest signpost's "
                f"by >= {self.min_margin:.3f}"
            )
        return " ".join(parts) or "always answer"


@dataclass(frozen=True)
class Calibration:
    """The fusion method and answer rules a deployment searches with."""

    fusion: FusionConfig
    rules: dict[str, AnswerRule]
    model_revision: str = ""
    calibrated_at: str = ""
    source: str = ""
    figures: dict[str, object] = field(default_factory=dict)

    def rule(self, mode: str) -> AnswerRule | None:
        return self.rules.get(mode)

    def to_dict(self) -> dict[str, object]:
        return {
            "fusion": asdict(self.fusion),
            "rules": {mode: asdict(rule) for mode, rule in self.rules.items()},
            "model_revision": self.model_revision,
            "calibrated_at": self.calibrated_at,
            "source": self.source,
            "figures": self.figures,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> "Calibration":
        fusion = data.get("fusion") or {}
        rules = data.get("rules") or {}
        if not isinstance(fusion, dict) or not isinstance(rules, dict):
            raise ValueError("calibration 'fusion' and 'rules' must be objects")
        figures = data.get("figures") or {}
        return cls(
            fusion=FusionConfig(**fusion),
            rules={mode: AnswerRule(**rule) for mode, rule in rules.items()},
            model_revision=str(data.get("model_revision", "")),
            calibrated_at=str(data.get("calibrated_at", "")),
            source=str(data.get("source", "")),
            figures=figures if isinstance(figures, dict) else {},
        )


def calibration_path() -> Path:
    """Return ``KNOWLEDGE_CALIBRATION`` if set, else the packaged file."""
    configured = os.environ.get(CALIBRATION_ENV, "").strip()
    return Path(configured) if configured else DEFAULT_CALIBRATION


def load_calibration(path: Path | None = None) -> Calibration | None:
    """Read a calibration file; ``None`` (with a warning) if there is none."""
    path = path or calibration_path()
    if not path.is_file():
        logger.warning(
            "no calibration at %s: search will answer every query it finds "
            "results for; run `make eval` to calibrate",
            path,
        )
        return None

    return Calibration.from_dict(json.loads(path.read_text(encoding="utf-8")))


def save_calibration(calibration: Calibration, path: Path | None = None) -> Path:
    path = path or calibration_path()
    path.write_text(
        json.dumps(calibration.to_dict(), indent=2) + "\n", encoding="utf-8"
    )
    logger.info("calibration written to %s", path)
    return path
