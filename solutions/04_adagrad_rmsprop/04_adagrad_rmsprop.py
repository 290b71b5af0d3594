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
# # Module 4 — Adaptive step sizes: AdaGrad and RMSprop
#
# **The question of this module:** Module 1 ended with one learning rate that could not suit both
# directions of a badly scaled bowl. What if every parameter had a step size of its own, set by the
# gradients it has seen?
#
# You will write AdaGrad and RMSprop in the exact form Keras runs, watch each parameter's effective
# step size change over time, and see where the "only shrinks" design of AdaGrad helps (rare
# features) and where it hurts (long training).

# %% [markdown] include="notation" nbgrader={"grade": false, "grade_id": "notation", "locked": true, "schema_version": 3, "solution": false, "task": false}
# *(Shared text: `make release` puts solutions/_shared/notation.md here; edit it there.)*

# %%
import matplotlib.pyplot as plt
import numpy as np

from optcourse.lesson import datasets, keras_bridge, landscapes
from optcourse.demos import plots, runs, widgets
from optcourse.grading import checks, quiz
from optcourse.lesson.optim import AdagradState, RMSpropState, momentum_init, rmsprop_init
from optcourse.lesson.reference import momentum_step   # the course's momentum rule: with momentum 0, plain SGD

bowl = landscapes.scaled_bowl()       # f(x, y) = 0.1 x² + 2 y², as in Module 1


# %% [markdown] nbgrader={"grade": false, "grade_id": "idea", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 1. A step size per parameter
#
# Divide each parameter's step by the typical size of *its own* gradients. Where gradients have been
# large (the steep $y$ direction of the bowl) the step shrinks; where they have been small (the flat
# $x$ direction, or a feature that is rarely present) it stays large. All operations below are
# element-wise: every parameter gets its own number.
#
# **AdaGrad** sums the squared gradients for ever, starting from `initial_accumulator_value`
# (Keras: 0.1, which also keeps the very first steps from being enormous):
#
# $$
# a \leftarrow a + g^2, \qquad w \leftarrow w - \frac{\eta\, g}{\sqrt{a + \epsilon}} .
# $$
#
# Because $a$ only grows, every step size $\eta/\sqrt{a+\epsilon}$ only shrinks. That is ideal for
# rare features — their sum stays small, so their steps stay large — but on a long run over dense
# data the steps can shrink so far that training stalls.
#
# **RMSprop** forgets: it keeps an exponential moving average of squared gradients with decay `rho`
# (Keras default 0.9), so old gradients fade and the step size can grow again:
#
# $$
# s \leftarrow \rho\, s + (1 - \rho)\, g^2, \qquad w \leftarrow w - \frac{\eta\, g}{\sqrt{s + \epsilon}} .
# $$
#
# $s$ starts at 0 and Keras applies **no bias correction** (Adam, next module, does). Keras also
# offers `centered=True` (divide by $\sqrt{s - \bar g^2 + \epsilon}$ instead, with $\bar g$ a moving
# average of the gradients, so $s - \bar g^2$ estimates their variance; $\epsilon$ is again inside the root)
# and `momentum=` (a velocity on top of the scaled step); we use neither here.
#
# **Where epsilon goes.** Keras 3 adds $\epsilon$ (default $10^{-7}$) *inside* the square root for
# both. Many texts and several older implementations (Keras 2's Adagrad among them) wrote $\sqrt{a} + \epsilon$; with everyday gradients the two agree to
# about $10^{-7}$, but with small gradients or a larger $\epsilon$ they part clearly — your checks
# include such cases.
#
# **Memory.** Each keeps one extra number per parameter: one extra array the shape of each weight
# array, so $O(n)$ for $n$ parameters. (A claim seen in a tutorial, that AdaGrad's memory grows with
# the *square* of the number of parameters, confuses it with full-matrix AdaGrad; the diagonal
# version everyone uses is linear — section 5 counts it.)

# %% [markdown] nbgrader={"grade": false, "grade_id": "predict_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 2. Predict first
#
# > **Does RMSprop treat all parameters alike, or does it adapt the step per parameter?** On the
# > badly scaled bowl, which direction will get the larger effective step size?
#
# Write your answer below.

