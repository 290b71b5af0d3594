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
# # Module 3 — Momentum and Nesterov
#
# **The question of this module:** on Module 1's badly scaled bowl, gradient descent crawled along
# the flat direction while bouncing across the steep one. What if the optimizer *remembered* where
# it had been going?
#
# You will write momentum and Nesterov's variant in exactly the form Keras runs — your functions are
# checked against `tf.keras.optimizers.SGD` step by step — race them against plain SGD, map which
# (learning rate, momentum) pairs converge, oscillate or diverge and how fast, and train a real Keras
# model with your own momentum.

# %% [markdown] include="notation" nbgrader={"grade": false, "grade_id": "notation", "locked": true, "schema_version": 3, "solution": false, "task": false}
# *(Shared text: `make release` puts solutions/_shared/notation.md here; edit it there.)*

# %%
import matplotlib.pyplot as plt
import numpy as np

from optcourse.lesson import datasets, keras_bridge, landscapes
from optcourse.demos import plots, runs, widgets
from optcourse.grading import checks, quiz
from optcourse.lesson.optim import MomentumState, momentum_init

bowl = landscapes.scaled_bowl()       # f(x, y) = 0.1 x² + 2 y², as in Module 1


# %% [markdown] nbgrader={"grade": false, "grade_id": "idea", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 1. A ball with memory
#
# Picture a heavy ball rolling over the loss surface instead of a walker who forgets each step. It
# keeps its **velocity**: where the slope points the same way step after step it speeds up. Across
# a ravine, where the slope flips sign, it does not simply calm down — it swings, as a heavy ball
# would — but it stays stable at learning rates where plain descent would already fly off (section 4
# measures both). On flat stretches and shallow dips it keeps rolling.
#
# Keras writes momentum with a velocity $m$ that already includes the learning rate:
#
# $$
# m \leftarrow \mu\, m - \eta\, g, \qquad w \leftarrow w + m ,
# $$
#
# with momentum $\mu \in [0, 1)$, typically 0.9, and $m = 0$ at the start. Unrolled, the step is
# $-\eta \sum_k \mu^{k} g_{t-k}$: a decaying sum of past gradients. For a gradient that stays
# constant the steps grow towards $\eta g / (1 - \mu)$ — ten times plain SGD's step when $\mu = 0.9$.
# With $\mu = 0$ it is plain SGD.
#
# **Another form you will meet.** PyTorch stores $v \leftarrow \mu v + g$ and steps
# $w \leftarrow w - \eta v$ (optionally with a *dampening* factor on $g$). While the learning rate
# is constant the two take identical steps, with $m = -\eta v$; they part ways when the learning
# rate changes during training, because Keras's velocity carries the old rate inside it. This course
# keeps Keras's state so that your velocity can be compared with Keras's, number for number.
#
# **Nesterov's variant** looks ahead: it steps as if the velocity were applied once more, using the
# freshly updated $m$ (Keras form):
#
# $$
# m \leftarrow \mu\, m - \eta\, g, \qquad w \leftarrow w + \mu\, m - \eta\, g .
# $$
#
# Both keep their memory in `MomentumState(velocity=…)`, which starts at zero
# (`momentum_init(params)`).

# %% [markdown] nbgrader={"grade": false, "grade_id": "predict_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 2. Predict first
#
# > **On the badly scaled bowl, with the same learning rate, will momentum reach the minimum faster
# > than plain SGD, slower, or zig-zag even more?**
#
# Write your answer below, then find out in section 3.

# %% [markdown]
# *My prediction:* (double-click to edit)

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex1_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 1 — the momentum step (3 points)
#
# Write `momentum_step` in the Keras form above. It returns the new parameters and a **new**
# `MomentumState` holding the new velocity; it changes none of its inputs. Your step is run on fixed
# gradient sequences — from a zero velocity, as Keras starts, and from a non-zero one — and compared,
# after every step, with `tf.keras.optimizers.SGD(momentum=…)` — parameters and velocity — at
# `rtol=1e-5, atol=1e-6`. The state you return is fed back as it is, so keep the velocity a numpy
# array inside `MomentumState`.

