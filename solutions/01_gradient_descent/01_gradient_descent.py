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
# # Module 1 — What an optimizer does: gradient descent
#
# **The question of this module:** a network has millions of weights and a loss that says how badly
# it does. How do we change the weights so the loss goes down — and how big should each change be?
#
# By the end you will have written gradient descent yourself, found with a slider where it works and
# where it blows up, explained why, and seen the same update in TensorFlow/Keras.
#
# **How to work through this notebook.** Run the cells from the top (Shift+Enter). Where a cell says
# `# YOUR CODE HERE`, replace `raise NotImplementedError()` with your code. The cell after it checks
# your code straight away and names the likely mistake if something is off; the instructor's grader
# runs more checks than you see. Before you hand in, use *Validate* in the toolbar.
#
# > **On Binder?** A Binder session ends after about ten minutes without activity, and your edits
# > go with it. Keep your work with *File → Download*; next time, upload the notebook with the ⬆
# > button in the file browser and carry on where you stopped.

# %% [markdown] include="notation" nbgrader={"grade": false, "grade_id": "notation", "locked": true, "schema_version": 3, "solution": false, "task": false}
# *(Shared text: `make release` puts solutions/_shared/notation.md here; edit it there.)*

# %% [markdown] nbgrader={"grade": false, "grade_id": "training_loop", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 1. The training loop
#
# Training repeats four moves until the loss stops falling:
#
# ![The training loop: parameters, loss, gradient, optimizer update, repeat](training_loop.svg)
#
# The first three are the same for every optimizer. **This course is about the fourth move**: given
# where we are and the gradient, where do we step next?
#
# **An analogy.** You stand on a hillside at night with a headlamp that lights one metre around your
# feet. You want the bottom of the valley. You cannot see it, but you can feel which way the ground
# tilts under you and how steeply. So you take a step downhill, feel again, and step again. The tilt
# is the gradient, the length of your stride is the learning rate — and anyone who has done this on
# a steep slope knows a stride that is too long can carry you across the valley and up the other side.

# %%
import numpy as np

from optcourse.lesson import keras_bridge, landscapes, optim
from optcourse.demos import widgets
from optcourse.grading import checks, quiz
from optcourse.lesson.optim import GDState, gd_init

bowl = landscapes.scaled_bowl()       # f(x, y) = 0.1 x² + 2 y², used throughout


# %% [markdown] nbgrader={"grade": false, "grade_id": "gd_idea", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 2. Gradient descent
#
# The gradient $\nabla L(w)$ points in the direction where the loss rises fastest. Gradient descent
# takes a step of size proportional to it, the other way:
#
# $$
# w \leftarrow w - \eta \, \nabla L(w)
# $$
#
# The learning rate $\eta > 0$ scales the step. Steep ground (a large gradient) gives a large step,
# flat ground a small one, so the steps shrink by themselves as we approach a minimum — if $\eta$
# is right.
#
# Gradient descent keeps no memory between steps, so its state is empty: `gd_init(params)` returns
# `GDState()`, and your step returns that same state untouched. Momentum and Adam will fill it in
# later modules.

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex1_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 1 — one gradient-descent step (2 points)
#
# Write `gd_step`. It returns a **new** array; it must not change `params` or `grads` in place (the
# caller may still need them). Your result is compared with $w - \eta g$ for arrays of several
# shapes, in float32 and float64, at a tolerance of `rtol=1e-5, atol=1e-6`.

# %% nbgrader={"grade": false, "grade_id": "gd_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def gd_step(params, grads, state, *, learning_rate):
    """One gradient-descent step: w_new = w - learning_rate * g.

    params, grads: numpy arrays of the same shape.
    state: a GDState (empty: gradient descent keeps no memory); return it unchanged.
    Returns (new_params, state), leaving the inputs untouched.
    """
    ### BEGIN SOLUTION
    new_params = params - learning_rate * grads
    return new_params, state
    ### END SOLUTION


