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
# # Module 2 — Stochastic and mini-batch gradient descent
#
# **The question of this module:** a dataset has a million examples. Must every single step of
# training look at all of them?
#
# In Module 1 each step used the exact gradient of the whole loss. Here you will build the two
# pieces real training uses instead — a shuffled mini-batch iterator and a mini-batch SGD epoch —
# watch how batch size trades noise for cost, and meet the Keras setting that silently turns SGD
# back into full-batch gradient descent.
#
# Work as in Module 1: fill in the `# YOUR CODE HERE` cells, run the check under each, and
# *Validate* before handing in.

# %% [markdown] include="notation" nbgrader={"grade": false, "grade_id": "notation", "locked": true, "schema_version": 3, "solution": false, "task": false}
# *(Shared text: `make release` puts solutions/_shared/notation.md here; edit it there.)*

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

from optcourse.lesson import datasets, keras_bridge
from optcourse.demos import plots, runs, widgets
from optcourse.grading import checks, quiz

# %% [markdown] nbgrader={"grade": false, "grade_id": "idea", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 1. One example, all of them, or a few
#
# The training loss is an average over the $n$ examples, $L(w) = \frac{1}{n}\sum_{i=1}^{n} \ell_i(w)$,
# so its gradient is an average too. A **mini-batch** $B$ of examples gives an estimate of it:
#
# $$
# g_B = \frac{1}{|B|} \sum_{i \in B} \nabla \ell_i(w), \qquad
# w \leftarrow w - \eta\, g_B .
# $$
#
# If $B$ is drawn at random, $g_B$ is right *on average* — but each single estimate is off by
# some noise, and the noise shrinks as the batch grows.
#
# | | batch size | cost of one step | noise in the step | steps per epoch ($n$ = 1000) |
# |---|---|---|---|---|
# | full-batch gradient descent | $n$ | all $n$ examples | none | 1 |
# | stochastic gradient descent (SGD) | 1 | one example | large | 1000 |
# | mini-batch SGD | e.g. 32 | 32 examples | moderate | $\lceil 1000/32 \rceil = 32$ |
#
# An **epoch** is one pass over the data: every example used exactly once. The data are shuffled
# at the start of each epoch, so the batches differ from epoch to epoch; when $n$ is not a multiple
# of the batch size, the last batch is smaller (Keras keeps it, and so do we). "SGD" in practice —
# and in `tf.keras.optimizers.SGD` — almost always means mini-batch SGD.
#
# **Why noise can help:** a noisy step can shake the parameters out of a flat region or a poor, narrow
# dip, and many cheap noisy steps often beat a few expensive exact ones. **Why it hurts:** near the
# minimum the noise does not shrink, so the parameters jitter around it instead of settling — unless
# the learning rate is lowered (Module 6).

# %% [markdown] nbgrader={"grade": false, "grade_id": "predict_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 2. Predict first
#
# > **Does SGD use all the data for each update, or a small part?** And with 1000 examples and a
# > batch size of 32, how many updates happen in one epoch?
#
# Write your answer below before you go on.

# %% [markdown]
# *My prediction:* (double-click to edit)

# %% [markdown] nbgrader={"grade": false, "grade_id": "data_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 3. The data
#
# A regression problem with the shape used again in Module 7: 1000 examples, 10 features, made
# here (no download). The raw features have scales from 0.1 to 100, so each column is **min-max
# scaled** to $[0, 1]$: subtract its minimum, divide by its range. The model is linear,
# $\hat y = X w + b$, with parameters `params = [w_1, …, w_10, b]`, and the loss is the mean squared
# error; `datasets.mse_loss(params, X, y)` and `datasets.mse_gradient(params, X, y)` compute them
# for whatever examples you pass in.

# %%
data = datasets.regression_data()       # 1000 × 10, features in [0, 1]
X, y = data.X, data.y
print("X:", X.shape, "smallest", X.min(), "largest", X.max())
print("loss at params = 0:", round(float(datasets.mse_loss(np.zeros(11), X, y)), 4))


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex1_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 1 — a shuffled, seeded mini-batch iterator (3 points)
#
# Write `minibatch_indices(num_examples, batch_size, rng)`. It describes **one epoch**: return a
# list of integer index arrays, one per batch, so that
#
# * every index from `0` to `num_examples − 1` appears exactly once;
# * the order is shuffled with the random generator `rng` it is given (for example
#   `rng.permutation(num_examples)`), never with `np.random` directly — so a seed makes runs
#   repeatable, and calling it again with the same `rng` gives the next epoch a new order;
# * every batch holds `batch_size` indices except the last, which holds the remainder.

# %% nbgrader={"grade": false, "grade_id": "minibatch_indices", "locked": false, "schema_version": 3, "solution": true, "task": false}
def minibatch_indices(num_examples, batch_size, rng):
    """One epoch of shuffled mini-batches: a list of index arrays covering 0 … num_examples − 1 once.

    rng: a numpy Generator (np.random.default_rng(seed)); draw the shuffle from it.
    The last batch holds the remainder when batch_size does not divide num_examples.
    """
    ### BEGIN SOLUTION
    order = rng.permutation(num_examples)
    return [order[start:start + batch_size] for start in range(0, num_examples, batch_size)]
    ### END SOLUTION


