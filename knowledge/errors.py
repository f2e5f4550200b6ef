"""Errors raised on purpose by the knowledge search.

Each names what was wrong. ``public_message`` is safe to show a resident; the
``detail`` (and the fields) go to the log and to the developer running a build.
"""

from council.errors import CouncilError


class KnowledgeError(CouncilError):
    """Base of every error the knowledge package raises on purpose."""

    code = "knowledge_error"
    public_message = "Sorry, I can't search the council's help pages just now."


class BlankQueryError(KnowledgeError):
    """The resident sent nothing to search for (empty or only whitespace)."""

    code = "blank_query"
    public_message = "Please type a question, for example 'when is my bin collected'."


class IndexNotBuiltError(KnowledgeError):
    """The index folder is missing or incomplete; ``make index`` builds it."""

    code = "index_not_built"

    def __init__(self, index_dir: str, missing: str) -> None:
        super().__init__(
            f"no knowledge index at {index_dir} ({missing} is missing); "
            "run `make index` to build it"
        )
        self.index_dir = index_dir
        self.missing = missing


class IndexMismatchError(KnowledgeError):
    """The index was built with another embedding model than the one loaded.

    ``differences`` maps each differing manifest field to ``(index, model)``.
    Vectors from two models are not comparable, so search refuses to start.
    """

    code = "index_mismatch"

    def __init__(self, index_dir: str, differences: dict[str, tuple[str, str]]) -> None:
        listed = "; ".join(
            f"{field}: index has {built!r}, model has {loaded!r}"
            for field, (built, loaded) in sorted(differences.items())
        )
        super().__init__(
            f"the knowledge index at {index_dir} was built with another embedding "
            f"model ({listed}); run `make index` to rebuild it with this model"
        )
        self.index_dir = index_dir
        self.differences = differences


class ArticleFormatError(KnowledgeError):
    """An article file lacks required front matter or is not valid Markdown."""

    code = "article_format"

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class ImportSourceError(KnowledgeError):
    """A council export (HTML folder or FAQ CSV) cannot be turned into articles."""

    code = "import_source"

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