# %%
# Try it: one step on the bowl from (-9, 2) with learning rate 0.1.
w = np.array([-9.0, 2.0])
g = bowl.gradient(w)                  # [-1.8, 8.0]
new_w, state = gd_step(w, g, gd_init(w), learning_rate=0.1)
print(new_w)                          # expected: [-8.82  1.2 ]

# %% nbgrader={"grade": true, "grade_id": "gd_step_tests", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check that gd_step moves against the gradient by learning_rate × gradient, without changing its inputs."""
checks.gd_step(gd_step)
### BEGIN HIDDEN TESTS
checks.gd_step(gd_step, seed=2718, shapes=[(5,), (2, 3, 2), (1, 1)], learning_rates=[0.003, 2.5, 0.0])
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex2_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 2 — the whole path (3 points)
#
# Training is the step repeated. Write `gd_trajectory`: start at `w0`, take `num_steps` steps with
# your `gd_step`, and return every point visited **including the start**, as an array of shape
# `(num_steps + 1, dim)`. Row 0 is `w0`, row $k$ is the point after $k$ steps.
#
# `grad_fn(w)` returns the gradient at `w`, for example `bowl.gradient`. Two classic traps: leaving
# out the start, and appending the same array again and again while changing it in place (every row
# ends up equal to the last point).

# %% nbgrader={"grade": false, "grade_id": "gd_trajectory", "locked": false, "schema_version": 3, "solution": true, "task": false}
def gd_trajectory(grad_fn, w0, *, learning_rate, num_steps):
    """Run gradient descent from w0 and return all points, start included.

    grad_fn: function returning the gradient at a point.
    Returns a float array of shape (num_steps + 1, dim); row 0 is w0. w0 is not changed.
    """
    ### BEGIN SOLUTION
    w = np.array(w0, dtype=float)
    state = gd_init(w)
    points = [w]
    for _ in range(num_steps):
        w, state = gd_step(w, grad_fn(w), state, learning_rate=learning_rate)
        points.append(w)
    return np.stack(points)
    ### END SOLUTION


# %%
# Try it: three steps on the bowl.
path = gd_trajectory(bowl.gradient, np.array([-9.0, 2.0]), learning_rate=0.1, num_steps=3)
print(path)
# expected:
# [[-9.       2.     ]
#  [-8.82     1.2    ]
#  [-8.6436   0.72   ]
#  [-8.470728 0.432  ]]

# %% nbgrader={"grade": true, "grade_id": "gd_trajectory_tests", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
"""Check that gd_trajectory returns the start and every later point, one row per step."""
checks.gd_trajectory(gd_trajectory)
### BEGIN HIDDEN TESTS
checks.gd_trajectory(gd_trajectory, cases=((0.6, 4), (0.01, 10), (0.25, 2)))
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "predict_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 3. How big a step? Predict first
#
# Before you touch a slider, commit to an answer — write it in the cell below, one sentence:
#
# > **Does a higher learning rate always speed up training?**
#
# Then run the experiment and see whether you were right.

# %% [markdown]
# *My prediction:* (double-click to edit)

# %% [markdown] nbgrader={"grade": false, "grade_id": "experiment_a", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Experiment A: one dimension
#
# Below is gradient descent — **your** `gd_trajectory` — on the parabola $f(w) = a w^2/2$ with
# $a = 4$, starting at $w = 3$. The title tells you whether the run converged or diverged, and at
# which step. Move the learning-rate slider (it is on a log scale) and find:
#
# 1. the learning rate at which the path lands on the minimum in **one** step;
# 2. the range in which the path zig-zags across the minimum but still arrives;
# 3. the smallest learning rate at which it **diverges**.

# %% tags=["skip-when-grading"]
parabola = landscapes.parabola(a=4.0)
widgets.learning_rate_explorer(gd_trajectory, parabola, learning_rate=0.05, low=0.01, high=1.0, num_steps=20)

