"""Template rules, one module per invariant; each module defines ``RULE``."""
