"""Fuzzing helpers: deterministic mutators of litmus text, and a judge of the CLI's runs."""
