"""Seeded percentile bootstrap over questions: the 95% interval of an accuracy, as the CLI's eval reports it."""
import random


def interval(outcomes, resamples=2000, seed=1):
    """(low, high) of the mean of 0/1 outcomes, from the 2.5th and 97.5th percentiles of seeded resamples."""
    if not outcomes:
        return 0.0, 0.0
    rng, n = random.Random(seed), len(outcomes)
    means = sorted(sum(outcomes[rng.randrange(n)] for _ in range(n)) / n for _ in range(resamples))
    return means[int(0.025 * resamples)], means[int(0.975 * resamples) - 1]


def describe(outcomes):
    low, high = interval(outcomes)
    return f"{sum(outcomes)}/{len(outcomes)} = {sum(outcomes) / max(1, len(outcomes)):.3f} [{low:.3f}, {high:.3f}]"