# %% nbgrader={"grade": false, "grade_id": "momentum_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def momentum_step(params, grads, state, *, learning_rate, momentum):
    """One step of SGD with momentum, Keras form.

    velocity_new = momentum * velocity - learning_rate * grads   (the velocity includes the learning rate)
    params_new   = params + velocity_new
    Returns (params_new, MomentumState(velocity_new)); the inputs are not changed.
    """
    ### BEGIN SOLUTION
    velocity = momentum * state.velocity - learning_rate * grads
    return params + velocity, MomentumState(velocity=velocity)
    ### END SOLUTION


# %%
# Try it: one step from velocity (0.2, 0).
new_params, new_state = momentum_step(np.array([1.0, -2.0]), np.array([0.5, 1.0]), MomentumState(np.array([0.2, 0.0])),
                                      learning_rate=0.1, momentum=0.9)
print(new_params, new_state.velocity)     # expected: [ 1.13 -2.1 ] [ 0.13 -0.1 ]

# %% nbgrader={"grade": true, "grade_id": "momentum_step_tests", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
"""Check momentum_step against tf.keras.optimizers.SGD(momentum=...), step by step, parameters and velocity."""
checks.momentum_step(momentum_step)
### BEGIN HIDDEN TESTS
checks.momentum_step(momentum_step, seed=31, shapes=[(1,), (3, 3), (7,)], rates=[0.3, 0.01, 1.0], momenta=[0.0, 0.95, 0.5])
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex2_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 2 — the Nesterov step (3 points)
#
# Write `nesterov_step` in the Keras form: update the velocity exactly as before, then move by
# $\mu\, m_{\text{new}} - \eta\, g$. It is checked against
# `tf.keras.optimizers.SGD(momentum=…, nesterov=True)` in the same way.

# %% nbgrader={"grade": false, "grade_id": "nesterov_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def nesterov_step(params, grads, state, *, learning_rate, momentum):
    """One step of SGD with Nesterov momentum, Keras form.

    velocity_new = momentum * velocity - learning_rate * grads
    params_new   = params + momentum * velocity_new - learning_rate * grads
    Returns (params_new, MomentumState(velocity_new)); the inputs are not changed.
    """
    ### BEGIN SOLUTION
    velocity = momentum * state.velocity - learning_rate * grads
    return params + momentum * velocity - learning_rate * grads, MomentumState(velocity=velocity)
    ### END SOLUTION


# %%
# Try it: the same step as above, Nesterov style.
new_params, new_state = nesterov_step(np.array([1.0, -2.0]), np.array([0.5, 1.0]), MomentumState(np.array([0.2, 0.0])),
                                      learning_rate=0.1, momentum=0.9)
print(new_params, new_state.velocity)     # expected: [ 1.067 -2.19 ] [ 0.13 -0.1 ]

# %% nbgrader={"grade": true, "grade_id": "nesterov_step_tests", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
"""Check nesterov_step against tf.keras.optimizers.SGD(momentum=..., nesterov=True), step by step."""
checks.nesterov_step(nesterov_step)
### BEGIN HIDDEN TESTS
checks.nesterov_step(nesterov_step, seed=32, shapes=[(1,), (3, 3), (7,)], rates=[0.3, 0.01, 1.0], momenta=[0.0, 0.95, 0.5])
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "race_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 3. The ravine race
#
# Below, **your** `momentum_step` runs three ways on the bowl from the same start: with momentum 0
# (that is plain SGD), with the momentum on the slider, and — your `nesterov_step` — with Nesterov's
# look-ahead. Start at learning rate 0.05 and momentum 0.9. Then:
#
# 1. Set momentum to 0: all three paths should coincide. Why?
# 2. Find a learning rate at which SGD zig-zags across the ravine: what does momentum do there?
# 3. Push the learning rate up until momentum diverges. Is its limit higher or lower than SGD's?

# %% tags=["skip-when-grading"]
widgets.momentum_explorer(momentum_step, bowl, nesterov_step=nesterov_step, learning_rate=0.05, momentum=0.9, num_steps=60)

# %% tags=["skip-when-grading"]
# The slider's starting point, measured over a longer run: steps until the loss is below a thousandth
# of its start, how far past the minimum (x = 0) each path swings, and how often the steep
# coordinate y changes sign on the way.
def bowl_path(step, momentum, num_steps=1000):
    w = np.array(bowl.start, dtype=float)
    state, path = momentum_init(w), [w]
    for _ in range(num_steps):
        w, state = step(w, bowl.gradient(w), state, learning_rate=0.05, momentum=momentum)
        path.append(w)
    return np.array(path)

