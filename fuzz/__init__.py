"""Fuzz harnesses: the image loader and the planner, with atheris (`make fuzz`) or a plain
seeded mutator (the test suite's short budget, and where atheris is not installed)."""
