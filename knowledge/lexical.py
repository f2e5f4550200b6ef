"""The lexical index: BM25 over chunk passages (bm25s).

Words are lower-cased, English stop words dropped and the rest stemmed
(Snowball, via PyStemmer) so "paying" meets "pay". Scores are returned for
every chunk, in the chunk store's order, which the caller fuses with dense.
"""

import logging
import re
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

logger = logging.getLogger(__name__)

_WORD = re.compile(r"(?u)\b\w\w+\b")
_STOPWORDS = frozenset(STOPWORDS_EN)


class Analyser:
    """Turns text into the terms BM25 counts."""

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("english")

    def terms(self, text: str) -> list[str]:
        words = [w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS]
        return list(self._stemmer.stemWords(words))


class LexicalIndex:
    """BM25 scores over a fixed list of passages (position = chunk order)."""

    def __init__(self, retriever: bm25s.BM25, analyser: Analyser) -> None:
        self._retriever = retriever
        self._analyser = analyser

    @classmethod
    def build(cls, passages: list[str]) -> "LexicalIndex":
        analyser = Analyser()
        retriever = bm25s.BM25()
        corpus = [analyser.terms(passage) for passage in passages]
        retriever.index(corpus, show_progress=False)
        return cls(retriever, analyser)

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        retriever = bm25s.BM25.load(str(folder), show_progress=False)
        return cls(retriever, Analyser())

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder), show_progress=False)

    @property
    def size(self) -> int:
        return int(self._retriever.scores["num_docs"])

    def scores(self, query: str) -> np.ndarray:
        """Return BM25 scores of shape (size,); all zero if no term is known."""
        vocabulary = self._retriever.vocab_dict
        terms = [t for t in self._analyser.terms(query) if t in vocabulary]
        if not terms:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(terms), dtype=np.float32)
