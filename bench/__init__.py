"""Benchmarks: each script takes --quick and prints its figures as one JSON object on its last line."""