# %% [markdown]
# *My prediction:* (double-click to edit)

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex1_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 1 — AdaGrad's starting state (1 point)
#
# Write `adagrad_init(params, initial_accumulator_value=0.1)`: an `AdagradState` whose accumulator
# has the shape of `params` and is filled with `initial_accumulator_value` — a new array, not
# `params` itself.

# %% nbgrader={"grade": false, "grade_id": "adagrad_init", "locked": false, "schema_version": 3, "solution": true, "task": false}
def adagrad_init(params, initial_accumulator_value=0.1):
    """AdaGrad's starting state: the accumulator filled with initial_accumulator_value (Keras: 0.1)."""
    ### BEGIN SOLUTION
    return AdagradState(accumulator=np.full(np.shape(params), initial_accumulator_value, dtype=float))
    ### END SOLUTION


# %%
print(adagrad_init(np.zeros(3)))      # expected: AdagradState(accumulator=array([0.1, 0.1, 0.1]))

# %% nbgrader={"grade": true, "grade_id": "adagrad_init_tests", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that adagrad_init starts the accumulator as tf.keras.optimizers.Adagrad does."""
checks.adagrad_init(adagrad_init)


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex2_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 2 — the AdaGrad step (3 points)
#
# Write `adagrad_step` in the Keras form above: add $g^2$ to the accumulator, then step with the
# **updated** accumulator, epsilon inside the root. It is compared with
# `tf.keras.optimizers.Adagrad` after every step, starting from Keras's initial accumulator and from
# other non-zero ones, with normal and with tiny gradients, at `rtol=1e-5, atol=1e-6`. The state you return
# is fed back as it is.

# %% nbgrader={"grade": false, "grade_id": "adagrad_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def adagrad_step(params, grads, state, *, learning_rate, epsilon):
    """One AdaGrad step, Keras form.

    accumulator_new = accumulator + grads**2
    params_new      = params - learning_rate * grads / sqrt(accumulator_new + epsilon)   (epsilon inside the root)
    Returns (params_new, AdagradState(accumulator_new)); the inputs are not changed.
    """
    ### BEGIN SOLUTION
    accumulator = state.accumulator + grads**2
    return params - learning_rate * grads / np.sqrt(accumulator + epsilon), AdagradState(accumulator)
    ### END SOLUTION


# %%
new_params, new_state = adagrad_step(np.array([1.0, -2.0]), np.array([0.5, 3.0]), AdagradState(np.array([0.1, 0.1])),
                                     learning_rate=0.1, epsilon=1e-7)
print(np.round(new_params, 4), np.round(new_state.accumulator, 4))   # expected: [ 0.9155 -2.0994] [0.35 9.1 ]

# %% nbgrader={"grade": true, "grade_id": "adagrad_step_tests", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
"""Check adagrad_step against tf.keras.optimizers.Adagrad, step by step, in both gradient regimes."""
checks.adagrad_step(adagrad_step)
### BEGIN HIDDEN TESTS
checks.adagrad_step(adagrad_step, seed=41, shapes=[(1,), (3, 3)],
                    hypers=[{"learning_rate": 1.0, "epsilon": 1e-4}, {"learning_rate": 0.01, "epsilon": 1e-6}])
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex3_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 3 — the RMSprop step (3 points)
#
# Write `rmsprop_step` in the Keras form: update the average of squared gradients with `rho`, then
# step with the updated average, epsilon inside the root, no bias correction. It is compared with
# `tf.keras.optimizers.RMSprop` in the same way.

# %% nbgrader={"grade": false, "grade_id": "rmsprop_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def rmsprop_step(params, grads, state, *, learning_rate, rho, epsilon):
    """One RMSprop step, Keras form (no momentum, not centered, no bias correction).

    mean_square_new = rho * mean_square + (1 - rho) * grads**2
    params_new      = params - learning_rate * grads / sqrt(mean_square_new + epsilon)   (epsilon inside the root)
    Returns (params_new, RMSpropState(mean_square_new)); the inputs are not changed.
    """
    ### BEGIN SOLUTION
    mean_square = rho * state.mean_square + (1 - rho) * grads**2
    return params - learning_rate * grads / np.sqrt(mean_square + epsilon), RMSpropState(mean_square)
    ### END SOLUTION