arrival, overshoot, y_crossings = {}, {}, {}
for name, step, momentum in [("SGD", momentum_step, 0.0), ("momentum 0.9", momentum_step, 0.9), ("Nesterov 0.9", nesterov_step, 0.9)]:
    path = bowl_path(step, momentum)
    losses = bowl.value(path)
    arrival[name] = np.flatnonzero(losses < 1e-3 * losses[0])[0]
    overshoot[name] = path[:, 0].max()
    y_crossings[name] = int(np.sum(np.diff(np.sign(path[: arrival[name] + 1, 1])) != 0))
    print(f"{name:13s} loss below a thousandth of the start after {arrival[name]:4d} steps; swings up to x = {overshoot[name]:.2f}; "
          f"y changes sign {y_crossings[name]} times on the way")

# %% [markdown] nbgrader={"grade": false, "grade_id": "stability_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Along the flat $x$ direction every gradient points the same way, so the velocity builds up and
# momentum covers in tens of steps what SGD needs hundreds for (56 against 310 here). Across the steep $y$ direction
# momentum does **not** remove a zig-zag — here it makes one: at this rate plain SGD's $y$ shrinks
# by the factor $1 - \eta a = 0.8$ each step and never changes sign (0 crossings), while momentum's
# $y$ crosses zero 8 times in those 56 steps, its swings shrinking only by about $\sqrt{\mu} \approx 0.95$ per step.
# (A popular picture says that alternating gradients "cancel in the velocity" and calm the swings; this
# run shows otherwise.) What momentum buys across the ravine is **stability**: the steep direction
# stays bounded up to $\eta a < 2(1+\mu)$ instead of $\eta a < 2$ (section 4), so a rate that is fast along the
# flat direction is still safe across the steep one. Too much momentum, and the ball overshoots along
# $x$ too (momentum's path swings out to $x = 1.38$ beyond the
# minimum at 0). Nesterov's look-ahead corrects a little sooner, so its swings are smaller (to
# $x = 1.08$) and it arrives after 23 steps.
#
# ## 4. Where momentum converges: a stability map
#
# On the 1-D parabola $f(w) = a w^2 / 2$ we can try every pair (learning rate, momentum). Each
# square below is one run of **your** `momentum_step` from $w = 1$: green if it slid smoothly to the
# minimum, orange if it got there swinging back and forth across it, red if it diverged. The black
# lines are what algebra predicts for the Keras rule (from the eigenvalues of the two-variable
# update of $w$ and $m$): oscillation begins at $\eta a = (1 - \sqrt{\mu})^2$ and divergence at
# $\eta a = 2(1 + \mu)$.

# %% tags=["skip-when-grading"]
learning_rates = np.geomspace(0.01, 5.0, 36)
momenta = np.linspace(0.0, 0.98, 26)
grid = runs.stability_grid(momentum_step, curvature=1.0, learning_rates=learning_rates, momenta=momenta)

fig, ax = plt.subplots(figsize=(7.5, 4.5))
plots.plot_stability_map(ax, grid, learning_rates, momenta, curvature=1.0)
plt.show()
share = {name: np.mean(grid == code) for name, code in [("smooth", runs.SMOOTH), ("oscillating", runs.OSCILLATING), ("diverged", runs.DIVERGED)]}
print({name: f"{value:.0%}" for name, value in share.items()})

# %% [markdown] nbgrader={"grade": false, "grade_id": "stability_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Two lessons in one picture. Momentum **raises the divergence limit** from $\eta a < 2$ (plain
# gradient descent, the bottom edge) to almost $\eta a < 4$ as $\mu \to 1$. But the price is that
# almost every (η, μ) pair with a large momentum **oscillates**: momentum trades a smooth approach
# for speed, and the learning rate and momentum must be tuned together.