# %% [markdown] nbgrader={"grade": false, "grade_id": "stability_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### What you just saw, in one line of algebra
#
# On $f(w) = a w^2 / 2$ the gradient is $a w$, so one step gives
#
# $$
# w_{t+1} = w_t - \eta a w_t = (1 - \eta a)\, w_t \qquad\Rightarrow\qquad w_t = (1 - \eta a)^t\, w_0 .
# $$
#
# Everything depends on the factor $1 - \eta a$:
#
# * $0 < \eta < 1/a$: the factor is between 0 and 1 — smooth, one-sided approach; slow when $\eta$ is small.
# * $\eta = 1/a$: the factor is 0 — the minimum in a single step. This is the fastest rate.
# * $1/a < \eta < 2/a$: the factor is between −1 and 0 — the path jumps across the minimum each step, shrinking.
# * $\eta > 2/a$: $|1 - \eta a| > 1$ — every step overshoots further than the last: **divergence**.
#
# So plain gradient descent on this bowl is stable if and only if $0 < \eta < 2/a$. With $a = 4$:
# fastest at 0.25, diverging above 0.5. Did your slider agree?

# %% [markdown] nbgrader={"grade": false, "grade_id": "myth_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Myth: "a higher learning rate is always faster"
#
# Measured, not asserted: for many learning rates, count the steps your gradient descent needs to
# bring the loss on the parabola below a millionth of its starting value.

# %% tags=["skip-when-grading"]
import matplotlib.pyplot as plt

rates = np.sort(np.append(np.geomspace(0.01, 0.6, 60), 0.25))   # 0.25 = 1/a, on the grid
steps_needed = []
for rate in rates:
    path = gd_trajectory(parabola.gradient, np.array(parabola.start), learning_rate=rate, num_steps=400)
    losses = parabola.value(path)
    reached = np.flatnonzero(losses <= 1e-6 * losses[0])
    steps_needed.append(reached[0] if reached.size else np.nan)   # nan: never got there

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.semilogx(rates, steps_needed, marker="o", markersize=3, color="#0072B2", label="steps to reach the minimum")
ax.axvline(1 / 4.0, color="#009E73", linestyle="--", label="η = 1/a (fastest)")
ax.axvline(2 / 4.0, color="#D55E00", linestyle=":", label="η = 2/a (diverges beyond)")
ax.set_xlabel("learning rate η (log scale)")
ax.set_ylabel("steps needed")
ax.set_title("Parabola a = 4: more learning rate is faster only up to a point")
ax.legend()
plt.show()
print(f"fastest: η = {rates[np.nanargmin(steps_needed)]:.3f}; "
      f"no convergence from η = {rates[np.isnan(steps_needed)].min():.3f} on")

# %% [markdown] nbgrader={"grade": false, "grade_id": "experiment_b_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Steps fall as the rate grows towards $1/a$, rise again past it, and beyond $2/a$ the run never
# arrives at all. **A higher learning rate is faster only up to a point; beyond it, it is slower, and
# then it diverges.**
#
# ### Experiment B: a badly scaled bowl
#
# Real losses curve differently in different directions. Here is
# $f(x, y) = 0.1\,x^2 + 2\,y^2$: its curvature is $a = 0.2$ along $x$ and $a = 4$ along $y$ — twenty
# times steeper. Try to find one learning rate that is good for both directions, and then the one
# learning rate that gets to the minimum in the **fewest steps**. Write it down before you read on.

# %% tags=["skip-when-grading"]
widgets.learning_rate_explorer(gd_trajectory, bowl, learning_rate=0.1, low=0.01, high=1.0, num_steps=40)

# %% [markdown] nbgrader={"grade": false, "grade_id": "experiment_b_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# You cannot. The steep direction $y$ caps the learning rate at $2/4 = 0.5$; near that cap $y$
# bounces from wall to wall, while along the shallow $x$ direction each step removes only
# $0.2\,\eta \le 10\%$ of the distance — so $x$ crawls. One global learning rate has to suit the
# steepest direction, and the flat directions pay for it.
#
# ### The condition number
#
# How bad is "badly scaled"? The ratio of the largest to the smallest curvature,
# $\kappa = a_{\max}/a_{\min}$, is the **condition number**; here $\kappa = 4/0.2 = 20$. With one learning
# rate, each direction shrinks by its own factor $|1 - \eta a|$ per step, and the slower of the two
# decides. The best single rate makes the two factors equal,
#
# $$
# \eta^* = \frac{2}{a_{\min} + a_{\max}}, \qquad
# \text{and then every step shrinks the error by } \frac{\kappa - 1}{\kappa + 1}.
# $$
#
# Measured with your `gd_trajectory`: the steps needed to bring the loss below a millionth of its
# start, for many rates, and the error's shrinking per step at the best one.

