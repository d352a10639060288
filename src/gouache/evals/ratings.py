"""Bradley-Terry ratings from pairwise votes, computed as LMArena computes them.

    R. A. Bradley, M. E. Terry, "Rank analysis of incomplete block designs: I. The method
    of paired comparisons", Biometrika 39(3/4), 324-345, 1952.
    W.-L. Chiang et al., "Chatbot Arena: an open platform for evaluating LLMs by human
    preference", ICML 2024; code: lm-sys/FastChat, fastchat/serve/monitor/rating_systems.py
    (`compute_bt`, `compute_bootstrap_bt`) and elo_analysis.py (`compute_mle_elo`).

The model: P(a beats b) = 1 / (1 + BASE ** ((R_b - R_a) / SCALE)). FastChat fits it by
maximum likelihood as a logistic regression without intercept or penalty on the natural
scale, beta = R / SCALE with log(BASE) folded into the features, then reports
R = SCALE * beta + INIT_RATING. A tie, and a "tie (bothbad)" likewise, counts as half a win
to each side (`compute_mle_elo` duplicates every battle and gives a tie's copies to a and to
b; `compute_bt` uses an outcome of 0.5: the same likelihood up to a factor 2). The fit starts
from beta = 0 and every gradient sums to zero over the models, so the ratings average
INIT_RATING. Notation (FastChat -> code):

    matchups (N, 2)   model indices of each distinct (a, b, outcome)     `matchups`
    outcomes (N,)     1.0 a won, 0.5 tie, 0.0 b won                       `outcomes`
    weights (N,)      how often each distinct row occurred                `weights`
    alpha             log(BASE)                                           `alpha`

As in FastChat: L-BFGS-B from zero, at most 100 iterations, gradient tolerance 1e-6; the
bootstrap redraws the counts of the distinct rows from a multinomial (seed 0) with weights
divided by the number of votes, and the interval is the 2.5 % and 97.5 % quantiles.
FastChat anchors one model (mixtral-8x7b-instruct-v0.1 at 1114) when it is present; that
is LMArena's own leaderboard convention and is not done here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from gouache.errors import InputError

BASE = 10.0
SCALE = 400.0
INIT_RATING = 1000.0
TOLERANCE = 1e-6
MAX_ITERATIONS = 100
WINNERS = ("model_a", "model_b", "tie", "tie (bothbad)")
CI_QUANTILES = (0.025, 0.975)

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Battle:
    """One vote in FastChat's fields: `winner` is model_a, model_b, tie or tie (bothbad)."""

    model_a: str
    model_b: str
    winner: str

    def __post_init__(self) -> None:
        if self.winner not in WINNERS:
            raise InputError(f"winner must be one of {', '.join(WINNERS)}, not {self.winner!r}")
        if not self.model_a or not self.model_b:
            raise InputError("model_a and model_b must be named")
        if self.model_a == self.model_b:
            raise InputError(f"a battle needs two different models, not {self.model_a!r} twice")


@dataclass(frozen=True)
class Ratings:
    """Ratings by model, best first, with bootstrap intervals when asked for."""

    ratings: dict[str, float]
    ci: dict[str, tuple[float, float]]
    battles: int

    def to_json(self) -> dict[str, object]:
        return {
            "ratings": dict(self.ratings),
            "ci": {model: [low, high] for model, (low, high) in self.ci.items()},
        }

    def table(self) -> str:
        lines = [f"{'rank':>4}  {'model':<32} {'rating':>8}  95% CI"]
        for rank, (model, rating) in enumerate(self.ratings.items(), start=1):
            interval = self.ci.get(model)
            ci = f"{interval[0]:.0f} .. {interval[1]:.0f}" if interval else "-"
            lines.append(f"{rank:>4}  {model:<32} {rating:>8.1f}  {ci}")
        lines.append(f"{self.battles} votes")
        return "\n".join(lines)


def schedule(battles: Sequence[Battle]) -> tuple[Ints, Floats, Floats, list[str]]:
    """FastChat's `preprocess_for_bt`: the distinct (a, b, outcome) rows and their counts.

    Models are numbered in order of first appearance over model_a, then model_b.
    """
    if not battles:
        raise InputError("no votes to rate")
    names = [b.model_a for b in battles] + [b.model_b for b in battles]
    models = list(dict.fromkeys(names))
    index = {model: i for i, model in enumerate(models)}
    rows = np.array(
        [(index[b.model_a], index[b.model_b], _OUTCOME_CODE[b.winner]) for b in battles],
        dtype=np.int64,
    )
    distinct, counts = np.unique(rows, return_counts=True, axis=0)
    return (
        distinct[:, :2],
        distinct[:, 2].astype(np.float64) / 2.0,
        counts.astype(np.float64),
        models,
    )


