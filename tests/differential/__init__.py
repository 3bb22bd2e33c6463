"""Random litmus programs written as herd text, checked by herd7 and by ringlitmus."""
