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
# # Module 5 — Adam
#
# **The question of this module:** momentum remembers the *direction* the gradients have been
# pointing; RMSprop remembers their *size*, parameter by parameter. Can one optimizer do both — and
# what goes wrong in its very first steps, when its memory is still empty?
#
# You will write Adam exactly as Keras runs it (checked step by step against
# `tf.keras.optimizers.Adam`), see with sliders why it corrects the bias of its zero start, race it
# against RMSprop and momentum, and train a Keras model with it.

# %% [markdown] include="notation" nbgrader={"grade": false, "grade_id": "notation", "locked": true, "schema_version": 3, "solution": false, "task": false}
# *(Shared text: `make release` puts solutions/_shared/notation.md here; edit it there.)*

# %%
import matplotlib.pyplot as plt
import numpy as np

from optcourse.lesson import datasets, keras_bridge, landscapes, reference
from optcourse.demos import widgets
from optcourse.grading import checks, quiz
from optcourse.lesson.optim import AdamState, rmsprop_init

bowl = landscapes.scaled_bowl()       # f(x, y) = 0.1 x² + 2 y², as in Module 1


# %% [markdown] nbgrader={"grade": false, "grade_id": "idea", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 1. Two memories and a correction
#
# Adam keeps two exponential moving averages per parameter:
#
# * the **first moment** $m$, an average of gradients — momentum's memory of direction, with decay
#   $\beta_1$ (default 0.9);
# * the **second moment** $v$, an average of squared gradients — RMSprop's memory of size, with decay
#   $\beta_2$ (default 0.999).
#
# Both start at zero, so early on they are **biased towards zero**: after one step
# $m = (1-\beta_1)\,g = 0.1\,g$ although the gradient is $g$. Dividing by $1 - \beta^t$ removes that
# bias exactly for a constant gradient. Keras folds both corrections into the step size. With the
# step counter $t = 1$ on the first step:
#
# $$
# \begin{aligned}
# t &\leftarrow t + 1 \\
# m &\leftarrow m + (1 - \beta_1)(g - m) \\
# v &\leftarrow v + (1 - \beta_2)(g^2 - v) \\
# \alpha_t &= \eta\, \frac{\sqrt{1 - \beta_2^{\,t}}}{1 - \beta_1^{\,t}} \\
# w &\leftarrow w - \alpha_t\, \frac{m}{\sqrt{v} + \epsilon}
# \end{aligned}
# $$
#
# Defaults: $\eta = 0.001$, $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-7}$.
# ($m + (1-\beta)(g - m)$ is the same as $\beta m + (1-\beta) g$.)
#
# **Keras's form and the paper's.** The Adam paper's Algorithm 1 corrects the moments themselves,
# $\hat m = m/(1-\beta_1^t)$, $\hat v = v/(1-\beta_2^t)$, and steps $\eta\,\hat m/(\sqrt{\hat v} + \epsilon)$.
# Keras uses the paper's "epsilon-hat" rewriting above. The two agree except for where $\epsilon$
# sits: Keras's $\epsilon$ equals an Algorithm-1 epsilon of $\epsilon/\sqrt{1-\beta_2^t}$ (about
# $3.2\times10^{-6}$ at $t = 1$). With everyday gradients that is a difference of about $10^{-6}$ —
# but with gradients near $10^{-3}$ or a larger $\epsilon$ the two clearly part, and your check
# includes such cases. Write the Keras form.

# %% [markdown] nbgrader={"grade": false, "grade_id": "predict_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 2. Predict first
#
# > **Does Adam combine ideas from other optimizers, or does it work differently?** Which ones, and
# > which part of the update comes from which?
#
# Write your answer below.

# %% [markdown]
# *My prediction:* (double-click to edit)

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex1_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 1 — Adam's starting state (1 point)
#
# Write `adam_init(params)`: an `AdamState` with `m` and `v` new zero arrays of the shape of
# `params`, and `t = 0` (an int: no steps taken yet).

# %% nbgrader={"grade": false, "grade_id": "adam_init", "locked": false, "schema_version": 3, "solution": true, "task": false}
def adam_init(params):
    """Adam's starting state: zero first and second moments, and t = 0 steps taken."""
    ### BEGIN SOLUTION
    return AdamState(m=np.zeros(np.shape(params)), v=np.zeros(np.shape(params)), t=0)
    ### END SOLUTION


# %%
print(adam_init(np.zeros(2)))     # expected: AdamState(m=array([0., 0.]), v=array([0., 0.]), t=0)

# %% nbgrader={"grade": true, "grade_id": "adam_init_tests", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that adam_init returns zero moments of the right shape and t = 0."""
checks.adam_init(adam_init)


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex2_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 2 — the Adam step (4 points)
#
# Write `adam_step` in the Keras form above. It is compared with `tf.keras.optimizers.Adam` after
# every step — parameters, `m`, `v` and `t` — starting from the initial state ($m = v = 0$, $t = 0$)
# and from a non-zero one, with non-default betas, with normal and with tiny gradients and a larger
# epsilon, at `rtol=1e-5, atol=1e-6`. The state you return is fed back as it is.