# %%
# Try it: 10 examples in batches of 4.
print(minibatch_indices(10, 4, np.random.default_rng(0)))
# with rng.permutation, expected: [array([4, 6, 2, 7]), array([3, 5, 9, 0]), array([8, 1])]
# (another correct way of shuffling gives another order: the check looks at the properties above)

# %% nbgrader={"grade": true, "grade_id": "minibatch_indices_tests", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
"""Check that minibatch_indices covers every example once per epoch, in shuffled, seeded batches."""
checks.minibatch_indices(minibatch_indices)
### BEGIN HIDDEN TESTS
checks.minibatch_indices(minibatch_indices, sizes=((33, 4), (1, 1), (256, 64), (99, 100), (12, 5)))
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex2_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 2 — one epoch of mini-batch SGD (3 points)
#
# Write `sgd_epoch(params, X, y, batches, *, learning_rate)`. For each batch in turn: record the
# batch's loss at the current parameters, compute the gradient **on that batch only**
# (`X[batch]`, `y[batch]`), and take the step $w \leftarrow w - \eta g_B$. Return the parameters
# after the last batch and the array of batch losses (Keras computes the same batch losses while it
# trains, though what it *logs* is their mean over the epoch: section 5 measures it). Do not change
# `params` in place.

# %% nbgrader={"grade": false, "grade_id": "sgd_epoch", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sgd_epoch(params, X, y, batches, *, learning_rate):
    """Mini-batch SGD over the given batches; returns (new_params, batch_losses).

    batch_losses[k] is the loss on batch k, measured before the step taken on it.
    """
    ### BEGIN SOLUTION
    losses = []
    for batch in batches:
        losses.append(datasets.mse_loss(params, X[batch], y[batch]))
        params = params - learning_rate * datasets.mse_gradient(params, X[batch], y[batch])
    return params, np.array(losses)
    ### END SOLUTION


# %%
# Try it: two batches of 32, from params = 0.
params, losses = sgd_epoch(np.zeros(11), X, y, [np.arange(0, 32), np.arange(32, 64)], learning_rate=0.1)
print(np.round(losses, 4))        # expected: [0.371  0.4008]
print(np.round(params[:3], 4))    # expected: [-0.0222 -0.0367 -0.0325]

# %% nbgrader={"grade": true, "grade_id": "sgd_epoch_tests", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
"""Check that sgd_epoch steps once per batch, on that batch's gradient, and records the batch losses."""
checks.sgd_epoch(sgd_epoch)
### BEGIN HIDDEN TESTS
checks.sgd_epoch(sgd_epoch, seed=7)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "compare_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 4. Full batch, mini-batch, one example: the same five epochs
#
# Your two functions train the linear model for five epochs with three batch sizes. The learning
# rates were chosen by hand to behave well for each batch size, the full batch's close to its limit (for the full batch,
# Module 1's rule gives a limit of $2/a_{\max} \approx 0.27$ here, where $a_{\max}$ is the largest
# curvature of this loss). We measure the loss on **all** the data after every step, and count the
# steps.

# %% tags=["skip-when-grading"]
def train(batch_size, learning_rate, epochs=5, seed=0, record=True):
    # Your two functions, epoch after epoch; with record=True, the loss on all data after every step.
    rng = np.random.default_rng(seed)
    params, full_losses, steps = np.zeros(11), [float(datasets.mse_loss(np.zeros(11), X, y))], 0
    for _ in range(epochs):
        for batch in minibatch_indices(len(y), batch_size, rng):
            params, _ = sgd_epoch(params, X, y, [batch], learning_rate=learning_rate)
            if record:
                full_losses.append(float(datasets.mse_loss(params, X, y)))
            steps += 1
    return np.array(full_losses), steps

design = np.c_[X, np.ones(len(y))]                                        # the features and the intercept
steepest = np.linalg.eigvalsh(2 * design.T @ design / len(y)).max()        # a_max, the largest curvature
settings = {"full batch (1000)": (1000, 0.25), "mini-batch (32)": (32, 0.2), "SGD (1)": (1, 0.02)}
final, seconds_taken, steps_taken = {}, {}, {}
fig, ax = plt.subplots(figsize=(8, 3.8))
for (label, (batch_size, rate)), color in zip(settings.items(), ["#0072B2", "#E69F00", "#009E73"]):
    started = time.perf_counter()
    train(batch_size, rate, record=False)      # timed without the measuring
    seconds = time.perf_counter() - started
    full_losses, steps = train(batch_size, rate)
    final[label], seconds_taken[label], steps_taken[label] = full_losses[-1], seconds, steps
    epochs_axis = np.linspace(0, 5, len(full_losses))
    ax.semilogy(epochs_axis, full_losses, color=color, label=f"{label}, η = {rate}")
    print(f"{label:18s} {steps:5d} steps ({steps // 5} per epoch), final loss on all data "
          f"{full_losses[-1]:.4f}, {seconds:.2f} s")
