"""Benchmark-only endpoints, routed only when ``BENCHMARK_ENDPOINTS`` is on.

Never enabled in production; the load test runner turns them on.
"""
