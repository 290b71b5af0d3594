# ---
# jupyter:
#   jupytext:
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# # Module 6 — Choosing and tuning the learning rate
#
# **The question of this module:** every optimizer so far had a learning rate we picked by hand. How
# sensitive is each optimizer to that choice, how do practitioners find a good value quickly, and
# why do real training runs change the learning rate while they train?
#
# You will measure learning-rate sensitivity for four optimizers on one problem, write the
# learning-rate range test, write three schedules and check them step for step against
# `keras.optimizers.schedules`, and see a Keras model ruined by `Adam(learning_rate=1.0)`.

# %% [markdown] include="notation" nbgrader={"grade": false, "grade_id": "notation", "locked": true, "schema_version": 3, "solution": false, "task": false}
# *(Shared text: `make release` puts solutions/_shared/notation.md here; edit it there.)*

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

from optcourse.lesson import datasets, keras_bridge, landscapes, reference
from optcourse.demos import runs, widgets
from optcourse.grading import checks, quiz
from optcourse.lesson.optim import momentum_init, rmsprop_init

data = datasets.regression_data()      # Module 2's problem: 1000 × 10, features in [0, 1]

# %% [markdown] nbgrader={"grade": false, "grade_id": "sensitivity_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 1. How forgiving is each optimizer? Measured
#
# The same linear regression, trained for three epochs of mini-batches of 32 by plain SGD, SGD
# with momentum 0.9, RMSprop and Adam (the course's reference implementations, which behave exactly
# like yours), for 31 learning rates from $10^{-4}$ to 3. Plotted: the final loss on all the
# data; a missing point means the run diverged.

# %% tags=["skip-when-grading"]
learning_rates = np.geomspace(1e-4, 3.0, 31)
contenders = {
    "SGD": (reference.momentum_step, momentum_init, {"momentum": 0.0}),
    "SGD + momentum 0.9": (reference.momentum_step, momentum_init, {"momentum": 0.9}),
    "RMSprop": (reference.rmsprop_step, rmsprop_init, {"rho": 0.9}),
    "Adam": (reference.adam_step, reference.adam_init, {}),
}
grid_step = np.log10(learning_rates[1] / learning_rates[0])        # decades between neighbouring rates
finals, best_rate, band_decades, diverged_from = {}, {}, {}, {}
fig, ax = plt.subplots(figsize=(8, 4))
for (label, (step, init, hyper)), marker in zip(contenders.items(), "osD^"):
    finals[label] = runs.learning_rate_sweep(step, init, data, learning_rates, **hyper)
    ax.loglog(learning_rates, np.where(np.isfinite(finals[label]), finals[label], np.nan), marker=marker, label=label)
    good = learning_rates[finals[label] < 2 * np.min(finals[label])]
    best_rate[label] = learning_rates[np.argmin(finals[label])]
    band_decades[label] = np.log10(good.max() / good.min())
    blown = learning_rates[~np.isfinite(finals[label])]
    diverged_from[label] = blown.min() if blown.size else np.inf
    print(f"{label:20s} best loss {np.min(finals[label]):.3f} at η = {best_rate[label]:.2g}; within 2× of its best from "
          f"η = {good.min():.2g} to {good.max():.2g} ({band_decades[label]:.1f} decades, {len(good)} of the rates); "
          + (f"diverged from η = {diverged_from[label]:.2g}" if blown.size else "never diverged"))
print(f"neighbouring rates are {grid_step:.2f} decades apart")
design = np.c_[data.X, np.ones(len(data.y))]                                  # the features and the intercept
steepest = np.linalg.eigvalsh(2 * design.T @ design / len(data.y)).max()      # the loss's largest curvature
print(f"steepest curvature {steepest:.1f}: full-batch gradient descent is stable below 2/a_max = {2 / steepest:.2f}")
ax.set(xlabel="learning rate η (log scale)", ylabel="final loss on all data (log scale)",
       title="Learning-rate sensitivity: same problem, same budget")
ax.legend()
plt.show()


# %% [markdown] nbgrader={"grade": false, "grade_id": "sensitivity_reading", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Read the printed bands (a band is the rates whose final loss is within 2× of that optimizer's best;
# neighbouring rates are 0.15 decades apart, so a band of two rates shows as 0.1 decades). On this
# problem Adam is the most forgiving: its band spans 1.3 decades, and it never diverged in the range
# tried, because its steps are about $\eta$ long whatever the gradient. Plain SGD's band is 0.1
# decades wide, just below the rates where it diverges. Its full-batch limit is Module 1's
# $2/a_{\max} = 0.27$ for this data (steepest curvature about 7.4); the sweep first counts a run as
# diverged at 0.38, because a run just above the limit needs more than three epochs to end 10× above
# its start.
#
# Momentum 0.9 moves the best rate down by a factor of 2.0 (0.097 against SGD's 0.19), and it
# diverges *later*, not earlier: from 0.54 against SGD's 0.38. Both follow from a quadratic's
# algebra. Along a steep direction momentum is stable up to $\eta < 2(1+\mu)/a$, 1.9 times plain
# SGD's $2/a$ at $\mu = 0.9$ (on this grid the measured ratio is 1.4, one grid step off). The
# often-quoted "momentum makes the steps $1/(1-\mu) = 10$ times larger" holds only along *flat*
# directions, where the gradient hardly changes from step to step and the velocity piles up. That is
# a measurement on one problem, not a law — Module 7 compares SGD + momentum and Adam on a neural network.
#
# ### Why plain SGD's band is so narrow: the condition number
#
# Module 1 called the ratio of the steepest to the flattest curvature the **condition number**,
# $\kappa = \lambda_{\max}/\lambda_{\min}$ ($\kappa = 20$ for its bowl). It sets the width of the good
# band for plain SGD. A rate is stable only below $2/\lambda_{\max}$; the flattest direction shrinks
# by a factor $(1 - \eta\lambda_{\min})$ per step, so in $N$ steps it gets somewhere only when
# $\eta \gtrsim 1/(N\lambda_{\min})$. Between the two lie at most about $\log_{10}(2N/\kappa)$ decades of
# good rates: the larger $\kappa$, the narrower the band, and beyond $\kappa \approx 2N$ no constant rate
# finishes the flat direction in time. Below, $\kappa$ of this regression's loss, and the same SGD sweep
# on the same data with each feature **standardised** (shifted to zero mean and divided by its spread) instead of min-max scaled.