ax.set_xlabel("epochs (passes over the data)")
ax.set_ylabel("loss on all the data (log scale)")
ax.set_title("Same data, same number of epochs, different batch sizes")
ax.legend()
plt.show()
print(f"full-batch limit 2/a_max = {2 / steepest:.2f}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "compare_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Per epoch every run touches each example once, so the arithmetic per epoch is about the same —
# but full-batch gradient descent gets **one** step out of it, mini-batch SGD 32, and SGD 1000. Full
# batch has barely started after five epochs. On this small problem pure SGD gets lowest per epoch,
# with mini-batches second, but look at its curve: jagged all the way down, and, in seconds, the
# slowest of the three, because 1000 tiny steps cannot use the vectorised arithmetic that one batch of
# 32 can (on a GPU the gap is far larger). That is why mini-batches of tens to hundreds of examples
# are the usual choice: most of the progress per epoch, at a fraction of the time per epoch.
#
# ### Experiment: batch size and noise
#
# A one-feature version of the problem has only two parameters, slope and intercept, so the whole
# path fits on a page. Each step below is one call of **your** `sgd_epoch` on one batch from **your**
# `minibatch_indices`. Try batch size 1 and then the full 200; raise the learning rate until the
# small batches become unstable before the large ones do.

# %% tags=["skip-when-grading"]
widgets.minibatch_explorer(minibatch_indices, sgd_epoch, datasets.line_data(), batch_size=5, learning_rate=0.3)

# %% [markdown] nbgrader={"grade": false, "grade_id": "myth_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Small batches trace a jittery path that still heads for the minimum and keeps dancing around it;
# the full batch follows the smooth curve of Module 1. Around the same learning rate, the noisier
# the gradient, the sooner the steps become too wild.

# %% [markdown] nbgrader={"grade": false, "grade_id": "condition_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Why full-batch descent crawls here: the data's condition number
#
# Module 1 named the **condition number** $\kappa = a_{\max}/a_{\min}$, the largest curvature of a
# loss over its smallest: with any single learning rate, plain gradient descent shrinks the error by
# at best $(\kappa-1)/(\kappa+1)$ per step. The loss of a linear model is a bowl too, and its
# curvatures are the eigenvalues of $2\,[X\ 1]^\top [X\ 1]/n$ (`datasets.curvatures(X)` computes
# them). They depend on how the features are scaled. Below, κ for versions of the **same** data:
# the raw features; the raw features divided by 10; min-max scaled (what we use); min-max scaled and
# then centred (each column minus its mean); and **standardised**, each column minus its mean, divided
# by its standard deviation (`datasets.standardize`). Then mini-batch SGD, batch size 32, for 10 epochs and 25 learning rates,
# on the min-max scaled and on the standardised features: the same algorithm as your two functions,
# run for all the rates at once by `runs.minibatch_sgd_losses`.

# %% tags=["skip-when-grading"]
raw = datasets.regression_data(scaling="none").X          # the same examples before any scaling
X_std = datasets.standardize(X)
versions = {"raw": raw, "raw ÷ 10": raw / 10, "min-max scaled": X, "min-max, centred": X - X.mean(axis=0),
            "standardised": X_std}
kappas = {}
for name, features in versions.items():
    curvature = datasets.curvatures(features)
    kappas[name] = curvature[-1] / curvature[0]
    print(f"{name:17s} κ = {kappas[name]:11.1f}   (a_min {curvature[0]:.3g}, a_max {curvature[-1]:.3g})")

least_squares = np.linalg.lstsq(np.c_[X, np.ones(len(y))], y, rcond=None)[0]
lowest = float(datasets.mse_loss(least_squares, X, y))      # the smallest loss: the same for every version
band_rates = np.geomspace(1e-3, 3, 25)
finals, limits, bands = {}, {}, {}
for name in ("min-max scaled", "standardised"):
    finals[name] = runs.minibatch_sgd_losses(versions[name], y, band_rates, batch_size=32, epochs=10)[:, -1]
    limits[name] = 2 / datasets.curvatures(versions[name])[-1]
    trained = band_rates[finals[name] <= 2 * lowest]
    bands[name] = (trained.min(), trained.max())
    print(f"{name}: loss within 2× its minimum after 10 epochs for η from {bands[name][0]:.3g} to {bands[name][1]:.3g} "
          f"({np.log10(bands[name][1] / bands[name][0]):.2f} decades); 2/a_max = {limits[name]:.3g}")

fig, ax = plt.subplots(figsize=(7.5, 4))
plots.plot_learning_rate_band(ax, band_rates, finals, limits=limits, good=2 * lowest,
                              title="Mini-batch SGD, 10 epochs: min-max scaled vs standardised features")
plt.show()

# %% [markdown] nbgrader={"grade": false, "grade_id": "condition_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The raw features give a κ of about 980 thousand. Dividing every feature by 10 — which some
# tutorials call "normalisation" — leaves it at 980 thousand: all the features shrink by the same
# factor, so the ratio of their scales stays, and so does κ. Min-max scaling cuts κ to 583, not to 1:
# every column now lies in $[0, 1]$, but none is centred (their means, near 0.5, move together with
# the bias and make one steep direction), and their spreads, about 0.15, are small next to the bias's
# constant input 1. Centring alone takes κ to 56: the bias is then the steep direction, curvature 2,
# against about 0.05 for the features. Standardising gives every feature the bias's curvature, and κ
# falls to 1.40.
#
# That is why the full batch crawled in section 4, and why plain SGD's band of good rates on this
# data is so narrow. Measured: with the min-max scaled features, SGD got within twice the smallest
# loss in 10 epochs only for η from 0.149 to 0.208, just under its stability limit
# $2/a_{\max} \approx 0.27$; with the standardised features, for every η from 0.0038 to 0.405 — a
# band 2.03 decades wide instead of 0.14. Same examples, same model, same smallest loss: only the
# shape of the loss changed. Standardise the inputs before reaching for a cleverer optimizer.

# %% [markdown] nbgrader={"grade": false, "grade_id": "spread_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### How noisy is a mini-batch gradient? Measured
#
# At the least-squares minimum the gradient on all the data is exactly zero, so whatever a
# mini-batch gradient says there is pure noise. Below, for batch sizes from 1 to all 1000 examples,
# the root-mean-square length of at least 200 mini-batch gradients at that point, the batches cut by
# your `minibatch_indices` (full batches only).

# %% tags=["skip-when-grading"]
spread_sizes = np.array([1, 4, 16, 64, 256, 1000])
spread = []
rng = np.random.default_rng(1)
for batch_size in spread_sizes:
    gradients = []
    while len(gradients) < 200:
        full_batches = [batch for batch in minibatch_indices(len(y), batch_size, rng) if len(batch) == batch_size]
        gradients += [datasets.mse_gradient(least_squares, X[batch], y[batch]) for batch in full_batches[:200]]
    spread.append(np.sqrt(np.mean(np.sum(np.square(gradients), axis=1))))
spread = np.array(spread)
for batch_size, size in zip(spread_sizes, spread):
    print(f"batch size {batch_size:4d}: spread {size:.3g}   (× √B = {size * np.sqrt(batch_size):.3f})")

fig, ax = plt.subplots(figsize=(6.5, 3.8))
plots.plot_gradient_spread(ax, spread_sizes, spread, num_examples=len(y), title="Noise of the mini-batch gradient at the minimum")
plt.show()

# %% [markdown] nbgrader={"grade": false, "grade_id": "spread_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The spread falls as $1/\sqrt{B}$: each batch four times larger halves it (0.38 at $B = 1$, 0.20 at
# 4, 0.097 at 16, 0.048 at 64). Near the size of the data it falls faster, because the batches are
# drawn without replacement from only 1000 examples; at $B = 1000$ every batch is the whole data and
# the noise is zero. So a batch 32 times larger costs 32 times more per step and removes only a
# factor $\sqrt{32} \approx 5.7$ of the noise.
#
# ### The noise floor
#
# With the exact gradient, gradient descent settles at the minimum. With a noisy one and a constant
# learning rate it cannot: every step is a kick of size about $\eta$ times the noise, and the run
# hovers at a loss above the minimum. Measured on the **standardised** features (there SGD reaches the
# minimum within an epoch, so what remains is the floor): batch size 32, 20 epochs, the loss above the
# minimum averaged over every step of the last 10 epochs, with the batches cut from shuffled epochs
# (as your functions do) and, for comparison, drawn independently with replacement.

# %% tags=["skip-when-grading"]
floor_rates = np.array([0.025, 0.05, 0.1, 0.2, 0.4])
steps_per_epoch = -(-len(y) // 32)
floors = {}
for sampling, label in (("shuffle", "shuffled epochs (your functions)"), ("replace", "independent batches")):
    losses = runs.minibatch_sgd_losses(X_std, y, floor_rates, batch_size=32, epochs=20, sampling=sampling)
    floors[label] = losses[:, -10 * steps_per_epoch:].mean(axis=1) - lowest
    print(f"{label:33s} floor: " + "  ".join(f"η {rate}: {floor:.2e}" for rate, floor in zip(floor_rates, floors[label])))
SHUFFLED, INDEPENDENT = floors
halving = {label: floor[1:] / floor[:-1] for label, floor in floors.items()}   # how much each doubling of η raised it

fig, ax = plt.subplots(figsize=(6.5, 3.8))
plots.plot_noise_floor(ax, floor_rates, floors, title="SGD's noise floor, standardised features, batch 32")
plt.show()

# %% [markdown] nbgrader={"grade": false, "grade_id": "floor_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The floor rises with the learning rate, steeply: from η = 0.025 to 0.4 it grows about 82-fold with
# shuffled epochs. With independent batches, doubling a small rate roughly doubles the floor (2.0×
# from 0.025 to 0.05), as the textbook rule "floor ∝ η" says. Shuffled epochs sit lower at small rates
# (2.6 times lower at η = 0.025) and fall faster, about 3× per halving of η: within one epoch the batch
# gradients add up to the full gradient, so part of the noise cancels. Either way, to get closer to the
# minimum with noisy gradients, lower the learning rate at the end (Module 6's schedules) or enlarge the batch.
#
# ### The linear scaling rule
#
# A rule used to train large networks on many processors: when the batch grows $k$-fold, multiply
# the learning rate by $k$. An epoch then has $k$ times fewer steps, each $k$ times longer, so the
# distance travelled per epoch stays the same. It can only hold while $\eta\,a_{\max}$ stays well below 2,
# the full-batch stability limit. Measured on the course's min-max scaled data, 5 epochs per run:

# %% tags=["skip-when-grading"]
scaled_runs = {8: 0.05, 16: 0.1, 32: 0.2, 64: 0.4}                  # batch size: learning rate, η/B fixed
epoch_means = {}
curves = {}
for batch_size, rate in scaled_runs.items():
    losses = runs.minibatch_sgd_losses(X, y, [rate], batch_size=batch_size, epochs=5)[0]
    per_epoch = -(-len(y) // batch_size)
    epoch_means[batch_size] = losses[1:].reshape(5, per_epoch).mean(axis=1)      # the mean loss during each epoch
    curves[f"B = {batch_size}, η = {rate}"] = (np.arange(len(losses)) / per_epoch, losses)
    print(f"B = {batch_size:3d}, η = {rate}: mean loss in epochs 1…5 " + " ".join(f"{v:.3g}" for v in epoch_means[batch_size]))
scaling_gap = max(np.abs(epoch_means[b] / epoch_means[8] - 1).max() for b in (16, 32))   # largest relative gap to B = 8

fig, ax = plt.subplots(figsize=(7.5, 3.8))
plots.plot_loss_curves(ax, curves, xlabel="epochs", title="Linear scaling rule: double the batch, double η")
ax.set_ylim(5e-3, 10)
plt.show()

# %% [markdown] nbgrader={"grade": false, "grade_id": "scaling_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# From $B = 8$ to $B = 32$ the curves per epoch coincide: the mean loss of each epoch differs by at
# most 6.2% from the $B = 8$ run, though the run with $B = 32$ takes 32 steps per epoch against 125. At $B = 64$
# the rule asks for η = 0.4, above this data's stability limit $2/a_{\max} \approx 0.27$, and the run
# diverges. That is the "point" up to which the rule holds, and it is set by the steepest curvature:
# with the standardised features the limit is 0.86, so the same rule would carry a batch 3.2 times
# larger.

# %% [markdown] nbgrader={"grade": false, "grade_id": "noise_escape_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Can noise help? Measured
#
# Noise is often said to help an optimizer out of poor regions. The linear regression cannot show
# that: its loss is a single bowl. So here are two landscapes where it could matter, with gradient
# descent given the exact gradient plus Gaussian noise of spread $\sigma$ (a stand-in for the
# mini-batch noise), 200 runs per setting:
#
# * a **tilted double well** $f(w) = w^4/4 - w^2/2 + 0.3\,w$ from $w = 2$: a shallow dip near
#   $w = 0.79$ is met first; the deep minimum is near $w = -1.13$, behind a small barrier;
# * the **saddle** $f(x, y) = (x^2 - y^2)/2$ from a point exactly on its ridge, $(1.5, 0)$, where the
#   exact gradient never points off the ridge.

# %% tags=["skip-when-grading"]
from optcourse.lesson import landscapes

well, saddle = landscapes.tilted_double_well(), landscapes.saddle()
barrier = np.sort(np.roots([1.0, 0.0, -1.0, 0.3]).real)[1]     # the top of the bump between the two dips

def noisy_descent(landscape, start, sigma, *, learning_rate, num_steps, runs=200, seed=0):
    """All runs at once: gradient descent on the exact gradient plus N(0, sigma²) noise; returns every point."""
    rng = np.random.default_rng(seed)
    w = np.tile(np.array(start, dtype=float), (runs, 1))
    path = [w]
    for _ in range(num_steps):
        w = w - learning_rate * (landscape.gradient(w) + sigma * rng.normal(size=w.shape))
        path.append(w)
    return np.array(path)                       # shape (num_steps + 1, runs, dim)

sigmas = (0.0, 0.5, 1.0, 2.0)
escaped, spread_deep = {}, {}
for sigma in sigmas:
    ends = noisy_descent(well, well.start, sigma, learning_rate=0.05, num_steps=500)[-1, :, 0]
    escaped[sigma] = np.mean(ends < barrier)                     # share of runs ending in the deep minimum
    spread_deep[sigma] = np.std(ends[ends < barrier]) if np.any(ends < barrier) else 0.0
    print(f"double well, σ = {sigma}: {escaped[sigma]:.0%} of runs end in the deep minimum "
          f"(their spread around it: {spread_deep[sigma]:.2f})")

left_ridge = {}
for sigma in (0.0, 0.01):
    path = noisy_descent(saddle, (1.5, 0.0), sigma, learning_rate=0.1, num_steps=300)
    off = np.abs(path[:, :, 1]) > 1                              # more than 1 unit off the ridge
    left_ridge[sigma] = (np.mean(off[-1]), np.median(np.argmax(off, axis=0)[off[-1]]) if off[-1].any() else np.nan)
    print(f"saddle, σ = {sigma}: {left_ridge[sigma][0]:.0%} of runs leave the ridge within 300 steps"
          + (f", after {left_ridge[sigma][1]:.0f} steps (median)" if off[-1].any() else ""))

# %% [markdown] nbgrader={"grade": false, "grade_id": "noise_escape_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Measured, the claim holds here — and so does its price. Without noise every run stops in the
# shallow dip; with $\sigma = 1$, 64% of the runs end in the deep minimum, with $\sigma = 2$, 96%.
# But the runs that got there do not sit still: their spread around the minimum is 0.33 at
# $\sigma = 1$. On the saddle, exact gradients keep the path on the ridge for ever, while a noise of
# only $\sigma = 0.01$ tips every run off it, after a median of 69 steps. On a single bowl (our
# regression) the noise can only cost: it is the jitter around the minimum you saw above. So "noise
# helps" is a statement about landscapes with traps and ridges, which neural networks have and linear
# regression does not.
#
# ### Myth: "SGD updates with the whole dataset every time"
#
# It does not. Counted with your own iterator:

# %% tags=["skip-when-grading"]
rng = np.random.default_rng(0)
for batch_size in (1, 32, 1000):
    batches = minibatch_indices(len(y), batch_size, rng)
    print(f"batch size {batch_size:4d}: {len(batches):4d} updates per epoch, "
          f"each from {len(batches[0])} examples (last batch: {len(batches[-1])})")

# %% [markdown] nbgrader={"grade": false, "grade_id": "keras_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Only full-batch gradient descent uses all the data for each update. SGD uses one example, and
# mini-batch SGD a small random part. Nor are the weights "updated after each epoch", as some
# tutorials put it: mini-batch SGD updates them after every batch, 32 times per epoch here; only
# full-batch gradient descent updates once per epoch.
#
# ## 5. The Keras way
#
# `tf.keras.optimizers.SGD(learning_rate=0.01)` is the optimizer; the string `"sgd"` in
# `model.compile(optimizer="sgd")` gives the same class with its default learning rate 0.01.
# The optimizer only takes steps: **the batch size is chosen by whoever feeds it gradients** —
# you in a custom loop, or `model.fit(batch_size=…)`.
#
# First a custom loop, written the way you wrote `sgd_epoch`, with your iterator and
# `tf.GradientTape`:

# %% tags=["skip-when-grading"]
tf = keras_bridge.import_tensorflow()

tf.keras.utils.set_random_seed(0)
model = tf.keras.Sequential([tf.keras.Input(shape=(10,)), tf.keras.layers.Dense(1)])   # linear: Xw + b
optimizer = tf.keras.optimizers.SGD(learning_rate=0.2)
X_tf, y_tf = tf.constant(X, tf.float32), tf.constant(y[:, None], tf.float32)
rng = np.random.default_rng(0)
for epoch in range(5):
    for batch in minibatch_indices(len(y), 32, rng):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(tf.gather(X_tf, batch)) - tf.gather(y_tf, batch)) ** 2)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
full_loss = float(tf.reduce_mean((model(X_tf) - y_tf) ** 2))
print(f"{int(optimizer.iterations)} steps in 5 epochs; loss on all data {full_loss:.4f}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "pitfall_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Pitfall: `batch_size=len(data)` turns SGD into full-batch gradient descent
#
# `model.fit` does the loop for you. Its `batch_size` decides what "SGD" means: pass the length of
# the data and every epoch is a single full-batch step — nothing stochastic is left, and with the
# same number of epochs the model has taken 32 times fewer steps. Nothing warns you.

# %% tags=["skip-when-grading"]
histories, steps = {}, {}
for batch_size in (32, len(X)):
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input(shape=(10,)), tf.keras.layers.Dense(1)])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.2), loss="mse")
    history = model.fit(X, y, batch_size=batch_size, epochs=10, verbose=0)
    histories[batch_size], steps[batch_size] = history.history["loss"], int(model.optimizer.iterations)
    print(f"fit(batch_size={batch_size:4d}): {steps[batch_size]:3d} steps in 10 epochs, "
          f"final training loss {history.history['loss'][-1]:.4f}")

