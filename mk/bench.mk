# The load tool (tools/load): docs/benchmarks.md says what it measures and how.
.PHONY: bench

bench: install index model ## Load-test the stack beside Rasa's socket.io channel; writes docs/benchmarks.md (about 10 min)
	$(PY) -m tools.load