# %%
new_params, new_state = rmsprop_step(np.array([1.0, -2.0]), np.array([0.5, 3.0]), rmsprop_init(np.zeros(2)),
                                     learning_rate=0.1, rho=0.9, epsilon=1e-7)
print(np.round(new_params, 4), np.round(new_state.mean_square, 4))   # expected: [ 0.6838 -2.3162] [0.025 0.9  ]

# %% nbgrader={"grade": true, "grade_id": "rmsprop_step_tests", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
"""Check rmsprop_step against tf.keras.optimizers.RMSprop, step by step, in both gradient regimes."""
checks.rmsprop_step(rmsprop_step)
### BEGIN HIDDEN TESTS
checks.rmsprop_step(rmsprop_step, seed=42, shapes=[(1,), (3, 3)],
                    hypers=[{"learning_rate": 0.1, "rho": 0.5, "epsilon": 1e-4}, {"learning_rate": 0.001, "rho": 0.99, "epsilon": 1e-6}])
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "race_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Look at the RMSprop example once more: both parameters moved by the same amount, about
# $3.16\,\eta$, although one gradient was six times the other. From a zero average the first step is
# $\eta g / \sqrt{(1-\rho) g^2} = \eta / \sqrt{1 - \rho}$ for *any* gradient — that is the missing
# bias correction at work, and the reason Adam adds one.
#
# ## 3. The race on the bowl
#
# **Your** AdaGrad and RMSprop against plain gradient descent, from Module 1's start. Move the
# learning rate up: gradient descent diverges above 0.5 (the steep direction's limit), the adaptive
# ones do not care nearly as much. Then lower `rho` towards 0 (RMSprop forgets almost at once) and
# raise it towards 1 (it remembers almost everything, like AdaGrad without the growth).

# %% tags=["skip-when-grading"]
widgets.adaptive_explorer(adagrad_step, adagrad_init, rmsprop_step, bowl, learning_rate=0.3, rho=0.9, num_steps=60)

# %% [markdown] nbgrader={"grade": false, "grade_id": "effective_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Each parameter's effective step size
#
# How far does each optimizer move a parameter per unit of gradient? For gradient descent it is $\eta$
# throughout; for AdaGrad and RMSprop it is $\eta/\sqrt{a+\epsilon}$ and $\eta/\sqrt{s+\epsilon}$,
# different for every parameter and changing every step. Below, from your own functions' states, on
# the bowl (left: $x$ flat, right: $y$ steep):

# %% tags=["skip-when-grading"]
steps = {"gradient descent": np.full((60, 2), 0.3)}
gd_path, _ = widgets.run_rule(momentum_step, momentum_init, bowl.gradient, bowl.start, 60, learning_rate=0.3, momentum=0.0)
final_loss = {"gradient descent": bowl.value(gd_path[-1])}
for label, step, init, field, extra in [("AdaGrad", adagrad_step, adagrad_init, "accumulator", {}),
                                        ("RMSprop", rmsprop_step, rmsprop_init, "mean_square", {"rho": 0.9})]:
    path, states = widgets.run_rule(step, init, bowl.gradient, bowl.start, 60, learning_rate=0.3, epsilon=1e-7, **extra)
    steps[label] = runs.effective_step_sizes(states[1:], field, learning_rate=0.3, epsilon=1e-7)   # after each step
    final_loss[label] = bowl.value(path[-1])

fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
plots.plot_effective_steps(axes[0], steps, parameter=0, title="bowl, flat direction x")
plots.plot_effective_steps(axes[1], steps, parameter=1, title="bowl, steep direction y")
plt.tight_layout()
plt.show()
print("after 60 steps, effective step x / y:", {label: np.round(s[-1], 3) for label, s in steps.items()})
print("after 60 steps, loss:", {label: float(f"{loss:.2g}") for label, loss in final_loss.items()})