# %% tags=["skip-when-grading"]
def condition_number(X):
    """κ of the mean squared error's curvature for features X (the intercept included)."""
    design = np.c_[X, np.ones(len(X))]
    curvatures = np.linalg.eigvalsh(2 * design.T @ design / len(X))
    return curvatures.max() / curvatures.min()

bowl = landscapes.scaled_bowl()
bowl_curvatures = [bowl.gradient(np.array([1.0, 0.0]))[0], bowl.gradient(np.array([0.0, 1.0]))[1]]
standardised = data._replace(X=(data.X - data.X.mean(axis=0)) / data.X.std(axis=0))
kappa = {"min-max scaled": condition_number(data.X), "standardised": condition_number(standardised.X)}
sgd_steps = 3 * math.ceil(len(data.y) / 32)                   # the sweep's budget: 3 epochs of batches of 32
finals["SGD, standardised"] = runs.learning_rate_sweep(reference.momentum_step, momentum_init, standardised, learning_rates, momentum=0.0)
for label, finals_of in [("min-max scaled", finals["SGD"]), ("standardised", finals["SGD, standardised"])]:
    good = learning_rates[finals_of < 2 * np.min(finals_of)]
    band_decades[f"SGD, {label}"] = np.log10(good.max() / good.min())
    print(f"{label:15s} κ = {kappa[label]:6.1f}; log10(2N/κ) = {np.log10(2 * sgd_steps / kappa[label]):5.2f} decades for N = {sgd_steps} steps; "
          f"SGD's measured band: {band_decades[f'SGD, {label}']:.1f} decades, from η = {good.min():.2g} to {good.max():.2g}; "
          f"best loss {np.min(finals_of):.4f}")
