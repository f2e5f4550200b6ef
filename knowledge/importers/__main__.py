"""``python -m knowledge.importers``: write a council's content as articles.

python -m knowledge.importers html SAVED_PAGES_DIR --out knowledge/articles/imported
python -m knowledge.importers faq faqs.csv --out knowledge/articles/imported
"""

import argparse
import logging
import sys
from pathlib import Path

from knowledge.errors import KnowledgeError
from knowledge.importers.faq_csv import import_faq_csv
from knowledge.importers.html_pages import DEFAULT_BASE_URL, import_html_folder
from knowledge.importers.markdown import write_article
from knowledge.importers.topics import load_topic_map

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m knowledge.importers",
        description="Convert saved web pages or a FAQ CSV into Markdown articles.",
    )
    parser.add_argument("kind", choices=("html", "faq"))
    parser.add_argument("source", type=Path, help="folder of pages, or the CSV")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--base-url", default=DEFAULT_BASE_URL)
    parser.add_argument(
        "--topic-map", type=Path, help="YAML: URL path prefix -> topic ids"
    )
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    try:
        topic_map = load_topic_map(args.topic_map)
        if args.kind == "html":
            articles = import_html_folder(
                args.source, base_url=args.base_url, topic_map=topic_map
            )
        else:
            articles = import_faq_csv(args.source, topic_map=topic_map)
    except KnowledgeError as error:
        logger.error("import failed: %s", error.detail)
        return 1

    for article in articles:
        write_article(article, args.out)
    logger.info("wrote %d articles under %s", len(articles), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
