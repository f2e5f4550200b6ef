import os

import pytest

from knowledge import runtime


def test_thread_count_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KNOWLEDGE_THREADS", "1")

    assert runtime.thread_count() == 1


def test_thread_count_defaults_to_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # A query is too little work to share between threads: a second one only
    # burns CPU the other processes of a turn need (docs/benchmarks.md).
    monkeypatch.delenv("KNOWLEDGE_THREADS", raising=False)

    assert runtime.thread_count() == 1


@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_thread_count_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("KNOWLEDGE_THREADS", value)

    with pytest.raises(ValueError, match="KNOWLEDGE_THREADS"):
        runtime.thread_count()


def test_prepare_environment_sets_native_thread_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KNOWLEDGE_THREADS", "2")
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        monkeypatch.setenv(variable, "64")

    runtime.prepare_environment()

    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        assert os.environ[variable] == "2"


def test_apply_thread_limits_sets_torch_and_faiss(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import faiss
    import torch

    monkeypatch.setenv("KNOWLEDGE_THREADS", "1")
    try:
        runtime.apply_thread_limits()
        assert torch.get_num_threads() == 1
        assert faiss.omp_get_max_threads() == 1
    finally:
        monkeypatch.delenv("KNOWLEDGE_THREADS")
        runtime.apply_thread_limits()