print(f"Module 1's bowl: curvatures {bowl_curvatures}, κ = {max(bowl_curvatures) / min(bowl_curvatures):g}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "kappa_reading", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Measured: the min-max scaled data of this module has $\kappa = 583$. Three epochs are $N = 96$ steps,
# so $2N/\kappa$ is below 1: no constant rate finishes the flat direction in time, the best plain SGD
# can do is to run just below the largest stable rate, and its band is 0.1 decades wide. Standardising
# the same features brings $\kappa$ down to 1.4; the bound becomes 2.1 decades and the measured band
# 1.3 decades (from $\eta = 0.012$ to 0.27), with a best loss of 0.0100 instead of 0.081. The features
# carry the same information; only their scales changed, and with them the shape of the loss. (The
# bound counts rates that converge; the band counts rates within 2× of the best, so the two need not
# agree — the measured band lies inside the bound.) That is the thread running through Modules 1–6:
# momentum, AdaGrad, RMSprop and Adam are all answers to a large $\kappa$ — and where you can rescale
# the data, that answer is cheaper still.

# %% [markdown] nbgrader={"grade": false, "grade_id": "predict_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 2. Predict first
#
# > **Does a higher learning rate always speed up training?** You answered this in Module 1 for a
# > fixed learning rate. Now suppose the learning rate may *change* during training. Would you start
# > high and end low, start low and end high, or keep it constant? Why?
#
# Write your answer below.

# %% [markdown]
# *My prediction:* (double-click to edit)

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex1_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 1 — the learning-rate range test (3 points)
#
# Sweeping 31 learning rates costs 31 training runs. The **range test** (from Leslie
# Smith's work on cyclical learning rates) needs one: train for a few dozen steps while the
# learning rate grows geometrically from tiny to huge, record the loss, and read off where it fell
# fastest and where it blew up.
#
# Write `lr_range_test(loss_fn, grad_fn, w0, *, min_lr, max_lr, num_steps)` with plain gradient
# descent steps. At step $k = 0, 1, \ldots$:
#
# * the learning rate is $\eta_k = \text{min\_lr} \cdot (\text{max\_lr} / \text{min\_lr})^{k/(\text{num\_steps}-1)}$,
#   so step 0 uses `min_lr` and the last step `max_lr`;
# * record $\eta_k$ and the loss **at the current point, before** the step;
# * stop as soon as that loss is not finite or larger than 4 × the lowest loss recorded so far
#   (keep that last loss in the record); otherwise take the step $w \leftarrow w - \eta_k \nabla L(w)$.
#
# Return `(learning_rates, losses)` as two arrays of equal length.

# %% nbgrader={"grade": false, "grade_id": "lr_range_test", "locked": false, "schema_version": 3, "solution": true, "task": false}
def lr_range_test(loss_fn, grad_fn, w0, *, min_lr, max_lr, num_steps):
    """Grow the learning rate geometrically from min_lr to max_lr, one gradient step each;
    record (learning rate, loss before the step); stop once the loss is not finite or > 4 × the lowest.
    """
    ### BEGIN SOLUTION
    w, rates, losses = np.array(w0, dtype=float), [], []
    for k in range(num_steps):
        rate = min_lr * (max_lr / min_lr) ** (k / (num_steps - 1))
        rates.append(rate)
        losses.append(float(loss_fn(w)))
        if not np.isfinite(losses[-1]) or losses[-1] > 4 * min(losses):
            break
        w = w - rate * grad_fn(w)
    return np.array(rates), np.array(losses)
    ### END SOLUTION


# %%
# Try it on Module 1's parabola (a = 4): the loss should fall, then blow up somewhere above η = 2/a = 0.5.
parabola = landscapes.parabola(a=4.0)
rates, losses = lr_range_test(parabola.value, parabola.gradient, np.array([3.0]), min_lr=1e-3, max_lr=10.0, num_steps=30)
print(len(rates), "steps; stopped at η =", round(rates[-1], 3))     # expected: 23 steps; stopped at η = 1.083

# %% nbgrader={"grade": true, "grade_id": "lr_range_test_tests", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
"""Check lr_range_test: geometric learning rates, losses before each step, stop after the blow-up."""
checks.lr_range_test(lr_range_test)

# %% [markdown] nbgrader={"grade": false, "grade_id": "range_test_run_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Now the range test on the regression problem, with full-batch gradients:

# %% tags=["skip-when-grading"]
loss_fn = lambda w: datasets.mse_loss(w, data.X, data.y)
grad_fn = lambda w: datasets.mse_gradient(w, data.X, data.y)
rates, losses = lr_range_test(loss_fn, grad_fn, np.zeros(11), min_lr=1e-4, max_lr=10.0, num_steps=60)
suggestion = runs.suggest_learning_rate(rates, losses)

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.semilogx(rates, losses, marker="o", markersize=3, color="#0072B2", label="loss before each step")
ax.axvline(suggestion, color="#009E73", linestyle="--", label=f"suggestion: η = {suggestion:.3g}")
ax.set(xlabel="learning rate η, growing every step (log scale)", ylabel="loss", title="Learning-rate range test")
ax.legend()
plt.show()
print(f"{len(rates)} steps; lowest loss at η = {rates[np.argmin(losses)]:.3g}; blew up at η = {rates[-1]:.3g}; "
      f"suggested η = lowest-loss rate / 10 = {suggestion:.3g}")


# %% [markdown] nbgrader={"grade": false, "grade_id": "schedules_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The lowest loss came at $\eta = 1.7$, 6.4 times *above* the rate at which a constant learning rate
# diverges on this data (0.27). That is not a contradiction: the rate grows every step, and the steep
# direction, already shrunk by the earlier small steps, needs a few steps beyond the limit before its
# growth shows in the loss; meanwhile the flat directions keep improving. So the lowest point of a
# range test overshoots the stable rate, and that is why the common reading takes about a tenth of it:
# here 0.17, below the limit of 0.27 and inside plain SGD's good band of section 1 — for the price of
# one short run instead of 31. (Full-batch steps here; with mini-batches the curve is noisier and is
# usually smoothed.)
#
# ## 3. Schedules: changing the learning rate while training
#
# A large learning rate early covers ground fast; a small one late lets the parameters settle
# instead of jittering around the minimum (Module 2's noise). A **schedule** gives the learning rate
# at each step. Keras evaluates it with the step count starting at **0** on the first update.
#
# * **Exponential decay:** $\eta_t = \eta_0 \cdot r^{\,t/T}$, multiplied by the rate $r$ every $T$
#   steps; with `staircase=True` the exponent is $\lfloor t/T \rfloor$, so it drops in steps.
# * **Cosine decay with linear warmup:** first a straight ramp from `initial_learning_rate` to
#   `warmup_target` over `warmup_steps` (the usual reason: large steps are thought risky while Adam's
#   moments and the network's activations are still settling; the experiments of sections 3 and 5
#   try it, and on their problems it does not help), then half a cosine down to `alpha × warmup_target`
#   over `decay_steps`, then flat. Without a warmup target, the cosine starts at
#   `initial_learning_rate`.
# * **Cosine decay with warm restarts (SGDR):** cosine cycles that jump back up; each cycle lasts
#   `t_mul` times longer than the last and its peak is `m_mul` times lower.
#
# Write the three as functions of the step, with the Keras arguments. They are compared with the
# Keras schedules at every step from 0 to past the end.

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex2_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 2 — exponential decay (2 points)
#
# $\eta_t = \text{initial\_learning\_rate} \cdot \text{decay\_rate}^{\,p}$ with $p = t/\text{decay\_steps}$,
# or $p = \lfloor t/\text{decay\_steps}\rfloor$ when `staircase` is true.

# %% nbgrader={"grade": false, "grade_id": "exponential_decay", "locked": false, "schema_version": 3, "solution": true, "task": false}
def exponential_decay(step, *, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    """Keras ExponentialDecay: initial_learning_rate * decay_rate ** (step / decay_steps), floored if staircase."""
    ### BEGIN SOLUTION
    exponent = step // decay_steps if staircase else step / decay_steps
    return initial_learning_rate * decay_rate**exponent
    ### END SOLUTION


# %%
print([round(exponential_decay(t, initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5), 4) for t in (0, 10, 15, 20)])
# expected: [0.1, 0.05, 0.0354, 0.025]

# %% nbgrader={"grade": true, "grade_id": "exponential_decay_tests", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check exponential_decay against keras.optimizers.schedules.ExponentialDecay at every step."""
checks.exponential_decay(exponential_decay)
### BEGIN HIDDEN TESTS
checks.exponential_decay(exponential_decay, cases=[dict(initial_learning_rate=1.0, decay_steps=3, decay_rate=0.9, staircase=True),
                                                   dict(initial_learning_rate=0.05, decay_steps=25, decay_rate=0.1, staircase=False)])
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex3_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 3 — cosine decay with linear warmup (3 points)
#
# Let $p$ be the peak: `warmup_target` if given, else `initial_learning_rate`. Then
#
# * while $t <$ `warmup_steps` (only when there is a warmup target): $\eta_t = \eta_0 + (p - \eta_0)\, t / \text{warmup\_steps}$;
# * afterwards, with $s = \min(t - \text{warmup\_steps},\ \text{decay\_steps})$:
#   $\eta_t = p \left[(1 - \alpha)\,\tfrac{1}{2}\left(1 + \cos\frac{\pi s}{\text{decay\_steps}}\right) + \alpha\right]$.

# %% nbgrader={"grade": false, "grade_id": "cosine_decay", "locked": false, "schema_version": 3, "solution": true, "task": false}
def cosine_decay(step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0):
    """Keras CosineDecay: optional linear warmup to warmup_target, then a half cosine down to alpha × peak, then flat."""
    ### BEGIN SOLUTION
    if warmup_target is None:
        peak, step = initial_learning_rate, min(step, decay_steps)
    else:
        if step < warmup_steps:
            return initial_learning_rate + (warmup_target - initial_learning_rate) * step / warmup_steps
        peak, step = warmup_target, min(step - warmup_steps, decay_steps)
    return peak * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * step / decay_steps)) + alpha)
    ### END SOLUTION


