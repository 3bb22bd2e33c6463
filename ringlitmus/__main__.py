"""`python -m ringlitmus`: the same command as `ringlitmus`."""

from ringlitmus.cli import run

run()
