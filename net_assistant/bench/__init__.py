"""The benchmark (``make bench``): load generator, the systems compared, statistics, plots.

``net_assistant.benchmark`` runs it; see docs/benchmarks.md for what is measured and why.
"""