# %%
print([round(cosine_decay(t, initial_learning_rate=0.0, decay_steps=10, alpha=0.1, warmup_target=1.0, warmup_steps=4), 3)
       for t in (0, 2, 4, 9, 14, 20)])
# expected: [0.0, 0.5, 1.0, 0.55, 0.1, 0.1]

# %% nbgrader={"grade": true, "grade_id": "cosine_decay_tests", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
"""Check cosine_decay against keras.optimizers.schedules.CosineDecay (with and without warmup) at every step."""
checks.cosine_decay(cosine_decay)
### BEGIN HIDDEN TESTS
checks.cosine_decay(cosine_decay, cases=[dict(initial_learning_rate=0.001, decay_steps=30, alpha=0.2, warmup_target=0.01, warmup_steps=10),
                                         dict(initial_learning_rate=1.0, decay_steps=5, alpha=0.0, warmup_target=None, warmup_steps=0)])
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex4_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 4 — cosine decay with warm restarts (2 points)
#
# Measure time in units of `first_decay_steps`: $f = t / \text{first\_decay\_steps}$. Cycle 0 covers
# $f \in [0, 1)$, cycle 1 the next `t_mul` units, cycle 2 the next `t_mul²`, and so on. Within cycle
# $i$, with $x$ the fraction of the cycle completed, $\eta_t = \eta_0\left[(1-\alpha)\, m_{\text{mul}}^{\,i}\,\tfrac12(1 + \cos \pi x) + \alpha\right]$.
# (A loop that subtracts cycle lengths is fine.)