# model_a won -> 2, tie -> 1, model_b won -> 0; halved into the outcome
_OUTCOME_CODE = {"model_a": 2, "tie": 1, "tie (bothbad)": 1, "model_b": 0}


def loss_and_gradient(
    ratings: Floats, matchups: Ints, outcomes: Floats, weights: Floats, alpha: float
) -> tuple[float, Floats]:
    """The weighted negative log-likelihood on the natural scale, and its gradient."""
    from scipy.special import expit  # type: ignore[import-untyped]

    pair = ratings[matchups]
    probs: Floats = expit(alpha * (pair[:, 0] - pair[:, 1]))
    with np.errstate(divide="ignore"):
        loss = -float(
            ((np.log(probs) * outcomes + np.log(1.0 - probs) * (1.0 - outcomes)) * weights).sum()
        )
    per_row = -alpha * (outcomes - probs) * weights
    gradient = np.zeros_like(ratings)
    np.add.at(gradient, matchups, per_row[:, None] * np.array([1.0, -1.0]))
    return loss, gradient


def fit(matchups: Ints, outcomes: Floats, weights: Floats, n_models: int) -> Floats:
    """FastChat's `fit_bt`: the natural-scale ratings by L-BFGS-B from zero."""
    from scipy.optimize import minimize  # type: ignore[import-untyped]

    result = minimize(
        fun=loss_and_gradient,
        x0=np.zeros(n_models, dtype=np.float64),
        args=(matchups, outcomes, weights, math.log(BASE)),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": MAX_ITERATIONS, "gtol": TOLERANCE},
    )
    found: Floats = np.asarray(result.x, dtype=np.float64)
    return found


def compute_ratings(battles: Sequence[Battle], *, bootstrap: int = 0) -> Ratings:
    """Bradley-Terry ratings (FastChat's `compute_bt`), with `bootstrap` rounds of
    intervals (`compute_bootstrap_bt`) when it is above zero."""
    if bootstrap < 0:
        raise InputError(f"--bootstrap must be 0 or more, not {bootstrap}")
    matchups, outcomes, weights, models = schedule(battles)
    scaled = SCALE * fit(matchups, outcomes, weights, len(models)) + INIT_RATING
    order = np.argsort(-scaled, kind="stable")
    ratings = {models[i]: float(scaled[i]) for i in order}
    ci: dict[str, tuple[float, float]] = {}
    if bootstrap:
        samples = bootstrap_ratings(matchups, outcomes, weights, len(models), bootstrap)
        low, high = np.quantile(samples, CI_QUANTILES, axis=0)
        ci = {models[i]: (float(low[i]), float(high[i])) for i in order}
    return Ratings(ratings=ratings, ci=ci, battles=len(battles))


def bootstrap_ratings(
    matchups: Ints, outcomes: Floats, weights: Floats, n_models: int, rounds: int
) -> Floats:
    """(rounds, models) scaled ratings, each fitted on a multinomial redraw of the counts."""
    total = int(weights.sum())
    rng = np.random.default_rng(seed=0)
    draws = rng.multinomial(n=total, pvals=weights / weights.sum(), size=rounds)
    fitted = [fit(matchups, outcomes, row.astype(np.float64) / total, n_models) for row in draws]
    scaled: Floats = SCALE * np.array(fitted) + INIT_RATING
    return scaled


def battles_from_records(records: Iterable[Mapping[str, object]], *, label: str) -> list[Battle]:
    """Battles from parsed JSON lines; an unusable line raises InputError naming it."""
    found: list[Battle] = []
    for number, record in enumerate(records, start=1):
        fields = {key: record.get(key) for key in ("model_a", "model_b", "winner")}
        missing = [key for key, value in fields.items() if not isinstance(value, str)]
        if missing:
            raise InputError(f"{label}: line {number}: needs {', '.join(missing)} as text")
        try:
            found.append(
                Battle(str(fields["model_a"]), str(fields["model_b"]), str(fields["winner"]))
            )
        except InputError as err:
            raise InputError(f"{label}: line {number}: {err.message}") from None
    return found
