# The single view of the resident: synthetic silos, the resident index and the
# benchmark (docs/single-view.md, docs/single-view-benchmark.md).

.PHONY: seed link bench-single-view retention

RESIDENTS ?= 1000

seed: .venv/.installed ## Seed the silos with RESIDENTS synthetic residents (default 1000), then link them
	$(PY) -m council.silos.seed --residents $(RESIDENTS)
	$(PY) -m council.single_view.index

link: .venv/.installed ## Rebuild the resident index (exact keys, then the probabilistic model)
	$(PY) -m council.single_view.index

retention: .venv/.installed ## Apply the retention policy (RETENTION_DAYS; add ARGS=--dry-run to count only)
	$(PY) -m council.single_view.retention $(ARGS)

bench-single-view: .venv/.installed ## Time record linkage and single-view look-ups at 1k and 100k residents
	$(PY) -m tools.bench_single_view --residents 1000 100000 --databases sqlite postgresql --write
