"""Benchmarks of cess-archive (not tests: nothing here is timed or asserted)."""
