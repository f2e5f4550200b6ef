"""Percentiles by nearest rank: never a value that was not measured."""

from tools.load.stats import Latencies


def test_latencies_percentiles_by_nearest_rank():
    latencies = Latencies([i / 1000 for i in range(1, 101)])

    assert latencies.percentile(0.50) == 0.050
    assert latencies.percentile(0.95) == 0.095
    assert latencies.percentile(0.99) == 0.099


def test_latencies_p99_of_few_samples_is_the_largest():
    latencies = Latencies([0.010, 0.030, 0.020])

    assert latencies.percentile(0.99) == 0.030
    assert latencies.summary()["p99_ms"] == 30.0


def test_latencies_without_samples_have_no_percentiles():
    summary = Latencies().summary()

    assert summary["count"] == 0
    assert summary["p95_ms"] is None