# %% tags=["skip-when-grading"]
a_min, a_max = 0.2, 4.0                              # the bowl's two curvatures, 2 × 0.1 and 2 × 2
kappa = a_max / a_min
best_rate_theory = 2 / (a_min + a_max)
bowl_rates = np.sort(np.append(np.linspace(0.05, 0.49, 45), best_rate_theory))
bowl_steps = []
for rate in bowl_rates:
    losses = bowl.value(gd_trajectory(bowl.gradient, np.array(bowl.start), learning_rate=rate, num_steps=1500))
    reached = np.flatnonzero(losses <= 1e-6 * losses[0])
    bowl_steps.append(reached[0] if reached.size else np.nan)
best_rate_measured = bowl_rates[np.nanargmin(bowl_steps)]
path = gd_trajectory(bowl.gradient, np.array(bowl.start), learning_rate=best_rate_theory, num_steps=50)
shrink_per_step = np.linalg.norm(path[-1]) / np.linalg.norm(path[-2])
steps_at = dict(zip(np.round(bowl_rates, 3), bowl_steps))
print(f"κ = {kappa:.0f}; fewest steps ({np.nanmin(bowl_steps):.0f}) at η = {best_rate_measured:.3f}; "
      f"2/(a_min + a_max) = {best_rate_theory:.3f}, where it takes {steps_at[round(best_rate_theory, 3)]} steps; "
      f"at η = 0.49: {steps_at[0.49]} steps")
print(f"at that rate the distance to the minimum shrinks by {shrink_per_step:.3f} per step; "
      f"(κ − 1)/(κ + 1) = {(kappa - 1) / (kappa + 1):.3f}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "condition_reveal", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The theory's best rate is $\eta^* = 2/(0.2 + 4) \approx 0.476$, close to the divergence limit 0.5,
# and even there the distance to the minimum shrinks only by $19/21 \approx 0.905$ per step, as
# measured: about 70 steps (70 counted) for a millionth of the loss, since the loss shrinks with the
# square of the distance. The count of steps jitters by a few from rate to rate — the fewest, 67, came
# at $\eta = 0.47$ — but just above $\eta^*$ it climbs fast (161 steps at 0.49), because the steep
# direction's bouncing then dies away more and more slowly. The larger $\kappa$, the closer $(\kappa-1)/(\kappa+1)$ is to 1 and the slower
# plain gradient descent gets, whatever its learning rate. $\kappa$ is the thread of the modules that
# follow: each optimizer is a way to make the landscape *look* less badly conditioned.
#
# Every optimizer after this one is an answer to this picture: **momentum** (Module 3) builds up
# speed along the consistent $x$ direction and cancels the $y$ zig-zag; **AdaGrad, RMSprop and Adam**
# (Modules 4–5) give each parameter its own step size.

# %% [markdown] nbgrader={"grade": false, "grade_id": "keras_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 4. The Keras way
#
# In TensorFlow the same update is `tf.keras.optimizers.SGD`. Without momentum it is exactly
# gradient descent: `w ← w − learning_rate × g` (its default learning rate is 0.01; the string
# `"sgd"` in `model.compile(optimizer="sgd")` gives that default). `tf.GradientTape` records the
# loss computation so TensorFlow can work out the gradient, and `apply_gradients` takes the step.
# Below, Keras walks the bowl and we compare its path with yours.

# %% tags=["skip-when-grading"]
tf = keras_bridge.import_tensorflow()

w = tf.Variable([-9.0, 2.0])
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)
keras_path = [w.numpy()]
for _ in range(20):
    with tf.GradientTape() as tape:
        loss = 0.1 * w[0] ** 2 + 2.0 * w[1] ** 2     # the bowl, written with TensorFlow operations
    gradients = tape.gradient(loss, [w])
    optimizer.apply_gradients(zip(gradients, [w]))
    keras_path.append(w.numpy())