fig, ax = plt.subplots(figsize=(7, 3.5))
for (batch_size, losses), color in zip(histories.items(), ["#E69F00", "#0072B2"]):
    ax.semilogy(range(1, 11), losses, marker="o", color=color, label=f"batch_size={batch_size} ({steps[batch_size]} steps)")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss (log scale)")
ax.set_title("model.fit with 'SGD': mini-batches vs batch_size=len(data)")
ax.legend()
plt.show()

# %% [markdown] nbgrader={"grade": false, "grade_id": "logged_loss_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### What Keras logs as "loss"
#
# The training loss in `history.history["loss"]` (and on the progress bar) is **not** the loss of the
# last batch, nor the loss at the end of the epoch: it is the mean of the epoch's batch losses, each
# weighted by its batch size — a running mean while the epoch goes on. Measured on one epoch from the
# same weights, with the batches taken in order (`shuffle=False`) and your `sgd_epoch` on the same batches:

# %% tags=["skip-when-grading"]
tf.keras.utils.set_random_seed(0)
model = tf.keras.Sequential([tf.keras.Input(shape=(10,)), tf.keras.layers.Dense(1)])
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.2), loss="mse")
kernel, bias = model.get_weights()
in_order = [np.arange(i, min(i + 32, len(y))) for i in range(0, len(y), 32)]
after_epoch, batch_losses = sgd_epoch(np.r_[kernel[:, 0], bias], X, y, in_order, learning_rate=0.2)
logged = model.fit(X, y, batch_size=32, epochs=1, shuffle=False, verbose=0).history["loss"][0]
size_weighted_mean = np.average(batch_losses, weights=[len(batch) for batch in in_order])
print(f"Keras logged {logged:.4f}; your batch losses: size-weighted mean {size_weighted_mean:.4f}, "
      f"last batch {batch_losses[-1]:.4f}; loss on all data after the epoch {float(datasets.mse_loss(after_epoch, X, y)):.4f}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "logged_loss_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The logged 0.3253 is the size-weighted mean of the batch losses, to float32 rounding; the last batch
# alone gave 0.1125 and the model at the end of the epoch has 0.2426. So a logged training loss lags
# behind the model: it averages in the worse batches from the start of the epoch.

# %% [markdown] nbgrader={"grade": false, "grade_id": "takeaways", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Key takeaways
#
# * A mini-batch gradient is a noisy but unbiased estimate of the full gradient; the noise shrinks
#   as the batch grows.
# * One epoch uses every example once: shuffle at the start of each epoch, cut the order into
#   batches, keep the smaller last batch. Seed the generator and pass it around for repeatable runs.
# * Full batch: 1 exact step per epoch. SGD: $n$ noisy steps. Mini-batch: $\lceil n/B \rceil$ steps,
#   usually the best progress per unit of computation.
# * The scaling of the inputs sets the loss's condition number: κ = 583 with min-max scaling, 1.40
#   standardised, and with it the band of learning rates that train well (0.14 against 2.03 decades).
#   Dividing the features by a constant is not normalising them.
# * The mini-batch gradient's noise falls as $1/\sqrt{B}$; with a constant learning rate the loss hovers
#   above the minimum, higher for larger η. Doubling the batch and η together gives the same curve per
#   epoch, until η reaches the stability limit $2/a_{\max}$.
# * Noise can carry a run out of a shallow dip or off a ridge (measured on the double well and the
#   saddle), and it keeps the parameters jittering near the minimum.
# * SGD does **not** use the whole dataset for each update.
# * In Keras the optimizer does not choose the batch size: `model.fit(batch_size=len(data))`
#   silently runs full-batch gradient descent.

# %% [markdown] include="quiz_intro" nbgrader={"grade": false, "grade_id": "quiz_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# *(Shared text: `make release` puts solutions/_shared/quiz_intro.md here; edit it there.)*

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_sgd_q1_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 1.** *Read the figure.* The cell below runs mini-batch SGD with batches of 4 examples on a small
# regression, at learning rates 0.3 and 0.03, and plots how far the loss is above its minimum after
# each update (log scale). Which run is lower after 400 updates, and why?
#
# * (a) 0.3: larger steps reach the minimum sooner and then stay on it
# * (b) neither: both end at the same loss, since the minimum is the same
# * (c) 0.3: only large steps average the noise of small batches away
# * (d) 0.03: slower at first, but it jitters less around the minimum

# %% tags=["skip-when-grading"]
# Mini-batch SGD (4 examples per batch) on a small regression made here, at two learning rates, from
# the same start and with the same batches. Plotted: the loss on all the data minus its minimum.
import matplotlib.pyplot as plt
import numpy as np

quiz_rng = np.random.default_rng(0)
quiz_X = quiz_rng.normal(size=(500, 2))
quiz_y = quiz_X @ np.array([2.0, -1.0]) + 0.5 * quiz_rng.normal(size=500)
quiz_best = np.linalg.lstsq(quiz_X, quiz_y, rcond=None)[0]
quiz_excess = {}                                   # learning rate → loss above the minimum, after each update
for rate in (0.3, 0.03):
    order, w, excess = np.random.default_rng(1), np.zeros(2), []
    for _ in range(400):
        batch = order.choice(500, size=4, replace=False)
        w = w - rate * quiz_X[batch].T @ (quiz_X[batch] @ w - quiz_y[batch]) / 4
        excess.append(0.5 * np.mean((quiz_X @ w - quiz_y) ** 2) - 0.5 * np.mean((quiz_X @ quiz_best - quiz_y) ** 2))
    quiz_excess[rate] = np.array(excess)
fig, ax = plt.subplots(figsize=(6.5, 3.5))
for (rate, excess), colour in zip(quiz_excess.items(), ["tab:orange", "tab:blue"]):
    ax.semilogy(np.arange(1, 401), excess, color=colour, label=f"learning rate {rate}")
ax.set(xlabel="update", ylabel="loss − its minimum", title="Mini-batch SGD, batch size 4: two learning rates")
ax.legend()
plt.show()

# %% nbgrader={"grade": false, "grade_id": "answer_sgd_q1", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "Compare the two curves over the last hundred updates, not the first twenty."}
# Your answer to question 1, e.g. answer_sgd_q1 = "a"
### BEGIN SOLUTION
answer_sgd_q1 = "d"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_sgd_q1_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 1."""
quiz.check("sgd_q1", answer_sgd_q1)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_sgd_q2_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 2.** *Revisit your prediction.* In section 2 you predicted how many updates one epoch takes. There are
# 1000 training examples and the batch size is 32; the last, smaller batch is kept. How many updates
# happen in one epoch? Give a number.

# %% nbgrader={"grade": false, "grade_id": "answer_sgd_q2", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "Divide, then round up: the smaller last batch is one more update."}
# Your answer to question 2, e.g. answer_sgd_q2 = 10
### BEGIN SOLUTION
answer_sgd_q2 = 32
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_sgd_q2_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 2."""
quiz.check("sgd_q2", answer_sgd_q2)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_sgd_q3_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 3.** You train with `model.compile(optimizer="sgd")` and `model.fit(X, y, batch_size=len(X), epochs=10)`.
# What are you actually running?
#
# * (a) full-batch gradient descent: one exact step per epoch, 10 in all
# * (b) SGD with one example per step, as the name "sgd" says: 10 × len(X) steps
# * (c) mini-batch SGD with Keras's default of 32; `batch_size` only sets the memory used
# * (d) Adam, because Keras switches to an adaptive optimizer when batches are large

# %% nbgrader={"grade": false, "grade_id": "answer_sgd_q3", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "How many batches does one epoch have when a batch holds all the data?"}
# Your answer to question 3, e.g. answer_sgd_q3 = "b"
### BEGIN SOLUTION
answer_sgd_q3 = "a"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_sgd_q3_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 3."""
quiz.check("sgd_q3", answer_sgd_q3)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_sgd_q4_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 4.** At the end of an epoch Keras prints `loss: 0.41`. What is that number?
#
# * (a) the loss on the epoch's last batch alone, measured after that batch's update was applied
# * (b) the mean of the epoch's batch losses (size-weighted), each taken before its update
# * (c) the loss on all the training data after the epoch's last update
# * (d) the loss on the validation data, since Keras does not log the training loss

# %% nbgrader={"grade": false, "grade_id": "answer_sgd_q4", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "Each batch's loss is computed in the forward pass, before that batch's update; Keras then averages them over the epoch so far."}
# Your answer to question 4, e.g. answer_sgd_q4 = "a"
### BEGIN SOLUTION
answer_sgd_q4 = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_sgd_q4_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 4."""
quiz.check("sgd_q4", answer_sgd_q4)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_explain_sgd_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 5 — explain why (1 point, marked by your instructor).** With a constant learning rate, why does mini-batch SGD keep wandering near the minimum instead of
# settling on it, while full-batch gradient descent settles? And what would make the wandering smaller?
#
# Write two to four sentences in the cell below (double-click it to edit).

# %% [markdown] nbgrader={"grade": true, "grade_id": "quiz_explain_sgd", "locked": false, "points": 1, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# **Model answer.** Each update uses the gradient of a few examples, a noisy estimate of the full gradient. At the
# minimum the full gradient is zero but the gradients of single batches are not, so every step still
# moves the parameters by about $\eta$ times that noise, and the loss hovers at a floor above the
# minimum. Full-batch gradient descent uses the exact gradient, which vanishes at the minimum, so its
# steps vanish too. A smaller learning rate (or a decaying schedule) or larger batches shrink the wandering.
#
# **Rubric (1 point).** 1 point: the mini-batch gradient is a noisy estimate that is not zero at the minimum (so the steps
# do not vanish) **and** one correct remedy (smaller or decaying learning rate, larger batch).
# ½ point: only one of the two. 0: "SGD is random" without linking the noise to the steps, or
# "more epochs" as the remedy.
# ### END SOLUTION