# %% [markdown] nbgrader={"grade": false, "grade_id": "rate_map_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### How fast, not only whether: a convergence-rate map
#
# Converging is not the same as converging fast. On Module 1's bowl (curvatures $a_{\min} = 0.2$,
# $a_{\max} = 4$, condition number $\kappa = 20$) every run below starts at 1 in both directions, at
# rest, and we measure its **contraction per step**: the factor by which the whole state (parameters
# and velocity) shrinks per step once the start-up has passed (`runs.momentum_rate_map`, the Keras rule
# you wrote, run for every pair at once). Lower is faster; grey diverged. Theory (Polyak's heavy ball)
# puts the best pair at
#
# $$
# \eta^* = \frac{4}{(\sqrt{a_{\max}} + \sqrt{a_{\min}})^2}, \qquad
# \mu^* = \left(\frac{\sqrt{\kappa} - 1}{\sqrt{\kappa} + 1}\right)^2,
# \qquad \text{contraction } \sqrt{\mu^*} = \frac{\sqrt{\kappa} - 1}{\sqrt{\kappa} + 1},
# $$
#
# against $(\kappa - 1)/(\kappa + 1)$ for the best plain gradient descent (Module 1): $\sqrt{\kappa}$
# where gradient descent has $\kappa$.

# %% tags=["skip-when-grading"]
a_min, a_max = 0.2, 4.0                                   # the bowl's curvatures, 2 × 0.1 and 2 × 2
kappa = a_max / a_min
best_eta = 4 / (np.sqrt(a_max) + np.sqrt(a_min)) ** 2              # the theory's best pair
best_mu = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
map_rates = np.sort(np.append(np.geomspace(0.02, 2.0, 64), [best_eta, 2 / (a_min + a_max)]))   # a grid with both marks on it
map_momenta = np.sort(np.append(np.linspace(0.0, 0.95, 48), best_mu))
contraction = runs.momentum_rate_map([a_min, a_max], map_rates, map_momenta)
best_row, best_column = np.unravel_index(np.nanargmin(contraction), contraction.shape)
fastest = {"contraction": contraction[best_row, best_column], "eta": map_rates[best_column], "mu": map_momenta[best_row]}
gd_fastest = np.nanmin(contraction[0])                     # the μ = 0 row: plain gradient descent
print(f"theory: η* = {best_eta:.3f}, μ* = {best_mu:.3f}, contraction {np.sqrt(best_mu):.3f}; "
      f"best plain gradient descent {(kappa - 1) / (kappa + 1):.3f}")
print(f"measured: fastest at η = {fastest['eta']:.3f}, μ = {fastest['mu']:.3f}, contraction {fastest['contraction']:.3f}; "
      f"best with μ = 0: {gd_fastest:.3f}")
speedup = np.log(fastest["contraction"]) / np.log(gd_fastest)          # how many times fewer steps for the same shrinking
print(f"steps for the same shrinking: {speedup:.2f} times fewer with momentum; √κ = {np.sqrt(kappa):.2f}")

def steps_to_a_millionth(learning_rate, momentum, max_steps=2000):
    w = np.array(bowl.start, dtype=float)
    state, start_loss = momentum_init(w), bowl.value(w)
    for count in range(1, max_steps + 1):
        w, state = momentum_step(w, bowl.gradient(w), state, learning_rate=learning_rate, momentum=momentum)
        if bowl.value(w) < 1e-6 * start_loss:
            return count
    return None

counted = {"gradient descent": steps_to_a_millionth(2 / (a_min + a_max), 0.0), "momentum": steps_to_a_millionth(best_eta, best_mu)}
print(f"your momentum_step, steps to a millionth of the loss: {counted}")

fig, ax = plt.subplots(figsize=(8, 4.6))
plots.plot_rate_map(ax, contraction, map_rates, map_momenta,
                    marks={"theory: (η*, μ*)": (best_eta, best_mu), "best plain gradient descent": (2 / (a_min + a_max), 0.0)},
                    title="Momentum on the bowl (κ = 20): contraction per step")
plt.show()