# %% nbgrader={"grade": false, "grade_id": "cosine_decay_restarts", "locked": false, "schema_version": 3, "solution": true, "task": false}
def cosine_decay_restarts(step, *, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    """Keras CosineDecayRestarts (SGDR): cosine cycles, each t_mul times longer and m_mul times lower than the last."""
    ### BEGIN SOLUTION
    fraction, period, cycle = step / first_decay_steps, 1.0, 0
    while fraction >= period:
        fraction, period, cycle = fraction - period, period * t_mul, cycle + 1
    cosine = 0.5 * (1 + math.cos(math.pi * fraction / period))
    return initial_learning_rate * ((1 - alpha) * m_mul**cycle * cosine + alpha)
    ### END SOLUTION


# %%
print([round(cosine_decay_restarts(t, initial_learning_rate=1.0, first_decay_steps=4), 3) for t in (0, 2, 4, 8, 12)])
# expected: [1.0, 0.5, 1.0, 0.5, 1.0]   (cycles of 4 steps, then 8, then 16 …)

# %% nbgrader={"grade": true, "grade_id": "cosine_decay_restarts_tests", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check cosine_decay_restarts against keras.optimizers.schedules.CosineDecayRestarts at every step."""
checks.cosine_decay_restarts(cosine_decay_restarts)
### BEGIN HIDDEN TESTS
checks.cosine_decay_restarts(cosine_decay_restarts, cases=[dict(initial_learning_rate=0.5, first_decay_steps=3, t_mul=1.5, m_mul=0.8, alpha=0.05)])
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "explorer_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Experiment: peak learning rate and schedule
#
# SGD with momentum 0.9 trains the regression for 8 epochs; the learning rate at each step is the
# slider's peak value times your schedule (scaled to peak 1). Start at a peak of 0.4 with the
# constant schedule — the loss jitters high — then switch to the decays. Then find the largest peak
# each schedule survives.

# %% tags=["skip-when-grading"]
total_steps = 8 * 32
my_schedules = {
    "constant": lambda step: 1.0,
    "exponential decay": lambda step: exponential_decay(step, initial_learning_rate=1.0, decay_steps=total_steps // 4, decay_rate=0.5),
    "cosine, 20-step warmup": lambda step: cosine_decay(step, initial_learning_rate=0.0, decay_steps=total_steps - 20, alpha=0.01,
                                                        warmup_target=1.0, warmup_steps=20),
    "cosine, no warmup": lambda step: cosine_decay(step, initial_learning_rate=1.0, decay_steps=total_steps - 20, alpha=0.01),
    "cosine, warm restarts": lambda step: cosine_decay_restarts(step, initial_learning_rate=1.0, first_decay_steps=30, alpha=0.01),
}
widgets.schedule_explorer(my_schedules, data, learning_rate=0.4)

# %% tags=["skip-when-grading"]
# The same runs as the slider's, measured: the final loss at a peak of 0.4, and the largest peak
# (on a grid) each schedule survives. The floor is the least-squares loss, the best any run can reach.
from optcourse.constants import diverged
from optcourse.lesson.reference import momentum_step

def final_loss(schedule, peak):
    multipliers = [schedule(step) for step in range(total_steps)]
    _, losses = runs.train_minibatch(momentum_step, momentum_init, data, learning_rate=float(peak), epochs=8, batch_size=32,
                                     schedule=lambda step: multipliers[step], momentum=0.9)
    return np.inf if diverged(losses[0], losses[-1]) else losses[-1]

floor = datasets.mse_loss(np.linalg.lstsq(design, data.y, rcond=None)[0], data.X, data.y)
peaks = np.round(np.geomspace(0.3, 0.7, 9), 3)
at_peak_04, largest_peak = {}, {}
for name, schedule in my_schedules.items():
    at_peak_04[name] = final_loss(schedule, 0.4)
    largest_peak[name] = max((peak for peak in peaks if np.isfinite(final_loss(schedule, peak))), default=np.nan)
    print(f"{name:24s} final loss at peak 0.4: {at_peak_04[name]:.4f} ({at_peak_04[name] / floor:.1f}× the floor); "
          f"largest peak survived: {largest_peak[name]}")
print(f"floor (least squares): {floor:.4f}; peaks tried: {peaks}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "keras_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Measured at a peak of 0.4: the constant rate ends at 17.9 times the floor, because momentum's steps
# at that rate keep bouncing; exponential and cosine decays bring the rate down and end within 2%
# of the floor; warm restarts end at 6.6 times the floor, since each restart jumps back to the
# peak. So a higher learning rate speeds training only while it stays below the divergence limit —
# and a *schedule* lets you have the fast start and the calm finish.
#
# Did the warmup help? Not here. The same cosine with and without its 20-step warmup (the second
# starts the identical decay at step 0) survives the same largest peak, 0.509, and both diverge at
# the next peak tried. Exponential decay, which has no warmup either, survives up to 0.566, but it
# also has another shape, so setting it against the warmup schedule would mix the two effects. On a
# linear regression nothing is "settling" at the start — the limit is set by the curvature alone.
# Warmup earns its place where the early steps are the risky ones: Adam's moment estimates from a
# handful of batches, and a network's activations before its weights have moved; this module does
# not measure that case.
#
# ## 4. The Keras way
#
# A schedule object goes where a learning rate would: the optimizer calls it with its step counter.
# `PiecewiseConstantDecay(boundaries, values)` holds `values[0]` while `step ≤ boundaries[0]`
# (boundaries included), and so on.

# %% tags=["skip-when-grading"]
tf = keras_bridge.import_tensorflow()
schedules = tf.keras.optimizers.schedules

piecewise = schedules.PiecewiseConstantDecay(boundaries=[100, 200], values=[0.1, 0.01, 0.001])
print("piecewise at steps 0, 100, 101, 200, 201:", [round(float(piecewise(s)), 4) for s in (0, 100, 101, 200, 201)])

optimizer = tf.keras.optimizers.SGD(learning_rate=schedules.CosineDecay(0.0, decay_steps=1000, warmup_target=0.1, warmup_steps=100),
                                    momentum=0.9)
# No step taken yet: the schedule is read at step 0, the start of its warmup from initial_learning_rate = 0.0.
print("learning rate now:", float(optimizer.learning_rate), " (read it with float(optimizer.learning_rate))")
try:
    optimizer.learning_rate = 0.05
except TypeError as error:
    print("setting it fails with a schedule:", str(error)[:90], "…")
try:
    tf.keras.optimizers.Adam(**{"lr": 0.01})          # the Keras 2 argument name
except ValueError as error:
    print("the old argument name:", error)

# %% [markdown] nbgrader={"grade": false, "grade_id": "pitfall_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Pitfall: `Adam(learning_rate=1.0)`
#
# Adam's steps are about $\eta$ long. On the Module 7 network (10 inputs → 32 ReLU units → 3-way
# softmax, features in $[0, 1]$) a step of 1.0 per weight is enormous:

# %% tags=["skip-when-grading"]
classes = datasets.classification_data()
histories = {}
for rate in (1.0, 0.01):
    model = keras_bridge.small_classifier(10, 3, seed=0)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=rate), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    histories[rate] = model.fit(classes.X_train, classes.y_train, epochs=8, batch_size=32, verbose=0,
                                validation_data=(classes.X_test, classes.y_test)).history
    print(f"Adam(learning_rate={rate}): training loss per epoch {np.round(histories[rate]['loss'], 3)}, "
          f"test accuracy {histories[rate]['val_accuracy'][-1]:.3f}")
print(f"ln 3 = {math.log(3):.3f}: the loss of a model that gives every class probability 1/3")

# %% [markdown] nbgrader={"grade": false, "grade_id": "pitfall_reading", "locked": true, "schema_version": 3, "solution": false, "task": false}
# With $\eta = 1$ the first epoch's loss explodes, and the network then collapses to a constant
# guess — the loss sits at $\ln 3$ and the accuracy at the share of the largest class. The fix is a
# sensible rate (Adam's default 0.001, or a tenth of where a range test's loss is lowest; Module 7 runs one on a network like this). A warmup is often added
# as well, for Adam on large models, where the first steps are the risky ones; this course has not
# measured a case where it helps (section 3 found no benefit on the regression, and section 5 tries
# it on a network).
#
# ## 5. Clipping gradients: a ceiling on the step
#
# A schedule controls the learning rate; nothing so far controls the gradient. One unlucky batch or a
# steep wall in the loss can give a gradient many times larger than usual, and a single step along it
# can throw the weights somewhere training never recovers from. **Clipping** caps the gradient's size
# before the step. Keras offers three forms, one per optimizer: `clipvalue=c` clips every entry to
# $\pm c$, `clipnorm=c` rescales each weight array whose own norm is above $c$, and
# `global_clipnorm=c` measures all the gradients together:
#
# $$
# \lVert g\rVert_{\text{global}} = \sqrt{\textstyle\sum_{k}\sum_{i} g_{k,i}^2}, \qquad
# g_k \leftarrow g_k \cdot \frac{c}{\max\left(\lVert g\rVert_{\text{global}},\ c\right)} \quad\text{for every array } k.
# $$
#
# Below the threshold nothing changes. Above it, every array is scaled by the same factor, so the step
# keeps its direction and only its length is capped. Keras does this inside `apply_gradients`, before
# weight decay and the update.
#
# ## Exercise 5 — clipping by global norm (2 points)
#
# Write `clip_by_global_norm(grads, clipnorm)`: `grads` is a list (or a tuple) of numpy arrays, one per
# weight array of a model; return a list of new arrays of the same shapes, clipped as above, and leave
# the arrays you were given unchanged. It is compared with what `tf.keras.optimizers.SGD(global_clipnorm=…)`
# applies: several arrays together, a global norm below the threshold, a single array, a tuple, float32
# arrays, and gradients that are all zero (a norm of 0: nothing to clip, and nothing to divide by).

# %% nbgrader={"grade": false, "grade_id": "clip_by_global_norm", "locked": false, "schema_version": 3, "solution": true, "task": false}
def clip_by_global_norm(grads, clipnorm):
    """Keras's global_clipnorm: scale every array by clipnorm / max(global norm, clipnorm).

    global norm = sqrt(sum of g**2 over every entry of every array); returns a list of new arrays.
    """
    ### BEGIN SOLUTION
    norm = math.sqrt(sum(float(np.sum(np.square(g))) for g in grads))
    scale = clipnorm / max(norm, clipnorm)
    return [np.asarray(g, dtype=float) * scale for g in grads]
    ### END SOLUTION


# %%
clipped = clip_by_global_norm([np.array([3.0, 0.0]), np.array([[0.0], [4.0]])], 1.0)
print([np.round(g, 3).tolist() for g in clipped])     # expected: [[0.6, 0.0], [[0.0], [0.8]]]   (global norm 5, so × 1/5)

# %% nbgrader={"grade": true, "grade_id": "clip_by_global_norm_tests", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check clip_by_global_norm against what Keras's global_clipnorm applies."""
checks.clip_by_global_norm(clip_by_global_norm)
### BEGIN HIDDEN TESTS
checks.clip_by_global_norm(clip_by_global_norm, seed=7, shapes=[[(2, 2), (5,)], [(3,)], [(4, 1), (2,), (3, 3)]],
                           clipnorms=[0.3, 12.0, 1.5])
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "clip_experiment_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Experiment: a network rescued by clipping — how, and what warmup does
#
# A small Keras network (10 inputs → 32 tanh units → 1 output) learns the regression of section 1
# with its targets multiplied by 10, as unnormalised targets often are. SGD with momentum 0.9 at
# $\eta = 0.05$ trains it for 2 epochs from 3 random starts, three ways: as it is, with **your**
# clipping (`clipnorm` 1) applied to the gradients of every step, and with a 16-step linear warmup
# from 0 to $\eta$ written with **your** `cosine_decay` (with `alpha=1.0` the rate then stays at its
# peak). Every run records the global norm of each step's gradient before clipping, so you can see how
# often the clipping acted.
#
# Two controls ask *how* clipping helps. If it shortens every step, it may just be a lower learning
# rate in disguise: the first control trains without clipping at the rate that makes a gradient of
# typical size push as far as a clipped one,
# $0.05 \times 1 / (\text{median norm of the clipped runs})$. The second clips only the spikes: its
# threshold is the 90th percentile of the norms seen in the first control's runs, which train without
# trouble. A run counts as diverged when its last ten batch losses average above its first.

# %% tags=["skip-when-grading"]
from optcourse.constants import diverged

X_net, y_net = tf.constant(data.X, tf.float32), tf.constant(10 * data.y, tf.float32)
net_batches = [order[i:i + 32] for order in (np.random.default_rng(0).permutation(len(data.y)) for _ in range(2))
               for i in range(0, len(data.y), 32)]                       # 2 epochs, the same batches for every run

def network_run(seed, *, clipnorm=None, warmup_steps=0, peak=0.05):
    """Batch losses and global gradient norms (before any clipping) of one run of the tanh network,
    with your clipping and your warmup schedule if asked."""
    tf.keras.utils.set_random_seed(seed)
    model = tf.keras.Sequential([tf.keras.Input(shape=(10,)), tf.keras.layers.Dense(32, activation="tanh"), tf.keras.layers.Dense(1)])
    optimizer = tf.keras.optimizers.SGD(learning_rate=peak, momentum=0.9)

    @tf.function(autograph=False)
    def loss_and_gradients(X, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(X)[:, 0] - y) ** 2)
        gradients = tape.gradient(loss, model.trainable_variables)
        return loss, gradients, tf.linalg.global_norm(gradients)

    losses, norms = [], []
    for step, batch in enumerate(net_batches):
        loss, gradients, norm = loss_and_gradients(tf.gather(X_net, batch), tf.gather(y_net, batch))
        losses.append(float(loss))
        norms.append(float(norm))
        gradients = [g.numpy() for g in gradients]
        if clipnorm is not None:
            gradients = clip_by_global_norm(gradients, clipnorm)
        if warmup_steps:
            optimizer.learning_rate = float(cosine_decay(step, initial_learning_rate=0.0, decay_steps=len(net_batches), alpha=1.0,
                                                         warmup_target=peak, warmup_steps=warmup_steps))
        optimizer.apply_gradients(zip([tf.constant(g, tf.float32) for g in gradients], model.trainable_variables))
    return np.array(losses), np.array(norms)

net_seeds = (0, 1, 2)
net_runs = {}
for name, options in [("no clipping", {}), ("clipnorm 1", {"clipnorm": 1.0}), ("16-step warmup", {"warmup_steps": 16})]:
    net_runs[name] = [network_run(seed, **options) for seed in net_seeds]
clipped_norms = np.concatenate([norms for _, norms in net_runs["clipnorm 1"]])
# Control 1, no clipping at a lower rate: clipping at 1 makes each push into the momentum 0.05 × 1 long instead
# of 0.05 × norm, so a gradient of the clipped runs' median norm pushes as far at 0.05 × 1 / (median norm).
lower_rate = 0.05 * 1.0 / np.median(clipped_norms)
net_runs["lower rate, no clipping"] = [network_run(seed, peak=lower_rate) for seed in net_seeds]
# Control 2, clipping that catches only the spikes: a threshold at a high percentile of the norms of those
# unclipped runs at the lower rate, which train without trouble.
spike_percentile = 90
lower_rate_norms = np.concatenate([norms for _, norms in net_runs["lower rate, no clipping"]])
spike_threshold = np.percentile(lower_rate_norms, spike_percentile)
net_runs["clipnorm at spikes"] = [network_run(seed, clipnorm=spike_threshold) for seed in net_seeds]
thresholds = {"clipnorm 1": 1.0, "clipnorm at spikes": spike_threshold}

net_curves = {name: [losses for losses, _ in seed_runs] for name, seed_runs in net_runs.items()}
net_norms = {name: [norms for _, norms in seed_runs] for name, seed_runs in net_runs.items()}
net_diverged = {name: [bool(diverged(c[0], c[-10:].mean())) for c in curves] for name, curves in net_curves.items()}
clipped_share = {name: [float(np.mean(norms > threshold)) for norms in net_norms[name]] for name, threshold in thresholds.items()}

fig, (ax, ax_norm) = plt.subplots(1, 2, figsize=(11, 3.8))
for (name, curves), color in zip(net_curves.items(), ["#D55E00", "#0072B2", "#009E73", "#CC79A7", "#555555"]):
    for k, curve in enumerate(curves):
        ax.semilogy(curve, color=color, alpha=0.8, linestyle=["-", "--", ":"][k], label=name if k == 0 else None)
ax.set(xlabel="step", ylabel="batch loss (log scale)", title="SGD + momentum on a small tanh network (3 starts each)")
ax.legend(fontsize=7)
for k, norms in enumerate(net_norms["clipnorm 1"]):
    ax_norm.semilogy(norms, color="#0072B2", alpha=0.8, linestyle=["-", "--", ":"][k], label="clipnorm 1 runs" if k == 0 else None)
ax_norm.axhline(1.0, color="black", linestyle="--", label="threshold 1")
ax_norm.axhline(spike_threshold, color="#555555", linestyle="--", label=f"spike threshold {spike_threshold:.1f}")
ax_norm.set(xlabel="step", ylabel="global gradient norm before clipping", title="What the clipping at 1 saw")
ax_norm.legend(fontsize=7)
plt.tight_layout()
plt.show()
print(f"lower rate = 0.05 × 1 / {np.median(clipped_norms):.1f} (median gradient norm of the clipped runs) = {lower_rate:.4f}; "
      f"spike threshold = {spike_threshold:.1f} ({spike_percentile}th percentile of the lower-rate runs' norms, "
      f"{spike_threshold / np.median(lower_rate_norms):.1f}× their median)")
for name, curves in net_curves.items():
    print(f"{name:23s} diverged in {sum(net_diverged[name])} of {len(curves)} runs; first loss "
          f"{np.round([c[0] for c in curves], 1)}, highest {np.round([c.max() for c in curves], 0)}, "
          f"mean of the last ten {np.round([c[-10:].mean() for c in curves], 2)}; highest at step {[int(np.argmax(c)) for c in curves]}")
    clipped = f"; steps clipped {[f'{share:.0%}' for share in clipped_share[name]]}" if name in clipped_share else ""
    print(f"{'':23s} median gradient norm {np.round([np.median(n) for n in net_norms[name]], 1)}{clipped}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "clip_reading", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Without clipping, 2 of the 3 runs diverged: their loss climbed to 25 and 16 times its first value and
# was still far above it at the end; the third start happened to survive. With your clipping at 1, none
# of the 3 diverged: the highest loss of each run came within its first few steps (at most 53), and
# the last ten batches averaged below 4, against first losses near 40.
#
# *How* did it rescue them? The right panel answers: the clipping acted on every step. In each of the
# 3 runs, all 64 steps had a global gradient norm above the threshold of 1 — the median norm was
# between 10.1 and 13.5. So clipping at 1 never let a gradient through unchanged: it kept only its
# direction, and every push into the momentum had the length $\eta \times 1$ instead of
# $\eta \times \lVert g\rVert$, about 12 times shorter at the median norm. That is SGD with
# normalised gradients and, in effect, a lower learning rate. The first control gets the same
# without any clipping: at $\eta = 0.0041$, none of the 3 runs diverged either, and their last ten
# batches averaged 2.6 against 3.1 with clipping (means over the 3 starts).
#
# Clipping only the spikes did not make $\eta = 0.05$ safe. With the threshold at 34.4, 3.0 times
# the median norm of the healthy lower-rate runs, 2 of the 3 runs diverged, as many as without any
# clipping. Their gradients grew as they went wrong, so even this high threshold ended up clipping
# between 20% and 66% of the steps. The runs were not thrown off by a rare huge gradient: the rate
# was too large for the ordinary ones.
#
# The practical lesson: a threshold below the typical gradient norm cuts every gradient to the same
# length, `clipnorm`, so every step is a normalised step, rescaled — clipping then works by lowering
# the rate, and a lower rate is the plainer way to get that. To make clipping the safety net for rare
# spikes it is meant to be, look at the gradient norms of your runs and put the threshold above the
# typical one (a high percentile); and if the runs still diverge, lower the rate.
#
# And warmup? It did not help here: all 3 warmup runs diverged, each loss peaking between step 21 and
# step 53, after the 16 warmup steps, once the rate had reached its peak. Warmup protects the first
# steps, and on this network the first steps are not the problem: $\eta = 0.05$ is too large whenever
# the gradients grow, and a gentle start does not change that. Warmup earns its place where the early
# steps themselves are the dangerous ones — Adam's moment estimates from a handful of batches, a large
# network's first updates — which this run does not have, so it shows no benefit. Here the fix is a
# smaller rate, given directly or, as the clipping at 1 did, in disguise.

# %% [markdown] nbgrader={"grade": false, "grade_id": "takeaways", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Key takeaways
#
# * Sensitivity is measurable: on our problem Adam's good band was much wider (1.3 decades) than
#   plain SGD's narrow band below its divergence limit; momentum moved the best rate down by a factor
#   of 2 and the divergence limit up.
# * The range test finds a good learning rate in one short run: grow $\eta$ geometrically, watch the
#   loss, take about a tenth of the rate where it was lowest (the lowest point overshoots the stable rate).
# * Schedules start high and end low: exponential decay, cosine decay (with warmup), warm restarts,
#   piecewise constant. Keras calls them with step 0 first; check your arithmetic at the boundaries.
# * Keras 3: `float(opt.learning_rate)` reads the rate; `lr=` is rejected; a schedule-driven rate
#   cannot be set by assignment.
# * `Adam(learning_rate=1.0)` wrecks a network: Adam's step is about $\eta$ per weight.
# * The condition number sets plain SGD's band: about $\log_{10}(2N/\kappa)$ decades at most in $N$ steps.
#   Standardising the features here cut $\kappa$ from 583 to 1.4 and widened the band from 0.1 to 1.3 decades.
# * Clipping by global norm scales all the gradients by one factor, clipnorm / (global norm), only when that
#   norm is above clipnorm (`global_clipnorm=` in Keras). Clipping at 1 rescued 2 diverging runs of 3, but
#   it clipped every step (median gradient norms 10.1 to 13.5): it acted as a lower rate, and the same
#   network without clipping at a rate about 12 times lower trained as well. With a threshold above the
#   typical norm, catching only spikes, 2 runs of 3 diverged. Choose the threshold from the norms you
#   observe, above the typical one; below it, every gradient is cut to length clipnorm, a lower rate in disguise.
# * A 16-step warmup rescued none of the network's runs, because the trouble was the peak rate, not the
#   first steps; on the regression, the same cosine with and without warmup survived the same peak.

# %% [markdown] include="quiz_intro" nbgrader={"grade": false, "grade_id": "quiz_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# *(Shared text: `make release` puts solutions/_shared/quiz_intro.md here; edit it there.)*

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_tune_q1_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 1.** *Read the figure.* The cell below runs a learning-rate range test on a small regression and plots
# the loss against the learning rate. Which learning rate does the usual rule of thumb suggest for
# training at a constant rate?
#
# * (a) about 0.8, where the loss is lowest, since that is the best rate
# * (b) about 1.6, just before the loss blows up, for the fastest progress
# * (c) about 0.08, a tenth of where the loss is lowest
# * (d) about 0.0001, where the test starts, since it is surely stable

# %% tags=["skip-when-grading"]
# A learning-rate range test on a small regression made here: one run of gradient descent whose
# learning rate grows by the same factor at every step, from 1e-4 towards 10, stopped once the loss
# is ten times its starting value. Plotted: the loss against the learning rate in use.
import matplotlib.pyplot as plt
import numpy as np

quiz_rng = np.random.default_rng(0)
quiz_X = quiz_rng.normal(size=(200, 2)) * np.array([1.0, 3.0])
quiz_y = quiz_X @ np.array([1.0, 2.0]) + 0.3 * quiz_rng.normal(size=200)
quiz_rates = np.geomspace(1e-4, 10, 120)
w, quiz_losses = np.zeros(2), []
for rate in quiz_rates:
    residual = quiz_X @ w - quiz_y
    quiz_losses.append(0.5 * np.mean(residual**2))
    if quiz_losses[-1] > 10 * quiz_losses[0]:
        break
    w = w - rate * quiz_X.T @ residual / len(quiz_y)
quiz_losses = np.array(quiz_losses)
fig, ax = plt.subplots(figsize=(6.5, 3.5))
ax.loglog(quiz_rates[:len(quiz_losses)], quiz_losses, marker=".", color="tab:blue")
ax.set(xlabel="learning rate", ylabel="loss", title="A learning-rate range test")
ax.grid(which="both", alpha=0.3)
plt.show()

# %% nbgrader={"grade": false, "grade_id": "answer_tune_q1", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "Find the rate where the loss is lowest, then stay well below it: the loss there reflects a rate that was still rising."}
# Your answer to question 1, e.g. answer_tune_q1 = "a"
### BEGIN SOLUTION
answer_tune_q1 = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_tune_q1_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 1."""
quiz.check("tune_q1", answer_tune_q1)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_tune_q2_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 2.** `ExponentialDecay(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5)`: what is the
# learning rate at step 20? Give a number.

# %% nbgrader={"grade": false, "grade_id": "answer_tune_q2", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "Step 20 is two decay periods: the rate has been multiplied by 0.5 twice."}
# Your answer to question 2, e.g. answer_tune_q2 = 0.05
### BEGIN SOLUTION
answer_tune_q2 = 0.025
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_tune_q2_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 2."""
quiz.check("tune_q2", answer_tune_q2)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_tune_q3_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 3.** Plain SGD's band of good learning rates is narrow when one direction of the loss is far steeper
# than another (a large condition number $\kappa = \lambda_{\max}/\lambda_{\min}$). Which change
# widens the band most directly?
#
# * (a) a larger batch size, so that each gradient carries less noise
# * (b) more epochs, so that small learning rates have time to arrive
# * (c) a smaller $\epsilon$, so that the division by the gradient's size is exact
# * (d) standardising every feature, which lowers $\kappa$

# %% nbgrader={"grade": false, "grade_id": "answer_tune_q3", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "The largest stable rate is set by the steepest direction, the speed by the flattest: what brings them closer?"}
# Your answer to question 3, e.g. answer_tune_q3 = "a"
### BEGIN SOLUTION
answer_tune_q3 = "d"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_tune_q3_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 3."""
quiz.check("tune_q3", answer_tune_q3)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_tune_q4_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 4.** *Revisit your prediction.* In section 2 you predicted whether you would start high and end low,
# start low and end high, or keep the learning rate constant. Which do the usual decay schedules
# choose, and for what reason?
#
# * (a) start low and end high, so that early steps are careful and late ones fast
# * (b) keep it constant: a schedule only adds settings that need tuning
# * (c) start high and end low, because the gradient grows as training goes on
# * (d) start high and end low: large steps cover ground, small ones shrink the noise

# %% nbgrader={"grade": false, "grade_id": "answer_tune_q4", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "Think of what large steps do far from the minimum, and what mini-batch noise does near it."}
# Your answer to question 4, e.g. answer_tune_q4 = "a"
### BEGIN SOLUTION
answer_tune_q4 = "d"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_tune_q4_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 4."""
quiz.check("tune_q4", answer_tune_q4)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_explain_tune_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 5 — explain why (1 point, marked by your instructor).** In the range test above, the loss is lowest at a learning rate several times larger than the
# largest rate that converges when it is held constant (about 0.22 for this data). Why does the range
# test's lowest point lie so high, and what does that mean for how you read it?
#
# Write two to four sentences in the cell below (double-click it to edit).

# %% [markdown] nbgrader={"grade": true, "grade_id": "quiz_explain_tune", "locked": false, "points": 1, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# **Model answer.** In a range test the rate grows at every step, so the loss at a given rate reflects the progress made
# at all the smaller rates before it. A rate just above the stability limit does not blow up at once:
# its oscillation needs several steps to grow, and by then the rate has moved on. So the curve keeps
# falling past the limit and turns up only well beyond it. The lowest point is therefore an
# overestimate of a usable constant rate, which is why the rule of thumb takes about a tenth of it.
#
# **Rubric (1 point).** 1 point: the rate is still rising / the loss reflects earlier, smaller rates (or divergence needs
# several steps to show) **and** the conclusion that the lowest point overestimates a safe constant
# rate (hence dividing it by about 10). ½ point: only one of the two. 0: "the test is noisy" alone.
# ### END SOLUTION
