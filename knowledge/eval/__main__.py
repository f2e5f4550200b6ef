"""``python -m knowledge.eval``: calibrate on dev.yml, report dev and test.

python -m knowledge.eval [--articles DIR] [--index DIR] [--dev FILE]
    [--test FILE] [--calibration FILE] [--report FILE]
"""

import argparse
import logging
import sys
from pathlib import Path

from knowledge.build import build_index, default_articles_dir, default_index_dir
from knowledge.calibration import DEFAULT_CALIBRATION
from knowledge.eval.run import EVAL_DIR, run_evaluation

logger = logging.getLogger(__name__)

DEFAULT_REPORT = Path("docs/knowledge-eval.md")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m knowledge.eval",
        description="Calibrate knowledge search on dev questions and report figures.",
    )
    parser.add_argument("--articles", type=Path, default=default_articles_dir())
    parser.add_argument("--index", type=Path, default=default_index_dir())
    parser.add_argument("--dev", type=Path, default=EVAL_DIR / "dev.yml")
    parser.add_argument("--test", type=Path, default=EVAL_DIR / "test.yml")
    parser.add_argument("--calibration", type=Path, default=DEFAULT_CALIBRATION)
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT)
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)

    build_index(args.articles, args.index)
    outcome = run_evaluation(
        index_dir=args.index,
        dev_path=args.dev,
        test_path=args.test if args.test.is_file() else None,
        calibration_path=args.calibration,
        report_path=args.report,
        command=" ".join(["python -m knowledge.eval", *(argv or sys.argv[1:])]),
    )
    print(outcome.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