# %% [markdown] nbgrader={"grade": false, "grade_id": "sparse_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Both adaptive methods give the flat direction a larger step than the steep one — AdaGrad's $x$
# step starts about four times its $y$ step — where gradient descent gives both the same: the
# per-parameter answer to Module 1's problem. AdaGrad's steps fall for ever; RMSprop's grow again as
# the gradients get smaller near the minimum, because it forgets the large early ones (the printout
# above gives the values after 60 steps).
#
# Do not read "larger step on the flat direction" as "faster". At this $\eta = 0.3$ AdaGrad's
# accumulator, filled by the large first gradients, has shrunk *both* its steps far below gradient
# descent's (0.029 along $x$ after 60 steps, against 0.3), and after 60 steps AdaGrad's loss is 2.7
# against gradient descent's 0.0048 and RMSprop's 0.000018. What adaptivity buys is the *ratio*
# between the directions; whether it is faster depends on $\eta$ and on how long the run is.
#
# ## 4. Where AdaGrad shines: rare features
#
# A linear model with a common feature (present in every example, values up to 4) and a rare one
# (present in about 3% of examples), trained on mini-batches of 10. The common feature's large
# values cap plain SGD's learning rate (at 0.149 here, Module 1's $2/a_{\max}$ for this data); the
# rare feature rarely gets a gradient at all. The true weight of the rare feature is 3. SGD runs at
# 90% of its limit, as fast as it can safely go.

# %% tags=["skip-when-grading"]
sparse = datasets.sparse_data()

def minibatch_gradients(seed=1, batch_size=10):
    rng = np.random.default_rng(seed)           # the same batches for every optimizer
    def gradient(w):
        batch = rng.integers(0, len(sparse.y), batch_size)
        return datasets.mse_gradient(w, sparse.X[batch], sparse.y[batch])
    return gradient

design = np.c_[sparse.X, np.ones(len(sparse.y))]
sgd_limit = 2 / np.linalg.eigvalsh(2 * design.T @ design / len(sparse.y)).max()     # Module 1's 2/a_max
sgd_rate = round(0.9 * sgd_limit, 3)
contenders = {
    f"SGD, η = {sgd_rate}": (momentum_step, momentum_init, {"learning_rate": sgd_rate, "momentum": 0.0}, None),
    "AdaGrad, η = 0.5": (adagrad_step, adagrad_init, {"learning_rate": 0.5, "epsilon": 1e-7}, "accumulator"),
    "RMSprop, η = 0.02": (rmsprop_step, rmsprop_init, {"learning_rate": 0.02, "rho": 0.9, "epsilon": 1e-7}, "mean_square"),
}
rare_weight = {}
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
for (label, (step, init, hyper, field)), color in zip(contenders.items(), plots.COLORS):
    path, states = widgets.run_rule(step, init, minibatch_gradients(), np.zeros(3), 300, **hyper)
    rare_weight[label.split(",")[0]] = path[:, 1]
    axes[0].plot(path[:, 1], color=color, label=label)
    if field:
        effective = runs.effective_step_sizes(states[1:], field, learning_rate=hyper["learning_rate"], epsilon=1e-7)
    else:
        effective = np.full((len(path) - 1, 3), hyper["learning_rate"])
    axes[1].semilogy(effective[:, 1], color=color, label=label)
    print(f"{label:18s} rare-feature weight after 100 steps: {path[100, 1]:.2f}, after 300: {path[-1, 1]:.2f}")