# %% [markdown] nbgrader={"grade": false, "grade_id": "rate_map_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# No cell of the map beats the theory's star at $\eta^* \approx 0.668$, $\mu^* \approx 0.403$: its
# measured contraction, 0.635, is the theory's $(\sqrt{20}-1)/(\sqrt{20}+1) \approx 0.634$ to within
# 0.001. The best plain gradient descent, on the bottom row at $\eta = 2/(a_{\min} + a_{\max})$,
# manages only 0.905. Since the steps needed to shrink the error by a given factor go as
# $1/|\ln(\text{contraction})|$, momentum needs 4.5 times fewer of them, close to $\sqrt{\kappa} \approx 4.47$:
# on a loss with $\kappa$ of ten thousand that would be 100 times fewer. Counted from Module 1's start with
# your `momentum_step`, to a millionth of the loss, it is 23 steps against 70, only 3.0 times fewer,
# because the first steps, before the velocity has built up, do not yet contract at the long-run rate.
#
# The map also shows how narrow the fast region is: the good η depends on μ, and a μ a little too
# large or an η a little too small gives back most of the gain. The best pair needs both curvatures,
# which are rarely known; in practice μ = 0.9 and a tuned η are the usual compromise.
# %% [markdown] nbgrader={"grade": false, "grade_id": "shallow_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Does momentum roll out of a shallow dip? Measured
#
# "A ball with memory rolls through shallow dips" is the usual picture. Every landscape so far is a
# single bowl, so it could not be tested. The **tilted double well**
# $f(w) = w^4/4 - w^2/2 + 0.3\,w$ has a shallow dip on the right (near $w = 0.79$) and its deep
# minimum on the left (near $w = -1.13$). From $w = 2$, **your** `momentum_step` runs 500 steps for
# each pair below; the printout says where each run ended.

# %% tags=["skip-when-grading"]
well = landscapes.tilted_double_well()
barrier = np.sort(np.roots([1.0, 0.0, -1.0, 0.3]).real)[1]      # the bump between the two dips
well_rates, well_momenta = (0.02, 0.05, 0.1), (0.0, 0.5, 0.8, 0.9, 0.95)
ends_deep = np.zeros((len(well_momenta), len(well_rates)), dtype=bool)
for i, momentum in enumerate(well_momenta):
    for j, rate in enumerate(well_rates):
        w = np.array(well.start)
        state = momentum_init(w)
        for _ in range(500):
            w, state = momentum_step(w, well.gradient(w), state, learning_rate=rate, momentum=momentum)
        ends_deep[i, j] = w[0] < barrier
    print(f"momentum {momentum:4}: " + "   ".join(f"η = {rate}: {'deep minimum' if deep else 'shallow dip '}"
                                                  for rate, deep in zip(well_rates, ends_deep[i])))

# %% [markdown] nbgrader={"grade": false, "grade_id": "shallow_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Plain gradient descent (momentum 0) and momentum 0.5 stop in the shallow dip at every rate tried.
# With momentum 0.8 or more the runs roll over the bump into the deep minimum — in 8 of the 9 runs.
# The exception is instructive: at $\eta = 0.1$ with momentum 0.9 the ball crosses into the deep
# side and swings back out again. Momentum's escape is real here, but it comes from the same
# overshooting that makes its paths swing, so it depends on $\eta$ and $\mu$ together, and the same
# speed can carry a run *out of* a good minimum as easily as out of a bad one.

# %% [markdown] nbgrader={"grade": false, "grade_id": "flat_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Flat stretches: a saddle and Rosenbrock's valley, measured
#
# Section 1 said the ball keeps rolling on flat stretches. Two landscapes where that can be tested:
#
# * the **saddle** $f(x, y) = (x^2 - y^2)/2$ from $(1.5, 0.001)$, just off its ridge: the way down,
#   along $y$, is almost flat at first. Counted: the steps of your `momentum_step` until $|y| > 1$.
# * **Rosenbrock's valley** $f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2$ from $(-1.5, 2)$: steep walls and a
#   long, curved, nearly flat floor leading to the minimum at $(1, 1)$. Counted: the steps until the
#   point is within 0.001 of the minimum, at most ten thousand, for a few learning rates, with and without momentum
#   (the same Keras rule, run for all of them at once).

# %% tags=["skip-when-grading"]
saddle, valley = landscapes.saddle(), landscapes.rosenbrock()
saddle_steps = {}
for momentum in (0.0, 0.5, 0.9):
    w = np.array([1.5, 0.001])
    state = momentum_init(w)
    for count in range(1, 1001):
        w, state = momentum_step(w, saddle.gradient(w), state, learning_rate=0.1, momentum=momentum)
        if abs(w[1]) > 1:
            break
    saddle_steps[momentum] = count
    print(f"saddle, η = 0.1, momentum {momentum}: |y| > 1 after {count} steps")

