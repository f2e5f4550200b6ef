# Knowledge search: evaluation and benchmark (the `index` target is in the
# Makefile; it runs `$(PY) -m knowledge.build`, incremental).

.PHONY: eval bench-search

eval: .venv/.installed ## Calibrate search on dev.yml, report dev and test (docs/knowledge-eval.md)
	HF_HUB_OFFLINE=1 $(PY) -m knowledge.eval

bench-search: .venv/.installed ## Time search, index builds and FAISS indexes (docs/search-benchmark.md)
	HF_HUB_OFFLINE=1 $(PY) -m knowledge.bench
