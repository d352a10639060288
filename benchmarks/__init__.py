"""gouache's benchmarks: `python -m benchmarks.run` (`make bench`) prints every table.

Each section is a module with `main(quick: bool = False) -> dict` that prints its table and
returns its figures; `run.py` calls them in turn and writes `bench-results/latest.json`.
`--quick` (one repeat, small images) is what the test suite runs, so a section that raises
fails `make test` instead of a later `make bench`.
"""