valley_rates, valley_momenta = np.array([0.0005, 0.001, 0.0015, 0.002, 0.003]), np.array([0.0, 0.9])
run_rates, run_momenta = (mesh.reshape(-1, 1) for mesh in np.meshgrid(valley_rates, valley_momenta))
w = np.tile(np.array(valley.start), (len(run_rates), 1))
velocity, arrived = np.zeros_like(w), np.zeros(len(run_rates), dtype=int)     # 0: not (yet) within 0.001
with np.errstate(all="ignore"):
    for count in range(1, 10_001):
        velocity = run_momenta * velocity - run_rates * valley.gradient(w)       # the Keras rule, every run at once
        w = w + velocity
        arrived[(arrived == 0) & (np.linalg.norm(w - 1.0, axis=1) < 1e-3)] = count
valley_steps = arrived.reshape(len(valley_momenta), len(valley_rates))
for momentum, row in zip(valley_momenta, valley_steps):
    print(f"Rosenbrock, momentum {momentum}: " + "  ".join(f"η {rate}: {steps if steps else '—'}" for rate, steps in zip(valley_rates, row)))

# %% [markdown] nbgrader={"grade": false, "grade_id": "flat_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# On the saddle, plain gradient descent needs 73 steps to roll off, momentum 0.5 needs 44 and momentum
# 0.9 only 27: near the ridge each step is tiny, and the velocity adds them up. In Rosenbrock's valley,
# plain gradient descent arrived within the ten thousand steps at one rate only, η = 0.002, after 5387 steps
# (below it the floor is too slow, above it the walls throw it out); momentum 0.9 arrived at every rate
# up to 0.002, fastest in 647 steps, 8.3 times fewer. Both measurements agree with the picture of the
# ball: where the gradient is small but keeps pointing the same way, momentum is much faster.
# %% [markdown] nbgrader={"grade": false, "grade_id": "keras_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 5. The Keras way
#
# Momentum is an argument of `SGD`, not an optimizer of its own: `SGD(learning_rate=0.01,
# momentum=0.9)` and `SGD(..., nesterov=True)`. Two traps:

# %% tags=["skip-when-grading"]
tf = keras_bridge.import_tensorflow()

optimizer = tf.keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True)
print("momentum:", optimizer.momentum, " nesterov:", optimizer.nesterov)

for attempt, make in [("the string 'momentum'", lambda: tf.keras.optimizers.get("momentum")),
                      ("momentum=1 (an int)", lambda: tf.keras.optimizers.SGD(momentum=1))]:
    try:
        make()
    except ValueError as error:
        print(f"{attempt}: ValueError: {error}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "keras_model_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# `"sgd"` is a valid string but gives momentum 0; `"momentum"` is not an identifier at all; and the
# momentum must be a Python float in $[0, 1]$ — `momentum=1` is refused even though `1.0` would be
# accepted (and would never forget anything, so never settle).
#
# ### Your momentum trains a real Keras model
#
# The same small network (10 inputs → 16 ReLU units → 1 output) trained twice from the same
# weights on the same mini-batches: once by Keras's `SGD(momentum=0.9)`, once by a
# `tf.GradientTape` loop that hands every weight array and its gradient to **your**
# `momentum_step` (one `MomentumState` per weight array) and writes the result back.

# %% tags=["skip-when-grading"]
data = datasets.regression_data(200, 10)
yours = keras_bridge.small_regression_model(10, seed=3)
theirs = keras_bridge.small_regression_model(10, seed=3)
theirs.set_weights(yours.get_weights())

your_losses = keras_bridge.train_with_rule(yours, data.X, data.y, momentum_step, momentum_init,
                                           learning_rate=0.05, momentum=0.9, epochs=3)
keras_losses = keras_bridge.train_with_keras_optimizer(theirs, data.X, data.y,
                                                       tf.keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), epochs=3)
print(f"{len(your_losses)} steps; largest difference in batch loss: {np.abs(your_losses - keras_losses).max():.1e}")

fig, ax = plt.subplots(figsize=(7, 3.3))
ax.plot(keras_losses, color="#0072B2", linewidth=4, alpha=0.5, label="tf.keras.optimizers.SGD(momentum=0.9)")
ax.plot(your_losses, color="#E69F00", linestyle="--", label="your momentum_step")
ax.set_xlabel("step")
ax.set_ylabel("batch loss (MSE)")
ax.set_title("A Keras model trained by Keras's momentum and by yours")
ax.legend()
plt.show()

