"""ringlitmus: can a lock-free ring protocol lose data on a weakly ordered CPU?"""

__version__ = "0.1.0"
