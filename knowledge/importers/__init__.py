"""Turning a council's existing content into knowledge articles.

- :func:`import_html_folder`: saved web pages (a site export or crawl);
- :func:`import_faq_csv`: a spreadsheet of frequently asked questions.

Both return :class:`knowledge.article.Article` objects that the build indexes
directly (``python -m knowledge.build --html DIR --faq-csv FILE``), and
``python -m knowledge.importers`` can write them out as Markdown articles for
officers to review and edit.
"""

from knowledge.importers.faq_csv import import_faq_csv
from knowledge.importers.html_pages import import_html_folder
from knowledge.importers.markdown import write_article

__all__ = ["import_faq_csv", "import_html_folder", "write_article"]
