"""`python -m ringlitmus`: the same command as `ringlitmus`."""

from ringlitmus.cli import main

main(prog_name="ringlitmus")
