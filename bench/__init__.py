"""Benchmark suite: a data multiplier (`bench.generate`) and a runner that
measures SQL query counts and server time of list and detail pages at 1x and
100x the seed data (`bench.run`, started by `make bench`)."""