# %% nbgrader={"grade": false, "grade_id": "adam_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def adam_step(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
    """One Adam step, Keras ("epsilon-hat") form; t counts steps and is 1 on the first one.

    t_new = t + 1
    m_new = m + (1 - beta_1) * (grads - m)
    v_new = v + (1 - beta_2) * (grads**2 - v)
    alpha = learning_rate * sqrt(1 - beta_2**t_new) / (1 - beta_1**t_new)
    params_new = params - alpha * m_new / (sqrt(v_new) + epsilon)      (epsilon outside the root)
    Returns (params_new, AdamState(m_new, v_new, t_new)); the inputs are not changed.
    """
    ### BEGIN SOLUTION
    t = state.t + 1
    m = state.m + (1 - beta_1) * (grads - state.m)
    v = state.v + (1 - beta_2) * (grads**2 - state.v)
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return params - alpha * m / (np.sqrt(v) + epsilon), AdamState(m=m, v=v, t=t)
    ### END SOLUTION


# %%
# Try it: two steps from the start with learning rate 0.1.
w, state = np.array([1.0, -2.0]), adam_init(np.zeros(2))
for _ in range(2):
    w, state = adam_step(w, np.array([0.5, 3.0]), state, learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-7)
    print(np.round(w, 4), "t =", state.t)
# expected: [ 0.9 -2.1] t = 1, then [ 0.8 -2.2] t = 2

