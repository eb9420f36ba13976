"""The share checker benchmark: a synthetic registry generator, a PyCasbin baseline and the timing run.

Run it with ``make bench`` (``python -m bench.checker``).
"""
