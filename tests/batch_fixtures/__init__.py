"""Builders and fakes for tests/test_batch_*.py and benchmarks/bench_batch.py."""