# %% nbgrader={"grade": true, "grade_id": "adam_step_tests", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
"""Check adam_step against tf.keras.optimizers.Adam, step by step: parameters, m, v and t."""
checks.adam_step(adam_step)
### BEGIN HIDDEN TESTS
checks.adam_step(adam_step, seed=43, shapes=[(1,), (3, 3)],
                 hypers=[{"learning_rate": 0.1, "beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-4},
                         {"learning_rate": 0.001, "beta_1": 0.95, "beta_2": 0.9999, "epsilon": 1e-6}])
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "bias_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Notice the example: each parameter moved by exactly the learning rate, 0.1, although one gradient
# was six times the other. With a constant gradient the corrected $m/\sqrt{v}$ is $\pm 1$: Adam's
# steps have the size of the learning rate, whatever the scale of the gradient. That makes $\eta$
# easy to reason about — it is roughly how far a parameter moves per step.
#
# ## 3. Why the bias correction matters
#
# Below, a noisy gradient with mean 1 (spread 0.5) is fed to the two moving averages. Move $t$, and
# the betas: the uncorrected $m$ and especially $v$ start far below the truth; the corrected ones are
# right from the first step. With $\beta_2 = 0.999$, the uncorrected $v$ needs thousands of steps to
# catch up.

# %% tags=["skip-when-grading"]
widgets.bias_correction_explorer(beta_1=0.9, beta_2=0.999, t=10)

# %% [markdown] nbgrader={"grade": false, "grade_id": "bias_training_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# How much too large is an uncorrected step? Dropping both corrections multiplies the step by the
# factor $(1-\beta_1^t)/\sqrt{1-\beta_2^t}$.
# Computed below with Keras's default betas:

# %% tags=["skip-when-grading"]
steps = np.arange(1, 3001)
too_large = (1 - 0.9**steps) / np.sqrt(1 - 0.999**steps)    # uncorrected step ÷ corrected step
peak_step = steps[np.argmax(too_large)]
fig, ax = plt.subplots(figsize=(7, 3))
ax.semilogx(steps, too_large, color="#D55E00", label="uncorrected step ÷ corrected step")
ax.axhline(1, color="grey", linestyle=":", label="no harm")
ax.set(xlabel="step t (log scale)", ylabel="factor", title="How much too large Adam's steps are without bias correction")
ax.legend()
plt.show()
print(f"step 1: {too_large[0]:.1f}×; largest at step {peak_step}: {too_large.max():.1f}×; "
      f"step 300: {too_large[299]:.1f}×; step 3000: {too_large[2999]:.2f}×")

# %% [markdown] nbgrader={"grade": false, "grade_id": "bias_factor_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The factor is not "about 3" and then gone: it starts at 3.2, *rises* to 6.6 around step 12 (the
# first moment has caught up, the second has not), and is still 2.0 at step 300. With
# $\beta_2 = 0.999$ an uncorrected Adam runs at several times the learning rate you chose for
# hundreds of steps.
#
# What does that do to training? The same Keras model, trained from the same start by **your**
# `adam_step` twice: once as written, once from a state with a huge step counter ($t = 10^6$, so both
# $1 - \beta^t$ are 1: no correction).

# %% tags=["skip-when-grading"]
tf = keras_bridge.import_tensorflow()
data = datasets.regression_data(200, 10)
start = keras_bridge.small_regression_model(10, seed=3).get_weights()

def uncorrected_init(params):       # your Adam with the correction switched off
    return AdamState(m=np.zeros(np.shape(params)), v=np.zeros(np.shape(params)), t=10**6)

def train_from_start(init, learning_rate):
    """Batch losses of 3 epochs of your Adam from the shared start, and the final loss on all 200 rows."""
    model = keras_bridge.small_regression_model(10)
    model.set_weights(start)
    losses = keras_bridge.train_with_rule(model, data.X, data.y, adam_step, init, learning_rate=learning_rate,
                                          beta_1=0.9, beta_2=0.999, epsilon=1e-7, epochs=3)
    return losses, float(np.mean((model(data.X.astype(np.float32)).numpy().ravel() - data.y) ** 2))

curves, full_loss = {}, {}
for learning_rate in (0.01, 0.3):
    for label, init in [("with bias correction", adam_init), ("without", uncorrected_init)]:
        curves[label, learning_rate], full_loss[label, learning_rate] = train_from_start(init, learning_rate)

fig, ax = plt.subplots(figsize=(7, 3.3))
for label, color in zip(["with bias correction", "without"], ["#0072B2", "#D55E00"]):
    ax.plot(curves[label, 0.01], marker="o", markersize=3, color=color, label=label)
ax.set(xlabel="step", ylabel="batch loss (MSE)", title="Your Adam on a Keras model at η = 0.01, with and without bias correction")
ax.legend()
plt.show()
corrected, uncorrected = curves["with bias correction", 0.01], curves["without", 0.01]
print(f"η = 0.01, {len(corrected)} steps. With the correction: lowest batch loss {corrected.min():.2f}, "
      f"loss on all the data at the end {full_loss['with bias correction', 0.01]:.2f}. "
      f"Without: lowest batch loss {uncorrected.min():.2f} at step {np.argmin(uncorrected)}, "
      f"on all the data at the end {full_loss['without', 0.01]:.2f}")
print(f"η = 0.3: highest batch loss with the correction {curves['with bias correction', 0.3].max():.1f} "
      f"(step {np.argmax(curves['with bias correction', 0.3])}), without {curves['without', 0.3].max():.0f}; on all the data at the end "
      f"{full_loss['with bias correction', 0.3]:.2f} with, {full_loss['without', 0.3]:.2f} without")

# %% [markdown] nbgrader={"grade": false, "grade_id": "race_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# An honest reading of this one run: without the correction the loss falls *much faster* at first —
# by step 5 it is lower than the corrected run gets in all 21 steps — because its steps are several
# times larger than $\eta = 0.01$, which is a small rate for this model. Then it overshoots and
# bounces, and on all 200 rows it ends a little worse (0.32 against 0.28). At a large rate the same
# switch does real harm: at $\eta = 0.3$ the corrected run's highest batch loss is its first (step 0), 12.7,
# while the uncorrected one shoots up to 783 before it recovers, and it ends at 1.6 against 0.21 on all the data.
# So the correction is not a speed-up: it makes the
# step the size you asked for. Without it the effective rate is several times $\eta$ for hundreds
# of steps, which looks like a bonus when $\eta$ is too small and wrecks the start when $\eta$ is
# already large. It is one of the easiest lines to forget and one of the first
# things to check when an Adam implementation behaves oddly early in training.
#
# ## 4. The race: Adam, RMSprop and momentum
#
# **Your** Adam against the course's RMSprop ($\rho = \beta_2 = 0.999$) and momentum (momentum
# $= \beta_1$), all with the same learning rate. Try $\beta_1 = 0$: Adam loses its momentum part.
# Raise the learning rate: which one diverges first?

# %% tags=["skip-when-grading"]
widgets.adam_race_explorer(adam_step, adam_init, bowl, learning_rate=0.1, beta_1=0.9, num_steps=80)

# %% tags=["skip-when-grading"]
# The race measured: the loss after each of the 80 steps, from the slider's start.
from optcourse.lesson.optim import momentum_init

def race(step, init, **hyper):
    w = np.array(bowl.start, dtype=float)
    state, losses = init(w), [bowl.value(w)]
    for _ in range(80):
        w, state = step(w, bowl.gradient(w), state, **hyper)
        losses.append(bowl.value(w))
    return np.array(losses)

def steps_to_arrive(losses):          # first step with the loss below a thousandth of the start (nan: never)
    reached = np.flatnonzero(losses < 1e-3 * losses[0])
    return reached[0] if reached.size else np.nan

race_losses = {
    "Adam": race(adam_step, adam_init, learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-7),
    "RMSprop": race(reference.rmsprop_step, rmsprop_init, learning_rate=0.1, rho=0.999),
    "momentum": race(reference.momentum_step, momentum_init, learning_rate=0.1, momentum=0.9),
    "Adam at η = 0.3": race(adam_step, adam_init, learning_rate=0.3, beta_1=0.9, beta_2=0.999, epsilon=1e-7),
}
for name, losses in race_losses.items():
    print(f"{name:16s} loss after 80 steps {losses[-1]:.2e}; below a thousandth of the start from step {steps_to_arrive(losses)}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "relations_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# An honest result at $\eta = 0.1$: RMSprop first (its loss is below a thousandth of the start from
# step 10), momentum second (step 55), Adam last (not within the 80 steps). The reason is step
# size. Adam's steps are about $\eta$ long whatever the gradient, so from 9 units away it needs some
# 90 steps just to arrive — raise $\eta$ to 0.3 and it arrives at step 37. RMSprop, with no bias correction,
# starts with steps up to $\eta/\sqrt{1-\rho} \approx 32\,\eta$ at $\rho = 0.999$: wild early steps
# that happen to help on this smooth bowl and could wreck a real network's first updates. Momentum
# builds up speed along the flat direction. What the combination does with noisy gradients is
# measured in Module 7, on Module 6's regression with small batches: at a constant learning rate Adam,
# like the others, ends well above the best possible loss, by an amount set mostly by the rate. Near
# the minimum the *mean* gradient shrinks but each mini-batch gradient does not, and the normalised
# step $\hat m/\sqrt{\hat v}$ keeps its size; a decaying rate brings all of them close to the best loss. No optimizer wins everywhere.
#
# ### Relations
#
# * **Adam with $\beta_1 = 0$** has no momentum: $m = g$, and the step is
#   $\eta\sqrt{1-\beta_2^t}\, g/(\sqrt{v}+\epsilon)$ — RMSprop with $\rho = \beta_2$ and a bias
#   correction of its average. Measured with your function:

# %% tags=["skip-when-grading"]
rng = np.random.default_rng(0)
adam_state, rms_state = adam_init(np.zeros(2)), rmsprop_init(np.zeros(2))
for t in range(1, 1001):
    g = rng.normal(size=2)                    # the same gradients for both; steps taken from w = 0
    adam_move, adam_state = adam_step(np.zeros(2), g, adam_state, learning_rate=0.01, beta_1=0.0, beta_2=0.99, epsilon=1e-7)
    rms_move, rms_state = reference.rmsprop_step(np.zeros(2), g, rms_state, learning_rate=0.01, rho=0.99)
    if t in (1, 10, 100, 1000):
        print(f"t = {t:4d}: Adam(beta_1=0) step ÷ RMSprop(rho=0.99) step = {np.round(adam_move / rms_move, 3)};  "
              f"sqrt(1 - 0.99^t) = {np.sqrt(1 - 0.99**t):.3f}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "relations_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The ratio of the two steps is exactly Adam's correction of $v$, $\sqrt{1-\beta_2^t}$: RMSprop's
# early steps are too large (about $\eta/\sqrt{1-\rho}$), Adam's are not, and the two agree once
# $1 - \beta_2^t \approx 1$.
#
# * **AdamW** (`tf.keras.optimizers.AdamW(weight_decay=0.004)`): Adam plus *decoupled* weight decay —
#   each step also shrinks the weights by $\eta \cdot \text{weight\_decay} \cdot w$, separately from
#   the gradient, instead of adding an L2 term to the loss (which Adam's scaling would distort). You
#   write it in section 6.
# * **AMSGrad** (`Adam(amsgrad=True)`): divides by the largest $v$ seen so far instead of the current
#   $v$, so a stretch of small gradients cannot inflate the step — a fix for rare cases where Adam
#   fails to converge. (In Keras the factor $\alpha_t$ still changes with $t$, falling and then
#   rising towards $\eta$, so the step size is not simply non-increasing.)

# %% [markdown] nbgrader={"grade": false, "grade_id": "rotated_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Does Adam care which way the axes point?
#
# Module 4 turned the bowl by 45° (same curvatures, same $\kappa$, but the flat and steep directions
# along the diagonals instead of the axes) and found that AdaGrad's and RMSprop's per-coordinate
# steps lose most of their advantage, while gradient descent does not notice. Adam divides each
# coordinate by its own $\sqrt{v}$ just as RMSprop does, so it should pay too. Measured below:
# **your** Adam on both bowls, from Module 1's start (turned with the bowl), at 13 learning rates
# from 0.01 to 10; each run counts the steps until its loss is below a millionth of the start (as in
# Module 3), and each method is judged by its fewest. Gradient descent is the control: it cannot see
# the axes. Your Adam runs a second time with $\beta_1 = 0$, which is RMSprop with bias correction
# (above), to tell its two halves apart. (If your Adam does not pass its checks yet, the course's
# stands in for it, and the output says so.)

# %% tags=["skip-when-grading"]
turned = landscapes.rotated_bowl(degrees=45)
try:                              # an Adam that fails its checks would measure its own mistakes
    checks.adam_init(adam_init)
    checks.adam_step(adam_step)
    turn_step, turn_init, whose = adam_step, adam_init, "your Adam"
except AssertionError as problem:
    turn_step, turn_init, whose = reference.adam_step, reference.adam_init, "the course's Adam, standing in for yours"
    print(f"The course's reference Adam runs below, standing in for yours, which does not pass its checks yet: {problem}")

turn_rules = {"gradient descent": (reference.momentum_step, momentum_init, {"momentum": 0.0}),
              "Adam": (turn_step, turn_init, {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}),
              "Adam, β₁ = 0": (turn_step, turn_init, {"beta_1": 0.0, "beta_2": 0.999, "epsilon": 1e-7})}
turn_rates = np.geomspace(0.01, 10.0, 13)            # a quarter of a decade apart

def steps_to_a_millionth(rule, landscape, learning_rate, max_steps=200):
    """Steps until the loss is below a millionth of the start (nan: not within max_steps), and the path."""
    step, init, extra = turn_rules[rule]
    path, _ = widgets.run_rule(step, init, landscape.gradient, landscape.start, max_steps, learning_rate=learning_rate, **extra)
    with np.errstate(all="ignore"):
        losses = landscape.value(path)
        below = np.flatnonzero(losses < 1e-6 * losses[0])
    return (below[0] if below.size else np.nan), path

turn_counts, fewest, best_path = {}, {}, {}
for rule in turn_rules:
    for landscape, name in ((bowl, "axes"), (turned, "turned")):
        results = [steps_to_a_millionth(rule, landscape, rate) for rate in turn_rates]
        turn_counts[rule, name] = np.array([count for count, _ in results], dtype=float)
        best = np.nanargmin(turn_counts[rule, name])
        fewest[rule, name], best_path[rule, name] = int(turn_counts[rule, name][best]), results[best][1]
        print(f"{rule:16s} {name:6s}: fewest steps to a millionth {fewest[rule, name]:3d}, at η = {turn_rates[best]:.2g}")

def pace(path, first=100, last=200):
    """Factor by which the distance to the minimum shrinks per step, from the peaks of steps first… and …last."""
    distance = np.linalg.norm(path, axis=1)
    return (distance[last - 20:last].max() / distance[first:first + 20].max()) ** (1 / (last - 20 - first))

adam_pace = {name: pace(best_path["Adam", name]) for name in ("axes", "turned")}
print(f"Adam's fastest runs, steps 100 to 200: distance to the minimum × {adam_pace['axes']:.3f} per step along the axes, "
      f"× {adam_pace['turned']:.3f} turned; √β₁ = {np.sqrt(0.9):.3f}")

fig, ax = plt.subplots(figsize=(8.5, 3.4))
for rule, color in zip(turn_rules, ["0.4", "#0072B2", "#D55E00"]):
    ax.semilogx(turn_rates, turn_counts[rule, "axes"], marker="o", color=color, label=f"{rule}, along the axes")
    ax.semilogx(turn_rates, turn_counts[rule, "turned"], marker="s", linestyle="--", color=color, label=f"{rule}, turned 45°")
ax.set(xlabel="learning rate η (log scale; no point: not within 200 steps)", ylabel="steps to a millionth of the loss",
       title=f"The bowl along the axes and turned by 45°: {whose}")
ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
plt.tight_layout()
plt.show()

# %% [markdown] nbgrader={"grade": false, "grade_id": "rotated_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Gradient descent needs 101 steps on both bowls: the control does not move. Adam with
# $\beta_1 = 0$ pays for the turn as RMSprop did in Module 4: 29 steps along the axes, 76 turned,
# 2.6 times as many. Your full Adam pays far less. Its fewest steps go from 86 to 99, and at all but
# one of the rates at which it arrives its two curves lie within a quarter of each other; only at the
# smallest rate at which it arrives on both bowls does the turn cost it many steps (88 against 166
# at η = 0.18).
#
# Its division by $\sqrt{v}$ is no less tied to the axes: the $\beta_1 = 0$ runs are that division
# alone. What differs is what sets the pace. With $\beta_1 = 0.9$ Adam is momentum with a learning
# rate per coordinate (one that changes only slowly), and its fastest runs swing across the minimum
# like Module 3's oscillating runs. A swinging heavy ball shrinks its distance to the minimum by
# $\sqrt{\mu}$ per step, whatever the curvature, as long as it swings (the two roots of its update are
# then complex, with product $\mu$). Measured: from step 100 to 200 Adam's fastest runs shrink it by
# 0.949 per step along the axes and by 0.949 turned, which is $\sqrt{\beta_1}$. A pace set by
# $\beta_1$ does not depend on how well each coordinate's step fits its curvature, so the turn has
# little to take away — and for the same reason the per-coordinate steps won Adam little here: at its
# best it needs about as many steps as gradient descent. On this bowl Adam's momentum hides its
# dependence on the axes; it does not remove it.

# %% [markdown] nbgrader={"grade": false, "grade_id": "keras_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 5. The Keras way
#
# `tf.keras.optimizers.Adam()` (defaults 0.001, 0.9, 0.999, 1e-7) or the string `"adam"`. Below,
# **your** `adam_step` trains a small Keras network through a `tf.GradientTape` loop (one
# `AdamState` per weight array), next to the built-in Adam from the same weights on the same batches.

# %% tags=["skip-when-grading"]
yours = keras_bridge.small_regression_model(10)
theirs = keras_bridge.small_regression_model(10)
yours.set_weights(start)
theirs.set_weights(start)
your_losses = keras_bridge.train_with_rule(yours, data.X, data.y, adam_step, adam_init, learning_rate=0.01,
                                           beta_1=0.9, beta_2=0.999, epsilon=1e-7, epochs=3)
keras_losses = keras_bridge.train_with_keras_optimizer(theirs, data.X, data.y, tf.keras.optimizers.Adam(learning_rate=0.01), epochs=3)
print(f"{len(your_losses)} steps; largest difference in batch loss {np.abs(your_losses - keras_losses).max():.1e} "
      f"on losses from {keras_losses.min():.2f} to {keras_losses.max():.2f} (float32 rounding)")

fig, ax = plt.subplots(figsize=(7, 3.3))
ax.plot(keras_losses, color="#0072B2", linewidth=4, alpha=0.5, label="tf.keras.optimizers.Adam")
ax.plot(your_losses, color="#E69F00", linestyle="--", label="your adam_step")
ax.set(xlabel="step", ylabel="batch loss (MSE)", title="A Keras model trained by Keras's Adam and by yours")
ax.legend()
plt.show()

# %% [markdown] nbgrader={"grade": false, "grade_id": "adamw_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 6. AdamW: weight decay, decoupled
#
# **Weight decay** keeps a network's weights small by pulling each one a little towards zero at every
# step — a regulariser used in almost every large training run. There are two ways to write it, and
# with Adam they are not the same thing:
#
# * **An L2 penalty.** Add $\frac{\lambda}{2}\lVert w\rVert^2$ to the loss. Its gradient $\lambda w$
#   joins the gradient, $g \leftarrow g + \lambda w$. For plain SGD that is exactly "shrink every
#   weight by $\eta\lambda w$ per step". For Adam it is not: the pull $\lambda w$ goes into $m$ and
#   $v$, and is divided by $\sqrt{v} + \epsilon$ like the rest of the gradient.
# * **Decoupled weight decay** (Loshchilov and Hutter's AdamW): shrink the weights directly, outside
#   Adam's arithmetic, then take the ordinary Adam step from the shrunk weights:
#
# $$
# \begin{aligned}
# w &\leftarrow w - \eta\,\lambda\,w \\
# (w, m, v, t) &\leftarrow \text{one Adam step from that } w \text{ (Exercise 2), with the gradient } g \text{ unchanged}
# \end{aligned}
# $$
#
# That is `tf.keras.optimizers.AdamW(weight_decay=0.004)`, with $\lambda$ = `weight_decay` (Keras's
# default 0.004). Every Keras 3 optimizer accepts `weight_decay=` and applies it this decoupled way,
# just before its own update.
#
# ## Exercise 3 — AdamW (3 points)
#
# Write `adamw_step`: Adam's arguments plus `weight_decay`. Decay needs no memory, so the state is
# Adam's `AdamState`; build on your `adam_step`. It is compared with `tf.keras.optimizers.AdamW`
# after every step — parameters, `m`, `v` and `t` — as in Exercise 2, with a large weight decay and
# with Keras's default.
# (Keras rounds `weight_decay` to float32 before using it; at the check's tolerance that changes nothing.)

# %% nbgrader={"grade": false, "grade_id": "adamw_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def adamw_step(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon, weight_decay):
    """One AdamW step, as tf.keras.optimizers.AdamW takes it: decoupled weight decay, then Adam.

    w_decayed = w - learning_rate * weight_decay * w   (on the weights only: the decay never touches m or v)
    then one Keras-form Adam step from `decayed` with the unchanged grads (epsilon outside the root,
    t = 1 on the first step). Returns (params_new, AdamState(m_new, v_new, t_new)); inputs unchanged.
    """
    ### BEGIN SOLUTION
    decayed = params - learning_rate * weight_decay * params
    return adam_step(decayed, grads, state, learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    ### END SOLUTION


# %%
# Try it: one step from the start, learning rate 0.1, weight decay 0.5.
w_decayed, state_decayed = adamw_step(np.array([1.0, -2.0]), np.array([0.5, 3.0]), adam_init(np.zeros(2)), learning_rate=0.1,
                                      beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=0.5)
print(np.round(w_decayed, 4), "t =", state_decayed.t)
# expected: [ 0.85 -2.  ] t = 1   (shrunk by 0.1 × 0.5 = 5% to [0.95, -1.9], then Adam's step of 0.1 each)

# %% nbgrader={"grade": true, "grade_id": "adamw_step_tests", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
"""Check adamw_step against tf.keras.optimizers.AdamW, step by step: parameters, m, v and t."""
checks.adamw_step(adamw_step)
### BEGIN HIDDEN TESTS
checks.adamw_step(adamw_step, seed=11, shapes=[(4,), (2, 3)],
                  hypers=[{"learning_rate": 0.2, "beta_1": 0.6, "beta_2": 0.99, "epsilon": 1e-5, "weight_decay": 0.25},
                          {"learning_rate": 0.002, "beta_1": 0.85, "beta_2": 0.995, "epsilon": 1e-6, "weight_decay": 2.0}])
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "adamw_experiment_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Experiment: AdamW against Adam + L2
#
# The network of section 5, from the same start, trained three times for 15 epochs: by your Adam
# (your `adamw_step` with `weight_decay=0`), by **Adam + L2** (the penalty's gradient
# $\lambda w$ added to the gradient, then your `adam_step`) and by your **AdamW**, both with Keras's
# default $\lambda$. Per step, AdamW shrinks every weight by the same fraction, $\eta\lambda$. In
# Adam + L2 the pull $\lambda w$ is multiplied by $\alpha_t$ and divided by $\sqrt{v} + \epsilon$: the
# histogram shows, from the run's own $v$, how hard that pulls each weight compared with AdamW.

# %% tags=["skip-when-grading"]
from optcourse.constants import ADAMW_WEIGHT_DECAY as weight_decay      # Keras's default

def adam_with_l2(params, grads, state, *, weight_decay, **adam_hyper):
    """Adam + L2: the penalty's gradient, weight_decay · w, added to the gradient, then your Adam."""
    return adam_step(params, grads + weight_decay * params, state, **adam_hyper)

weights_after, last_v = {}, {}
for label, rule, decay in [("Adam", adamw_step, 0.0), ("Adam + L2", adam_with_l2, weight_decay), ("AdamW", adamw_step, weight_decay)]:
    states = []
    def recording(params, grads, state, **hyper):       # your rule, keeping the states it returns
        new_params, new_state = rule(params, grads, state, **hyper)
        states.append(new_state)
        return new_params, new_state
    model = keras_bridge.small_regression_model(10)
    model.set_weights(start)
    keras_bridge.train_with_rule(model, data.X, data.y, recording, adam_init, learning_rate=0.01, beta_1=0.9,
                                 beta_2=0.999, epsilon=1e-7, weight_decay=decay, epochs=15)
    weights_after[label] = np.concatenate([w.ravel() for w in model.get_weights()])
    last_v[label] = np.concatenate([s.v.ravel() for s in states[-len(start):]])

t = states[-1].t
alpha = 0.01 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
pull = alpha / (np.sqrt(last_v["Adam + L2"]) + 1e-7) / 0.01     # Adam + L2's pull ÷ AdamW's, weight by weight
norms = {label: np.linalg.norm(w) for label, w in weights_after.items()}
start_norm = np.linalg.norm(np.concatenate([w.ravel() for w in start]))

fig, ax = plt.subplots(figsize=(7, 3.3))
ax.hist(np.log10(pull), bins=30, color="#0072B2", label="Adam + L2 (one count per weight)")
ax.axvline(0, color="#D55E00", linewidth=3, label="AdamW (every weight)")
ax.set(xlabel="pull of the decay ÷ AdamW's (log10: 1 means 10×)", ylabel="weights",
       title=f"How hard weight decay pulls each weight, after {t} steps")
ax.legend()
plt.show()
print(f"after {t} steps, Adam + L2 pulls its weights {pull.min():.2g}× to {pull.max():.2g}× as hard as AdamW "
      f"(median {np.median(pull):.0f}×; less hard for {np.mean(pull < 1):.0%} of them)")
print(f"norm of all the weights: start {start_norm:.2f}; " + "; ".join(f"{label} {norm:.2f}" for label, norm in norms.items()))

# %% [markdown] nbgrader={"grade": false, "grade_id": "adamw_reading", "locked": true, "schema_version": 3, "solution": false, "task": false}
# What the run shows. With the same $\lambda$, Adam + L2 pulls a typical weight 11 times as hard
# as AdamW (the median), and the weights whose gradients are smallest more than 1000 times as hard:
# dividing by $\sqrt{v}$ turns a gentle pull into a full-size Adam step wherever the data's gradient
# is weak. Only a few weights, those with the largest gradients, are pulled less hard than by AdamW.
# So the two are different regularisers, and it shows in the result: the norm of all the weights
# went from 3.83 to 4.24 without decay, to 4.23 with AdamW and to 3.56 with Adam + L2.
# AdamW's pull of $\eta\lambda = 4\times10^{-5}$ of each weight per step is small at Keras's
# default — it adds up over long training runs, the setting it was designed for. With AdamW the
# strength of the decay is what you set, the same for every weight; with Adam + L2 it depends on
# each weight's gradient history. Loshchilov and Hutter, who proposed AdamW, also found its best
# decay much less tied to the learning rate — but in their formulation the decay is not multiplied by
# the learning rate. Keras (like PyTorch) multiplies it: the pull per step is `learning_rate × weight_decay`,
# so when you change the learning rate, retune `weight_decay` too.

# %% [markdown] nbgrader={"grade": false, "grade_id": "takeaways", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Key takeaways
#
# * Adam = momentum's first moment $m$ (direction) + RMSprop's second moment $v$ (per-parameter
#   size), with bias correction for their zero start.
# * Keras form: $t$ is 1 on the first step; $\alpha_t = \eta\sqrt{1-\beta_2^t}/(1-\beta_1^t)$;
#   $w \leftarrow w - \alpha_t\, m/(\sqrt{v} + \epsilon)$. Defaults 0.001, 0.9, 0.999, 1e-7.
# * The paper's Algorithm 1 puts $\epsilon$ after correcting $v$; the results differ only slightly,
#   except for tiny gradients or a large $\epsilon$.
# * Without bias correction the steps are too large by $(1-\beta_1^t)/\sqrt{1-\beta_2^t}$: 3.2× at
#   step 1, 6.6× around step 12, still 2.0× at step 300. Forgetting it silently changes the learning rate.
# * A step of Adam is roughly $\eta$ in size whatever the gradient's scale. $\beta_1 = 0$ gives
#   RMSprop with bias correction. AMSGrad keeps the largest $v$.
# * Adam divides each coordinate by its own $\sqrt{v}$, so like RMSprop it depends on the axes: on the
#   bowl turned by 45° your Adam with $\beta_1 = 0$ needed 2.6 times the steps. With $\beta_1 = 0.9$ its
#   pace on the bowl was set by momentum ($\sqrt{\beta_1}$ per step), and the turn cost it little.
# * AdamW shrinks the weights by $\eta\lambda w$ before the Adam step, the same fraction for every
#   weight. Adam + L2 feeds $\lambda w$ through Adam's division by $\sqrt{v}$, so weights with small
#   gradients are pulled far harder than others: at the same `weight_decay` they are different regularisers.

# %% [markdown] include="quiz_intro" nbgrader={"grade": false, "grade_id": "quiz_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# *(Shared text: `make release` puts solutions/_shared/quiz_intro.md here; edit it there.)*

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_adam_q1_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 1.** *Revisit your prediction.* In section 2 you predicted whether Adam combines ideas from other
# optimizers. Which two does it combine, and which part of its update comes from which?
#
# * (a) AdaGrad's accumulator and plain SGD's step, with a correction for the first steps
# * (b) momentum (its first moment $m$) and RMSprop (its second moment $v$)
# * (c) Nesterov's look-ahead and RMSprop's average, recomputed at every epoch
# * (d) none: Adam is a second-order method that estimates the Hessian from the gradients

# %% nbgrader={"grade": false, "grade_id": "answer_adam_q1", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "Which optimizers keep an average of gradients, and of squared gradients?"}
# Your answer to question 1, e.g. answer_adam_q1 = "a"
### BEGIN SOLUTION
answer_adam_q1 = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_adam_q1_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 1."""
quiz.check("adam_q1", answer_adam_q1)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_adam_q2_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 2.** Two parameters get constant gradients, 0.001 for one and 1000 for the other, at every step. After
# a few hundred steps of Adam (default betas, $\epsilon$ negligible), how do their steps compare?
#
# * (a) both move about $\eta$ per step: Adam's step does not scale with the gradient
# * (b) the second moves $10^6$ times further, as it would with plain SGD
# * (c) the second moves $\sqrt{10^6} = 1000$ times further, since $v$ is under a square root
# * (d) the first moves further, because it is divided by a smaller $\sqrt{v}$

# %% nbgrader={"grade": false, "grade_id": "answer_adam_q2", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "With a constant gradient g, m\u0302 tends to g and \u221av\u0302 to |g|: what is their ratio, and what does it not depend on?"}
# Your answer to question 2, e.g. answer_adam_q2 = "b"
### BEGIN SOLUTION
answer_adam_q2 = "a"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_adam_q2_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 2."""
quiz.check("adam_q2", answer_adam_q2)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_adam_q3_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 3.** On the very first step ($t = 1$) with $\beta_1 = 0.9$, by what number must the first moment $m$ be
# divided to remove its bias? Give a number.

# %% nbgrader={"grade": false, "grade_id": "answer_adam_q3", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "The correction divides by 1 \u2212 \u03b2\u2081\u1d57."}
# Your answer to question 3, e.g. answer_adam_q3 = 0.5
### BEGIN SOLUTION
answer_adam_q3 = 0.1
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_adam_q3_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 3."""
quiz.check("adam_q3", answer_adam_q3)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_adam_q4_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 4.** *Read the figure.* The cell below plots how many times too large Adam's step is when the bias
# correction is left out (default betas, constant gradient). What does the figure show?
#
# * (a) about 3× too large at step 1, and back to 1× within ten steps
# * (b) too small, not too large: about 0.3× at step 1, as $m$ starts at zero
# * (c) 1× from the start: the correction only matters when $\beta_2$ is small, not at 0.999
# * (d) about 3× at step 1, rising to about 6.6× near step 12, still 2× at step 300

# %% tags=["skip-when-grading"]
# How much too large Adam's step is without bias correction, with the default betas and a constant
# gradient: the uncorrected m / sqrt(v) divided by the corrected m̂ / sqrt(v̂) is (1 − β₁ᵗ) / sqrt(1 − β₂ᵗ).
import matplotlib.pyplot as plt
import numpy as np

quiz_steps = np.arange(1, 301)
quiz_too_large = (1 - 0.9**quiz_steps) / np.sqrt(1 - 0.999**quiz_steps)
fig, ax = plt.subplots(figsize=(6.5, 3.5))
ax.plot(quiz_steps, quiz_too_large, color="tab:blue")
ax.axhline(1, color="gray", linestyle=":")
ax.set(xlabel="step t", ylabel="uncorrected step ÷ corrected step", ylim=(0, 7.5),
       title="Adam without bias correction (β₁ = 0.9, β₂ = 0.999)")
ax.grid(alpha=0.3)
plt.show()

# %% nbgrader={"grade": false, "grade_id": "answer_adam_q4", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "Read the curve at step 1, at its highest point, and at the right-hand end."}
# Your answer to question 4, e.g. answer_adam_q4 = "a"
### BEGIN SOLUTION
answer_adam_q4 = "d"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_adam_q4_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 4."""
quiz.check("adam_q4", answer_adam_q4)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_explain_adam_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 5 — explain why (1 point, marked by your instructor).** Why does Adam move each parameter by roughly the learning rate per step, whatever the size of its
# gradient, and when does that stop being true?
#
# Write two to four sentences in the cell below (double-click it to edit).

# %% [markdown] nbgrader={"grade": true, "grade_id": "quiz_explain_adam", "locked": false, "points": 1, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# **Model answer.** Adam divides the averaged gradient $\hat m$ by $\sqrt{\hat v}$, the root of the averaged *squared*
# gradient. Both scale with the gradient, so their ratio does not: multiplying every gradient by 1000
# multiplies $\hat m$ and $\sqrt{\hat v}$ by 1000 and leaves the step unchanged. When the gradient keeps
# its sign the ratio is about 1, so the step is about $\eta$; when the gradients are noisy or change sign,
# $|\hat m|$ is smaller than $\sqrt{\hat v}$ and the step is shorter. It stops holding when the
# gradients are as small as $\epsilon$ (then $\epsilon$ dominates the denominator and the step shrinks with the gradient).
#
# **Rubric (1 point).** 1 point: $\hat m / \sqrt{\hat v}$ is unchanged when the gradient is scaled (both scale alike) **and**
# one limit: tiny gradients comparable to $\epsilon$, or noisy / sign-changing gradients giving shorter
# steps. ½ point: the scale invariance alone. 0: "Adam normalises the learning rate" with no reason.
# ### END SOLUTION