axes[0].axhline(3.0, color="0.5", linestyle=":", label="true weight 3")
axes[0].set(xlabel="step", ylabel="weight of the rare feature", title="Learning the rare feature's weight")
axes[1].set(xlabel="step", ylabel="effective step size (log)", title="Effective step size of the rare feature")
axes[0].legend(fontsize=8)
axes[1].legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown] nbgrader={"grade": false, "grade_id": "sparse_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# AdaGrad keeps the rare feature's step size large — its accumulator barely grows, because its
# gradient is almost always zero — and learns its weight faster than SGD at 90% of SGD's stability
# limit: after 100 steps AdaGrad's weight is off by 0.51, SGD's by 1.23 (2.4 times as far), and after
# 300 steps by 0.05 against 0.21. RMSprop's step for the rare feature stays large too, but it forgets
# between the rare examples, so its steps jump around.
#
# **Myth: "RMSprop uses one learning rate for all parameters."** It does not: `learning_rate` is one
# number, but every parameter is divided by its own $\sqrt{s + \epsilon}$ — you have just plotted the
# different step sizes.

# %% [markdown] nbgrader={"grade": false, "grade_id": "rotated_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### The catch: per-parameter steps only help along the axes
#
# AdaGrad and RMSprop give each **coordinate** its own step. On the bowl $0.1\,x^2 + 2\,y^2$ that is
# exactly right, because its flat and steep directions *are* the coordinates $x$ and $y$. Turn the
# same bowl by 45°: same curvatures, same condition number $\kappa = 20$, same minimum, but now the
# flat and steep directions lie along the diagonals, and every coordinate's gradient mixes both.
# Gradient descent does not care which way the axes point: its step is the gradient, and the gradient
# turns with the bowl. Measured below with the same learning rate as above, from Module 1's start
# turned with the bowl: gradient descent, **your** AdaGrad and **your** RMSprop for 60 steps on the
# bowl as it was and turned; then each one's best loss after 60 steps over 12 learning rates, so that
# no method is judged at a rate that happens to suit it badly.

# %% tags=["skip-when-grading"]
turned = landscapes.rotated_bowl(degrees=45)
rules = {"gradient descent": (momentum_step, momentum_init, {"momentum": 0.0}),
         "AdaGrad": (adagrad_step, adagrad_init, {"epsilon": 1e-7}),
         "RMSprop": (rmsprop_step, rmsprop_init, {"rho": 0.9, "epsilon": 1e-7})}

def loss_after(rule, landscape, learning_rate, num_steps=60):
    step, init, extra = rules[rule]
    path, states = widgets.run_rule(step, init, landscape.gradient, landscape.start, num_steps, learning_rate=learning_rate, **extra)
    return landscape.value(path), path, states

turned_loss, turned_paths, first_ratio = {}, {}, {}
for rule in rules:
    for landscape, name in ((bowl, "axes"), (turned, "turned")):
        losses, path, states = loss_after(rule, landscape, 0.3)
        turned_loss[rule, name], turned_paths[rule, name] = losses, path
        if rule != "gradient descent":
            field = "accumulator" if rule == "AdaGrad" else "mean_square"
            effective = runs.effective_step_sizes(states[1:2], field, learning_rate=0.3, epsilon=1e-7)[0]
            first_ratio[rule, name] = effective.max() / effective.min()      # larger over smaller step, after step 1
    print(f"{rule:16s} η = 0.3, loss after 60 steps: along the axes {turned_loss[rule, 'axes'][-1]:.3g}, "
          f"turned {turned_loss[rule, 'turned'][-1]:.3g}")

sweep_rates = np.geomspace(0.01, 10.0, 12)
best_loss = {}
with np.errstate(all="ignore"):
    for rule in rules:
        for landscape, name in ((bowl, "axes"), (turned, "turned")):
            finals = np.array([loss_after(rule, landscape, rate)[0][-1] for rate in sweep_rates])
            best_loss[rule, name] = np.nanmin(np.where(np.isfinite(finals), finals, np.nan))
        print(f"{rule:16s} best loss after 60 steps on the grid of 12 rates (η = 0.3 is not on it): along the axes {best_loss[rule, 'axes']:.2g}, "
              f"turned {best_loss[rule, 'turned']:.2g}")
print("AdaGrad's larger step over its smaller after step 1:", {name: round(first_ratio['AdaGrad', name], 2) for name in ('axes', 'turned')})

fig, axes = plt.subplots(1, 3, figsize=(14, 4))
for ax, rule in zip(axes[:2], ("AdaGrad", "RMSprop")):
    plots.plot_paths(ax, turned, {f"{rule}, turned bowl": turned_paths[rule, "turned"],
                                  "gradient descent, turned bowl": turned_paths["gradient descent", "turned"]},
                     title=f"{rule} and gradient descent, η = 0.3, on the turned bowl")
curves = {f"{rule}, {name}": (np.arange(61), turned_loss[rule, name]) for rule in rules for name in ("axes", "turned")}
plots.plot_loss_curves(axes[2], curves, xlabel="step", title="Loss, bowl along the axes and turned by 45°", ylabel="loss (log scale)")
plt.tight_layout()
plt.show()

# %% [markdown] nbgrader={"grade": false, "grade_id": "rotated_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Gradient descent's loss curves on the two bowls are the same curve (they differ by less than
# $10^{-12}$ of the loss): it cannot see the axes. The adaptive methods can, and the turn costs
# them. At η = 0.3 AdaGrad ends at 4.8 on the turned bowl against 2.7 along the axes, and RMSprop at
# 0.0030 against 0.000018. At each one's best rate the turn still costs orders of magnitude: along
# the axes AdaGrad's best loss after 60 steps is practically zero, on the turned bowl 0.0040;
# RMSprop's best rises from 0.000023 to 0.00043, 19 times higher; gradient descent's best, 0.00015, does
# not move.
# The reason is in the first step: along the axes AdaGrad's larger step is 4.4 times its smaller,
# the per-parameter answer to κ; on the turned bowl both coordinates see the steep direction, and
# the ratio is only 1.6. A per-coordinate step size can only undo bad scaling that lies along the
# coordinates. Real networks have both kinds, and Adam (next module) inherits the same dependence on
# the axes.

# %% [markdown] nbgrader={"grade": false, "grade_id": "noise_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### "Adaptive optimizers are more robust to noise": measured
#
# A claim often read in tutorials. On the bowl, with Gaussian noise of spread σ added to every
# gradient (a stand-in for mini-batch noise), 100 runs of 200 steps per setting; for each method the
# learning rate from a grid of 13 that gives the lowest mean final loss, so each is judged at its best.

# %% tags=["skip-when-grading"]
noise_rates = np.geomspace(0.003, 3.0, 13)
noisy_best = {}
for sigma in (1.0, 3.0):
    for rule, (step, init, extra) in rules.items():
        finals = []
        for rate in noise_rates:
            rng = np.random.default_rng(0)                       # the same noise for every method and rate
            w = np.tile(np.array(bowl.start), (100, 1))          # 100 runs at once: your rules work element-wise
            state = init(w)
            with np.errstate(all="ignore"):
                for _ in range(200):
                    w, state = step(w, bowl.gradient(w) + sigma * rng.normal(size=w.shape), state, learning_rate=rate, **extra)
                finals.append(np.mean(bowl.value(w)))
        finals = np.where(np.isfinite(finals), finals, np.inf)
        noisy_best[rule, sigma] = (finals.min(), noise_rates[np.argmin(finals)])
        print(f"σ = {sigma}: {rule:16s} best mean final loss {finals.min():.3f} at η = {noise_rates[np.argmin(finals)]:.3g}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "noise_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Not as a rule. RMSprop, each at its best rate, ends about where plain gradient descent does (0.071
# against 0.066 at σ = 1, 0.41 against 0.42 at σ = 3): dividing by $\sqrt{s}$ rescales the noise along
# with the gradient, it does not remove it. AdaGrad does end lower (0.042 and 0.265), but for another
# reason: its steps only shrink, so late in the run it averages the noise out like a decaying learning
# rate would (Module 6's schedules do the same for any optimizer).

# %% [markdown] nbgrader={"grade": false, "grade_id": "keras_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 5. The Keras way
#
# `tf.keras.optimizers.Adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7)`
# and `tf.keras.optimizers.RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
# centered=False)` (the defaults), or the strings `"adagrad"` and `"rmsprop"`. Their memory, counted
# on a small model:

# %% tags=["skip-when-grading"]
tf = keras_bridge.import_tensorflow()

model = keras_bridge.small_regression_model(10, hidden=64)
num_params = sum(int(np.prod(v.shape)) for v in model.trainable_variables)
for optimizer in (tf.keras.optimizers.SGD(), tf.keras.optimizers.Adagrad(), tf.keras.optimizers.RMSprop()):
    optimizer.build(model.trainable_variables)
    slots = [v for v in optimizer.variables if v.path.split("/")[-1] not in ("iteration", "learning_rate")]
    extra = sum(int(np.prod(v.shape)) for v in slots)
    print(f"{type(optimizer).__name__:8s}: {len(slots)} extra arrays, {extra} numbers for {num_params} parameters "
          f"({extra / num_params:.0f}× the parameters)")

# %% [markdown] nbgrader={"grade": false, "grade_id": "takeaways", "locked": true, "schema_version": 3, "solution": false, "task": false}
# One extra array per weight array, the same size: memory grows linearly with the number of
# parameters, never with its square.
#
# ## Key takeaways
#
# * Adaptive methods divide each parameter's step by the root of its own (accumulated or averaged)
#   squared gradients: every parameter gets its own effective step size.
# * AdaGrad sums $g^2$ from `initial_accumulator_value` = 0.1: good for sparse, rare features; its
#   step sizes only shrink, so long training on dense data can stall.
# * RMSprop averages $g^2$ with decay `rho` = 0.9, so it forgets; no bias correction in Keras, so its
#   first steps from zero are about $\eta/\sqrt{1-\rho}$ whatever the gradient.
# * Keras 3 puts $\epsilon$ inside the square root: $\sqrt{a + \epsilon}$.
# * Memory: one extra array per parameter array — $O(n)$, not $O(n^2)$.
# * The per-parameter step depends on the axes: on the bowl turned by 45° gradient descent runs the
#   very same curve, while AdaGrad and RMSprop lose their advantage: at each one's best rate both end
#   **worse than gradient descent** there (best losses after 60 steps 0.0040 and 0.00043 against 0.00015;
#   RMSprop's is 19 times its own along the axes). They fix bad scaling along the coordinates, not along other directions.
# * "More robust to noise" is not a property of adaptivity: with noisy gradients, each at its best
#   rate, RMSprop ended about where gradient descent did; AdaGrad ended lower because its steps shrink,
#   like a decaying learning rate.

# %% [markdown] include="quiz_intro" nbgrader={"grade": false, "grade_id": "quiz_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# *(Shared text: `make release` puts solutions/_shared/quiz_intro.md here; edit it there.)*

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_ada_q1_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 1.** AdaGrad and RMSprop run for 10,000 steps on a parameter whose gradient stays the same, $g$, at
# every step ($\epsilon$ negligible). What happens to their steps?
#
# * (a) both settle near $\eta$: each divides $g$ by the size of its own gradients
# * (b) AdaGrad's shrink like $1/\sqrt{t}$, while RMSprop's settle near $\eta$
# * (c) RMSprop's shrink like $1/\sqrt{t}$, while AdaGrad's settle near $\eta$
# * (d) both shrink like $1/\sqrt{t}$, because both add up every squared gradient

# %% nbgrader={"grade": false, "grade_id": "answer_ada_q1", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "After t steps AdaGrad's accumulator holds about t g\u00b2; RMSprop's average holds about g\u00b2."}
# Your answer to question 1, e.g. answer_ada_q1 = "a"
### BEGIN SOLUTION
answer_ada_q1 = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_ada_q1_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 1."""
quiz.check("ada_q1", answer_ada_q1)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_ada_q2_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 2.** *Revisit your prediction, and read the figure.* In section 2 you predicted whether RMSprop adapts
# the step per parameter, and which direction of the badly scaled bowl gets the larger effective step.
# The cell below runs RMSprop on the bowl and plots each parameter's effective step size. What does it show?
#
# * (a) both directions get the same step all along: there is one learning rate
# * (b) the steep $y$ all along, since its gradients are the largest
# * (c) the flat $x$ at first; later the steep $y$, whose gradients vanish once it has converged
# * (d) the flat $x$ all along, since its curvature is the smallest

# %% tags=["skip-when-grading"]
# RMSprop (Keras's form, rho = 0.9) on the badly scaled bowl f(x, y) = 0.1 x² + 2 y², learning rate
# 0.05, from (x, y) = (4, 1). Plotted: each parameter's effective step size η / sqrt(mean_square + ε).
import matplotlib.pyplot as plt
import numpy as np

quiz_curvatures = np.array([0.2, 4.0])                    # of x and of y
w, mean_square, quiz_effective = np.array([4.0, 1.0]), np.zeros(2), []
for _ in range(60):
    grads = quiz_curvatures * w
    mean_square = 0.9 * mean_square + 0.1 * grads**2
    quiz_effective.append(0.05 / np.sqrt(mean_square + 1e-7))
    w = w - quiz_effective[-1] * grads
quiz_effective = np.array(quiz_effective)                 # step × (x, y)
fig, ax = plt.subplots(figsize=(6.5, 3.5))
ax.plot(np.arange(1, 61), quiz_effective[:, 0], color="tab:blue", label="x (flat, curvature 0.2)")
ax.plot(np.arange(1, 61), quiz_effective[:, 1], color="tab:orange", linestyle="--", label="y (steep, curvature 4)")
ax.set(xlabel="step", ylabel="effective step size", title="RMSprop on the badly scaled bowl")
ax.legend()
plt.show()

# %% nbgrader={"grade": false, "grade_id": "answer_ada_q2", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "The effective step is \u03b7 divided by the size of that parameter's recent gradients: look at both ends of the plot."}
# Your answer to question 2, e.g. answer_ada_q2 = "a"
### BEGIN SOLUTION
answer_ada_q2 = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_ada_q2_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 2."""
quiz.check("ada_q2", answer_ada_q2)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_ada_q3_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 3.** Keras's RMSprop with $\rho = 0.9$ starts from a zero average and sees the gradient $g = 1$. Ignoring
# $\epsilon$, its first step is how many times the learning rate? Give a number (three digits).

# %% nbgrader={"grade": false, "grade_id": "answer_ada_q3", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"digits": 3, "hint": "The first average is (1 \u2212 \u03c1) g\u00b2 = 0.1, and Keras's RMSprop has no bias correction: divide g by its square root."}
# Your answer to question 3, e.g. answer_ada_q3 = 1
### BEGIN SOLUTION
answer_ada_q3 = 3.16
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_ada_q3_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 3."""
quiz.check("ada_q3", answer_ada_q3)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_ada_q4_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 4.** Keras 3 divides RMSprop's gradient by $\sqrt{v + \epsilon}$; many papers and Keras 2 write
# $\sqrt{v} + \epsilon$. With $\epsilon = 10^{-7}$, for which gradients do the two give clearly different steps?
#
# * (a) gradients of about $\sqrt{\epsilon} \approx 3 \times 10^{-4}$ or smaller
# * (b) large gradients, $|g| \gg 1$, where $\epsilon$ is added to a large number
# * (c) none: $10^{-7}$ is too small to change any step
# * (d) only the first step, before the average $v$ has built up

# %% nbgrader={"grade": false, "grade_id": "answer_ada_q4", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "Compare \u221a(v + \u03b5) with \u221av + \u03b5 when v is much larger than \u03b5, about \u03b5, and much smaller than \u03b5."}
# Your answer to question 4, e.g. answer_ada_q4 = "b"
### BEGIN SOLUTION
answer_ada_q4 = "a"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_ada_q4_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 4."""
quiz.check("ada_q4", answer_ada_q4)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_explain_ada_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 5 — explain why (1 point, marked by your instructor).** Why can AdaGrad almost stop moving on a long run, even far from the minimum, while RMSprop keeps
# moving?
#
# Write two to four sentences in the cell below (double-click it to edit).

# %% [markdown] nbgrader={"grade": true, "grade_id": "quiz_explain_ada", "locked": false, "points": 1, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# **Model answer.** AdaGrad adds every squared gradient to its accumulator and never forgets, so the accumulator only
# grows and its effective step $\eta/\sqrt{\text{accumulator} + \epsilon}$ only shrinks, roughly like
# $1/\sqrt{t}$ when the gradients stay similar; after many steps the steps are tiny wherever it is.
# RMSprop keeps a decaying average instead ($\rho$), which tracks the *recent* gradients, so its
# effective step stays near $\eta$ divided by their typical size and does not decay with time.
#
# **Rubric (1 point).** 1 point: AdaGrad's sum only grows (never forgets), so its effective step only shrinks, **and**
# RMSprop's exponential average forgets old gradients, so its step does not decay with time.
# ½ point: only one side. 0: "AdaGrad has a smaller learning rate" or anything about momentum.
# ### END SOLUTION
