"""The benchmark suite: ``python -m bench`` (``make bench``). Benchmarks print figures and append
them, with the machine's facts, to ``bench/results.md``; nothing here asserts on time."""