your_path = gd_trajectory(bowl.gradient, np.array([-9.0, 2.0]), learning_rate=0.1, num_steps=20)
difference = np.abs(np.array(keras_path) - your_path).max()
print(f"Keras took {int(optimizer.iterations)} steps; learning rate {float(optimizer.learning_rate):g}")
print(f"largest difference from your path: {difference:.1e}  (float32 in Keras vs float64 here)")

# %% [markdown] nbgrader={"grade": false, "grade_id": "takeaways", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The paths agree to float32 rounding. In later modules Keras becomes the referee: your momentum,
# RMSprop and Adam are checked against `tf.keras.optimizers` step by step.
#
# ## Key takeaways
#
# * An optimizer turns a gradient into a step; training repeats *loss → gradient → step*.
# * Gradient descent: $w \leftarrow w - \eta \nabla L(w)$. Its state is empty.
# * On $f(w) = a w^2 / 2$ it is stable exactly when $0 < \eta < 2/a$ and fastest at $\eta = 1/a$.
#   Too small is slow; too large overshoots, oscillates and then diverges.
# * A higher learning rate is **not** always faster.
# * When curvature differs between directions, one learning rate cannot suit them all: the steepest
#   direction sets the limit and the flat ones crawl. The condition number $\kappa = a_{\max}/a_{\min}$
#   measures it; the best single rate $2/(a_{\min} + a_{\max})$ still shrinks the error only by
#   $(\kappa-1)/(\kappa+1)$ per step. The rest of the course fixes this.
# * Keras: `tf.keras.optimizers.SGD(learning_rate=...)` runs the same update.

# %% [markdown] include="quiz_intro" nbgrader={"grade": false, "grade_id": "quiz_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# *(Shared text: `make release` puts solutions/_shared/quiz_intro.md here; edit it there.)*

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_gd_q1_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 1.** *Read the figure.* The cell below runs gradient descent on the parabola $f(w) = a w^2/2$ with
# $a = 4$, from $w = 3$, at four learning rates, and plots $w$ after each step. Which run used a
# learning rate between $1/a$ and $2/a$, just below the stability limit? Tell it from the shape of its path.
#
# * (a) run A (blue)
# * (b) run C (green)
# * (c) run D (purple)
# * (d) run B (orange)

# %% tags=["skip-when-grading"]
# Gradient descent on f(w) = a w²/2 with a = 4, from w = 3, at four learning rates. Each step
# multiplies w by (1 − η a), so the path is a geometric sequence. The runs are named by letter only.
import matplotlib.pyplot as plt
import numpy as np

quiz_curvature, quiz_start = 4.0, 3.0
quiz_runs = {"A": 0.05, "B": 0.2, "C": 0.45, "D": 0.55}      # the learning rate of each run
fig, ax = plt.subplots(figsize=(6.5, 3.5))
for (name, rate), colour, marker in zip(quiz_runs.items(), ["tab:blue", "tab:orange", "tab:green", "tab:purple"], "osD^"):
    ax.plot(quiz_start * (1 - rate * quiz_curvature) ** np.arange(13), marker=marker, color=colour, label=f"run {name}")
ax.axhline(0, color="gray", linewidth=0.8)
ax.set(xlabel="step", ylabel="w", ylim=(-8, 8), title="Four runs on the parabola a = 4 (which rate is which?)")
ax.legend(loc="upper right")
plt.show()

