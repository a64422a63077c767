"""Benchmark suite: a data multiplier (`bench.generate`), a runner that
measures SQL query counts and server time of list and detail pages at 1x and
100x the seed data and compares cached indicator pages with static files
(`bench.run`, `bench.serving`), the report benchmark (`bench.reports`) - both
started by `make bench` - and fault drills (`bench.drills`)."""