# %% [markdown] nbgrader={"grade": false, "grade_id": "takeaways", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The two curves lie on top of each other: differences are at float32 rounding level.
#
# ## Key takeaways
#
# * Momentum keeps a velocity: $m \leftarrow \mu m - \eta g$, $w \leftarrow w + m$ (Keras form, the
#   velocity includes the learning rate). It speeds up consistent directions, stays stable across
#   ravines up to $\eta a < 2(1+\mu)$ (though it swings there rather than calming down) and rolls through flat stretches; on the double well, momentum ≥ 0.8 rolled out of the
#   shallow dip in 8 of 9 runs, plain gradient descent never.
# * Nesterov looks ahead: $w \leftarrow w + \mu m - \eta g$ with the updated $m$.
# * PyTorch's $v \leftarrow \mu v + g$, $w \leftarrow w - \eta v$ takes the same steps while the
#   learning rate is constant; only the stored state differs.
# * With $\mu = 0$ momentum is plain SGD. Larger $\mu$ allows larger learning rates (divergence at
#   $\eta a = 2(1+\mu)$ on a quadratic) but oscillates more: tune $\eta$ and $\mu$ together.
# * How fast: on a quadratic with condition number κ the best (η, μ) shrinks the error by
#   $(\sqrt{\kappa}-1)/(\sqrt{\kappa}+1)$ per step, plain gradient descent at best by $(\kappa-1)/(\kappa+1)$:
#   about $\sqrt{\kappa}$ times fewer steps (4.5 measured on the bowl, where $\sqrt{20} \approx 4.47$).
#   Where the gradient is small but steady it also helps: off the saddle in 27 steps instead of 73,
#   through Rosenbrock's valley 8.3 times faster.
# * Keras: `SGD(momentum=0.9)` (a float), `nesterov=True`; `"momentum"` is not an optimizer string.