# %% nbgrader={"grade": false, "grade_id": "answer_gd_q1", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "Between 1/a and 2/a each step overshoots the minimum, but by less than the distance it started from."}
# Your answer to question 1, e.g. answer_gd_q1 = "a"
### BEGIN SOLUTION
answer_gd_q1 = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_gd_q1_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 1."""
quiz.check("gd_q1", answer_gd_q1)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_gd_q2_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 2.** *Revisit your prediction.* In section 3 you predicted whether a higher learning rate always speeds
# up training. In Experiment A ($a = 4$, from $w = 3$), which learning rate reaches the minimum
# fastest, in a single step? Give a number. (Above it every step overshoots, so the runs get slower
# again, and from $2/a$ on they diverge: higher is not always faster.)

# %% nbgrader={"grade": false, "grade_id": "answer_gd_q2", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "One step lands exactly on the minimum when the factor 1 \u2212 \u03b7a is zero."}
# Your answer to question 2, e.g. answer_gd_q2 = 0.5
### BEGIN SOLUTION
answer_gd_q2 = 0.25
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_gd_q2_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 2."""
quiz.check("gd_q2", answer_gd_q2)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_gd_q3_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 3.** On the bowl $f(x, y) = 0.1\,x^2 + 2\,y^2$, which direction sets the largest learning rate that
# still converges, and what is that limit?
#
# * (a) $y$, the steeper direction (curvature 4): $\eta < 0.5$
# * (b) $x$, the flatter direction (curvature 0.2), since it is the slowest: $\eta < 10$
# * (c) their average curvature, 2.1: $\eta < 0.95$
# * (d) neither: on a bowl any learning rate converges in the end

# %% nbgrader={"grade": false, "grade_id": "answer_gd_q3", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "Each direction has its own limit 2/(its curvature); the run diverges as soon as one of them is exceeded."}
# Your answer to question 3, e.g. answer_gd_q3 = "b"
### BEGIN SOLUTION
answer_gd_q3 = "a"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_gd_q3_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 3."""
quiz.check("gd_q3", answer_gd_q3)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_gd_q4_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 4.** You double the learning rate of a run on $f(w) = a w^2/2$ that was converging smoothly. What can happen?
#
# * (a) it always converges twice as fast, since every step covers twice the distance
# * (b) nothing much changes: the steps shrink by themselves as the gradient does
# * (c) faster, zig-zag or divergence: it depends on where $2\eta$ falls against $1/a$ and $2/a$
# * (d) it always diverges, because a run that converges smoothly is already at its largest stable rate

# %% nbgrader={"grade": false, "grade_id": "answer_gd_q4", "locked": false, "schema_version": 3, "solution": true, "task": false} quiz={"hint": "Recall what the slider showed just below 1/a, between 1/a and 2/a, and above 2/a."}
# Your answer to question 4, e.g. answer_gd_q4 = "a"
### BEGIN SOLUTION
answer_gd_q4 = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_gd_q4_check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the answer to question 4."""
quiz.check("gd_q4", answer_gd_q4)

# %% [markdown] nbgrader={"grade": false, "grade_id": "quiz_explain_gd_prompt", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 5 — explain why (1 point, marked by your instructor).** On $f(w) = a w^2/2$, why does gradient descent diverge for *every* learning rate above
# $2/a$, however close to the minimum it starts?
#
# Write two to four sentences in the cell below (double-click it to edit).

# %% [markdown] nbgrader={"grade": true, "grade_id": "quiz_explain_gd", "locked": false, "points": 1, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# **Model answer.** One step gives $w_{t+1} = w_t - \eta a w_t = (1 - \eta a)\,w_t$: every step multiplies the distance to
# the minimum by the same factor $1 - \eta a$. Above $\eta = 2/a$ that factor is below $-1$, so each step
# overshoots to the other side *further* than it started, and the distance grows geometrically from
# any start other than the minimum itself; starting close only delays it.
#
# **Rubric (1 point).** 1 point: the update multiplies $w$ by $1 - \eta a$ (or says each step overshoots by more than the
# current distance) **and** connects $|1 - \eta a| > 1$ with $\eta > 2/a$. ½ point: "the steps
# overshoot / are too large" without saying why the overshoot grows, or the factor without the
# condition. 0: "the learning rate is too big" alone, or a reason about the gradient vanishing.
# ### END SOLUTION
