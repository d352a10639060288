"""The phrasing corpus (tests/planner/phrasings.yaml): requests as users write them, run
through the rule planner and the operator backend as `gouache chat` runs them, and the share
of each outcome per category (done right, asked, refused helpfully or not, done wrong).
Quick mode runs every eighth request."""

from __future__ import annotations

import time

from gouache.evals import phrasings


def main(quick: bool = False) -> dict[str, object]:
    requests = phrasings.load()
    if quick:
        requests = requests[::8]
    started = time.perf_counter()
    results = phrasings.run_all(requests)
    seconds = time.perf_counter() - started
    print(phrasings.table(results))
    print(f"phrasings: {len(results)} requests in {seconds:.1f} s")
    return {"requests": len(results), "seconds": round(seconds, 1),
            "rates": phrasings.rates(results)}  # fmt: skip


if __name__ == "__main__":
    main()
