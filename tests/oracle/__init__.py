"""A brute-force oracle: enumerate every candidate execution and evaluate the model on each.

It is not independent of the product. It shares ringlitmus/ir.py (the programs it runs),
ringlitmus/semantics/ (the events, po, dependencies and rmw it enumerates over), the symbolic
evaluation of register values and guards (ringlitmus/symbolic.py), and the model text itself
(ringlitmus/models/: the relations and axioms it evaluates), and which final terms a
state shows (ringlitmus/outcomes.py's observed_terms). What it replaces is only the Z3
encoding and solving (ringlitmus/encode/): a bug there shows up as a disagreement, a bug in
the front ends, the semantics or a model's text does not. For those, tests/test_vs_herd7.py
compares ringlitmus with herd7 itself on random litmus texts.
"""