# %% [markdown] include="quiz_intro" nbgrader={"grade": false, "grade_id": "quiz_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# *(Shared text: `make release` puts solutions/_shared/quiz_intro.md here; edit it there.)*

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_mom_q1_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 1.** Keras keeps the velocity *with* the learning rate in it ($v \leftarrow \mu v - \eta g$, then
# $w \leftarrow w + v$); PyTorch keeps it without ($b \leftarrow \mu b + g$, then $w \leftarrow w - \eta b$).
# From zero velocity at a constant learning rate, both take the same steps. What changes when the
# learning rate drops from 0.1 to 0.01 in the middle of training?
#
# * (a) nothing: the two forms take the same steps under any schedule
# * (b) both diverge for a while, since the stored velocity no longer fits the learning rate
# * (c) in Keras's form the whole step shrinks at once, while PyTorch's velocity still carries steps made at 0.1
# * (d) PyTorch's whole step shrinks at once; Keras's velocity still carries steps made at 0.1 and fades

# %% nbgrader={"grade": false, "grade_id": "answer_mom_q1", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "Which of the two stored quantities already has the old learning rate multiplied into it?"}
# Your answer to question 1, e.g. answer_mom_q1 = "a"
### BEGIN SOLUTION
answer_mom_q1 = "d"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_mom_q1_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 1."""
quiz.check("mom_q1", answer_mom_q1)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_mom_q2_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 2.** Along a *flat* direction the gradient stays about the same for many steps. With momentum
# $\mu = 0.9$, the steps there approach how many times the step plain SGD would take with the same
# learning rate? Give a number.

# %% nbgrader={"grade": false, "grade_id": "answer_mom_q2", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "Add up the geometric series 1 + \u03bc + \u03bc\u00b2 + \u2026 ."}
# Your answer to question 2, e.g. answer_mom_q2 = 2
### BEGIN SOLUTION
answer_mom_q2 = 10
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_mom_q2_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 2."""
quiz.check("mom_q2", answer_mom_q2)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_mom_q3_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 3.** *Revisit your prediction, and read the figure.* In section 2 you predicted whether momentum, at the
# same learning rate as plain gradient descent on the badly scaled bowl, would reach the minimum
# faster, slower, or zig-zag even more. The cell below runs both at $\eta = 0.1$ and plots the loss
# and the steep coordinate $y$. What does it show?
#
# * (a) faster, and without any zig-zag: the velocity smooths the path
# * (b) faster, though its steep coordinate swings across zero again and again
# * (c) slower: the velocity keeps carrying it past the minimum, so it never gets below 1e-6
# * (d) the same speed, since both runs use the same learning rate

# %% tags=["skip-when-grading"]
# Plain gradient descent and momentum 0.9 (Keras's form) on the badly scaled bowl
# f(x, y) = 0.1 x² + 2 y², both at learning rate 0.1, from (x, y) = (4, 1).
import matplotlib.pyplot as plt
import numpy as np

quiz_curvatures = np.array([0.2, 4.0])                    # of x and of y
quiz_runs = {}                                            # name → (loss after each step, y after each step)
for name, momentum in (("plain gradient descent", 0.0), ("momentum 0.9", 0.9)):
    w, velocity, losses, ys = np.array([4.0, 1.0]), np.zeros(2), [], []
    for _ in range(300):
        velocity = momentum * velocity - 0.1 * quiz_curvatures * w
        w = w + velocity
        losses.append(0.5 * np.sum(quiz_curvatures * w**2))
        ys.append(w[1])
    quiz_runs[name] = (np.array(losses), np.array(ys))
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
for (name, (losses, ys)), colour in zip(quiz_runs.items(), ["tab:blue", "tab:orange"]):
    left.semilogy(np.arange(1, 301), losses, color=colour, label=name)
    right.plot(np.arange(1, 41), ys[:40], marker=".", color=colour, label=name)
left.axhline(1e-6, color="gray", linestyle=":")
left.set(xlabel="step", ylabel="loss", title="Loss (dotted: 1e-6)")
right.axhline(0, color="gray", linewidth=0.8)
right.set(xlabel="step", ylabel="y (the steep coordinate)", title="The steep coordinate, first 40 steps")
left.legend()
plt.show()

# %% nbgrader={"grade": false, "grade_id": "answer_mom_q3", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "Find where each loss curve crosses the dotted line, then count how often each y curve crosses zero."}
# Your answer to question 3, e.g. answer_mom_q3 = "a"
### BEGIN SOLUTION
answer_mom_q3 = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_mom_q3_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 3."""
quiz.check("mom_q3", answer_mom_q3)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_mom_q4_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 4.** Momentum with $\mu = 0.5$ runs on $f(w) = w^2/2$ (curvature $a = 1$). Above which learning rate
# does it diverge? Give a number.

# %% nbgrader={"grade": false, "grade_id": "answer_mom_q4", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "Plain gradient descent's limit 2/a is not momentum's: use the divergence line of the stability map, \u03b7 a = 2(1 + \u03bc)."}
# Your answer to question 4, e.g. answer_mom_q4 = 1.5
### BEGIN SOLUTION
answer_mom_q4 = 3
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_mom_q4_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 4."""
quiz.check("mom_q4", answer_mom_q4)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_explain_mom_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 5 — explain why (1 point, marked by your instructor).** In the ravine, why does momentum speed up the progress along the flat direction without blowing
# up along the steep one?
#
# Write two to four sentences in the cell below (double-click it to edit).

# %% [markdown] nbgrader={"grade": true, "grade_id": "quiz_explain_mom", "locked": false, "points": 1, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# **Model answer.** Along the flat direction the gradient points the same way step after step, so the velocity adds
# those gradients up and the step grows towards $1/(1-\mu)$ times plain gradient descent's. Along the
# steep direction momentum does swing back and forth (the ravine race showed it), but the swings stay
# bounded — and die out, by about $\sqrt{\mu}$ per step — as long as $\eta a < 2(1+\mu)$, a limit almost
# twice plain gradient descent's $\eta a < 2$ at large $\mu$. So a learning rate that gives fast progress along the
# flat direction is still stable across the steep one.
#
# **Rubric (1 point).** 1 point: gradients that keep their sign add up in the velocity (flat direction) **and** the steep
# direction stays stable up to a larger rate, $\eta a < 2(1+\mu)$ (it may swing, but the swings stay bounded).
# ½ point: only one of the two, or "alternating gradients cancel, so the swings are damped" in place of
# the stability limit (a common picture that the ravine race contradicts). 0: "momentum makes every
# step bigger" or "momentum lowers the learning rate".
# ### END SOLUTION
