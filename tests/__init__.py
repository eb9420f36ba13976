"""Test suite; a package so that ``tests/registry`` never shadows the ``registry`` package."""
