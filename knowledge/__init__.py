"""Search over the council's knowledge articles (hybrid BM25 and dense).

Importing the package fixes the native libraries' thread counts before any
submodule loads torch or faiss; see :mod:`knowledge.runtime`. The public entry
point is :class:`knowledge.search.KnowledgeSearch`.
"""

from knowledge.runtime import prepare_environment

prepare_environment()
