"""Measuring knowledge search against labelled resident questions.

``python -m knowledge.eval`` (``make eval``) brings the index up to date,
chooses the hybrid fusion and fits the answer thresholds on ``dev.yml``,
writes them to ``knowledge/calibration.json``, and reports hybrid, dense and
BM25 search side by side on ``dev.yml`` and the held-out ``test.yml``.
"""
