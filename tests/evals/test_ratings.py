"""Bradley-Terry ratings against independent computations on votes of known strengths."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gouache.errors import InputError
from gouache.evals.ratings import Battle, battles_from_records, compute_ratings

TRUE = {"alpha": 1200.0, "beta": 1100.0, "gamma": 1000.0, "delta": 850.0}


def simulate(n: int, *, tie_rate: float = 0.2, seed: int = 1) -> list[Battle]:
    """Votes drawn from the Bradley-Terry model at TRUE, with some ties and both-bad ties."""
    rng = np.random.default_rng(seed)
    names = list(TRUE)
    battles = []
    for _ in range(n):
        a, b = rng.choice(len(names), size=2, replace=False)
        ra, rb = TRUE[names[a]], TRUE[names[b]]
        p_a = 1.0 / (1.0 + 10.0 ** ((rb - ra) / 400.0))
        u = rng.random()
        if u < tie_rate:
            winner = "tie" if rng.random() < 0.5 else "tie (bothbad)"
        elif rng.random() < p_a:
            winner = "model_a"
        else:
            winner = "model_b"
        battles.append(Battle(names[a], names[b], winner))
    return battles


def minorise_maximise(battles: list[Battle], iterations: int = 5000) -> dict[str, float]:
    """Hunter's MM algorithm (Ann. Statist. 32(1), 2004) with a tie as half a win each way,
    then the Elo scale with the ratings averaging 1000."""
    names = sorted({b.model_a for b in battles} | {b.model_b for b in battles})
    idx = {m: i for i, m in enumerate(names)}
    k = len(names)
    wins = np.zeros(k)
    games = np.zeros((k, k))
    for b in battles:
        i, j = idx[b.model_a], idx[b.model_b]
        games[i, j] += 1
        games[j, i] += 1
        if b.winner == "model_a":
            wins[i] += 1
        elif b.winner == "model_b":
            wins[j] += 1
        else:
            wins[i] += 0.5
            wins[j] += 0.5
    gamma = np.ones(k)
    for _ in range(iterations):
        denominator = (games / (gamma[:, None] + gamma[None, :])).sum(axis=1)
        gamma = wins / denominator
        gamma /= np.exp(np.mean(np.log(gamma)))
    elo = 400.0 * np.log10(gamma)
    elo += 1000.0 - elo.mean()
    return {m: float(elo[idx[m]]) for m in names}


def newton_logistic(battles: list[Battle]) -> dict[str, float]:
    """FastChat's `compute_mle_elo` design (every battle twice, a tie's copies to a and to b,
    features +-ln 10, no intercept, no penalty), solved by Newton's method in numpy."""
    names = list(dict.fromkeys([b.model_a for b in battles] + [b.model_b for b in battles]))
    idx = {m: i for i, m in enumerate(names)}
    doubled = battles + battles
    x = np.zeros((len(doubled), len(names)))
    y = np.zeros(len(doubled))
    for row, b in enumerate(doubled):
        x[row, idx[b.model_a]] = math.log(10)
        x[row, idx[b.model_b]] = -math.log(10)
        first_copy = row < len(battles)
        if b.winner == "model_a" or (b.winner.startswith("tie") and first_copy):
            y[row] = 1.0
    beta = np.zeros(len(names))
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-x @ beta))
        gradient = x.T @ (y - p)
        hessian = (x * (p * (1 - p))[:, None]).T @ x
        beta += np.linalg.pinv(hessian) @ gradient
    beta -= beta.mean()
    return {m: float(400.0 * beta[idx[m]] + 1000.0) for m in names}


def test_ratings_match_hunters_mm_algorithm_on_votes_of_known_strengths() -> None:
    battles = simulate(3000)
    ours = compute_ratings(battles).ratings
    theirs = minorise_maximise(battles)
    for model in TRUE:
        assert ours[model] == pytest.approx(theirs[model], abs=0.05)


def test_ratings_match_the_doubled_logistic_regression_of_compute_mle_elo() -> None:
    battles = simulate(800, seed=7)
    ours = compute_ratings(battles).ratings
    theirs = newton_logistic(battles)
    for model in TRUE:
        assert ours[model] == pytest.approx(theirs[model], abs=0.05)


def test_ratings_recover_the_known_strengths_and_average_the_initial_rating() -> None:
    # ties drawn regardless of strength would pull the ratings together: none here
    ratings = compute_ratings(simulate(6000, tie_rate=0.0, seed=3)).ratings
    assert list(ratings) == ["alpha", "beta", "gamma", "delta"]
    assert sum(ratings.values()) / len(ratings) == pytest.approx(1000.0, abs=1e-6)
    true_mean = sum(TRUE.values()) / len(TRUE)
    for model, rating in TRUE.items():
        assert ratings[model] - 1000.0 == pytest.approx(rating - true_mean, abs=25.0)


def test_bootstrap_intervals_contain_the_estimate_and_narrow_with_more_votes() -> None:
    few = compute_ratings(simulate(300, seed=4), bootstrap=50)
    many = compute_ratings(simulate(3000, seed=4), bootstrap=50)
    for model, rating in few.ratings.items():
        low, high = few.ci[model]
        assert low <= rating <= high
    few_width, many_width = (sum(h - lo for lo, h in r.ci.values()) for r in (few, many))
    assert many_width < few_width / 2


def test_a_tie_counts_half_to_each_side() -> None:
    battles = [Battle("a", "b", "model_a"), Battle("a", "b", "model_b"), Battle("a", "b", "tie")]
    ratings = compute_ratings(battles).ratings
    assert ratings["a"] == pytest.approx(1000.0, abs=1e-6)
    assert ratings["b"] == pytest.approx(1000.0, abs=1e-6)
    # two wins and a tie out of three: p = 2.5 / 3, so R_a - R_b = 400 log10(p / (1 - p))
    skewed = compute_ratings([*battles[:1], *battles[:1], Battle("a", "b", "tie (bothbad)")])
    gap = skewed.ratings["a"] - skewed.ratings["b"]
    assert gap == pytest.approx(400 * math.log10(2.5 / 0.5), abs=0.05)


def test_json_shape_is_ratings_and_ci_by_model() -> None:
    result = compute_ratings(simulate(200), bootstrap=10).to_json()
    assert set(result) == {"ratings", "ci"}
    assert set(result["ratings"]) == set(TRUE)  # type: ignore[arg-type]
    json.dumps(result)


def test_unusable_votes_are_refused_with_the_line_number() -> None:
    with pytest.raises(InputError, match="line 2: winner must be one of"):
        battles_from_records(
            [
                {"model_a": "x", "model_b": "y", "winner": "model_a"},
                {"model_a": "x", "model_b": "y", "winner": "left"},
            ],
            label="votes.jsonl",
        )
    with pytest.raises(InputError, match="line 1: needs model_b"):
        battles_from_records([{"model_a": "x", "winner": "tie"}], label="votes.jsonl")
    with pytest.raises(InputError, match="no votes"):
        compute_ratings([])
