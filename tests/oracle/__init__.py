"""Test oracles that share no code with the Z3 encoder."""
