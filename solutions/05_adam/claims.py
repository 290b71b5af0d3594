"""What Module 5's prose states about its runs (see tests/claims.py for the format)."""
CORRECTED, UNCORRECTED = "curves['with bias correction', 0.01]", "curves['without', 0.01]"

CLAIMS = [
    # How much too large an uncorrected step is, over time.
    claim("it starts at [[3.2]], *rises* to [[6.6]] around step [[12]]", "too_large[0]", "too_large.max()", "peak_step"),
    claim("and is still [[2.0]] at step [[300]]", "too_large[299]", "steps[299]"),
    claim("[[3.2]]× at step 1, [[6.6]]× around step [[12]], still [[2.0]]× at step [[300]]",
          "too_large[0]", "too_large.max()", "peak_step", "too_large[299]", "steps[299]"),
    # One training run with and without it.
    claim("by step [[5]] it is lower than the corrected run gets in all [[21]] steps",
          f"np.argmax({UNCORRECTED} < {CORRECTED}.min())", f"len({CORRECTED})"),
    claim("Then it overshoots and bounces", f"{UNCORRECTED}[6] > 3 * {UNCORRECTED}.min()"),
    claim("on all 200 rows it ends a little worse ([[0.32]] against [[0.28]])",
          "full_loss['without', 0.01]", "full_loss['with bias correction', 0.01]"),
    claim("at $\\eta = 0.3$ the corrected run's highest batch loss is its first (step [[0]]), [[12.7]],",
          "np.argmax(curves['with bias correction', 0.3])", "curves['with bias correction', 0.3].max()"),
    claim("while the uncorrected one shoots up to [[783]] before it recovers, and it ends at [[1.6]] against [[0.21]] on all the data",
          "curves['without', 0.3].max()", "full_loss['without', 0.3]", "full_loss['with bias correction', 0.3]"),
    # The race on the bowl.
    claim("RMSprop first (its loss is below a thousandth of the start from step [[10]]), momentum second (step [[55]]), "
          "Adam last (not within the 80 steps)",
          "steps_to_arrive(race_losses['RMSprop'])", "steps_to_arrive(race_losses['momentum'])"),
    claim("Adam last (not within the 80 steps)", "np.isnan(steps_to_arrive(race_losses['Adam']))"),
    claim("so from [[9]] units away it needs some [[90]] steps", "-bowl.start[0]", "-bowl.start[0] / 0.1"),
    claim("raise $\\eta$ to 0.3 and it arrives at step [[37]]", "steps_to_arrive(race_losses['Adam at η = 0.3'])"),
    claim("$\\eta/\\sqrt{1-\\rho} \\approx [[32]]\\,\\eta$ at $\\rho = 0.999$", "1 / np.sqrt(1 - 0.999)"),
    # Adam with beta_1 = 0 against RMSprop.
    claim("The ratio of the two steps is exactly Adam's correction of $v$",
          "np.allclose(adam_move / rms_move, np.sqrt(1 - 0.99**1000))"),
    # Keras against the learner's Adam.
    claim("each parameter moved by exactly the learning rate, 0.1", "np.allclose(w, [0.8, -2.2])"),
]

GIVEN = [
    "a noisy gradient with mean 1 (spread 0.5)",   # the explorer's input, stated in its docstring
]

# AdamW against Adam + L2 (section 6), from the run's own v.
CLAIMS += [
    claim("Adam + L2 pulls a typical weight [[11]] times as hard as AdamW (the median)", "np.median(pull)"),
    claim("the weights whose gradients are smallest more than 1000 times as hard", "pull.max() > 1000"),
    claim("Only a few weights, those with the largest gradients, are pulled less hard than by AdamW",
          "0 < np.mean(pull < 1) < 0.1"),
    claim("the norm of all the weights went from [[3.83]] to [[4.24]] without decay, to [[4.23]] with AdamW and to [[3.56]] with Adam + L2",
          "start_norm", "norms['Adam']", "norms['AdamW']", "norms['Adam + L2']"),
    claim("AdamW's pull of $\\eta\\lambda = [[4]]\\times10^{-5}$ of each weight per step", "0.01 * weight_decay * 1e5"),
]

# Adam on the bowl turned by 45° (section 4), steps to a millionth of the loss, fewest over the rates.
ADAM_AXES, ADAM_TURNED = "turn_counts['Adam', 'axes']", "turn_counts['Adam', 'turned']"
BOTH = f"np.flatnonzero(np.isfinite({ADAM_AXES}) & np.isfinite({ADAM_TURNED}))"      # rates at which Adam arrives on both bowls
CLAIMS += [
    claim("Module 4 turned the bowl by [[45]]°",
          "float(np.degrees(np.arctan2(turned.start[1], turned.start[0]) - np.arctan2(bowl.start[1], bowl.start[0])) % 360)"),
    claim("at [[13]] learning rates from [[0.01]] to [[10]]", "len(turn_rates)", "turn_rates[0]", "turn_rates[-1]"),
    claim("Gradient descent needs [[101]] steps on both bowls: the control does not move",
          "fewest['gradient descent', 'axes']"),
    claim("Gradient descent needs 101 steps on both bowls",
          "np.array_equal(turn_counts['gradient descent', 'axes'], turn_counts['gradient descent', 'turned'], equal_nan=True)"),
    claim("[[29]] steps along the axes, [[76]] turned, [[2.6]] times as many",
          "fewest['Adam, β₁ = 0', 'axes']", "fewest['Adam, β₁ = 0', 'turned']",
          "fewest['Adam, β₁ = 0', 'turned'] / fewest['Adam, β₁ = 0', 'axes']"),
    claim("Its fewest steps go from [[86]] to [[99]]", "fewest['Adam', 'axes']", "fewest['Adam', 'turned']"),
    claim("at all but one of the rates at which it arrives its two curves lie within a quarter of each other",
          f"np.sum(np.abs({ADAM_TURNED}[{BOTH}] / {ADAM_AXES}[{BOTH}] - 1) > 0.25) == 1"),
    claim("only at the smallest rate at which it arrives on both bowls does the turn cost it many steps ([[88]] against [[166]] at η = [[0.18]])",
          f"{ADAM_AXES}[{BOTH}[0]]", f"{ADAM_TURNED}[{BOTH}[0]]", f"turn_rates[{BOTH}[0]]"),
    claim("only at the smallest rate at which it arrives on both bowls does the turn cost it many steps",
          f"{ADAM_TURNED}[{BOTH}[0]] > 1.5 * {ADAM_AXES}[{BOTH}[0]]"),
    claim("and its fastest runs swing across the minimum",
          "all(np.count_nonzero(np.diff(np.sign(best_path['Adam', name][:, k]))) > 3 for name in ('axes', 'turned') for k in (0, 1))"),
    claim("from step [[100]] to [[200]] Adam's fastest runs shrink it by [[0.949]] per step along the axes and by [[0.949]] turned, "
          "which is $\\sqrt{\\beta_1}$",
          "100", "len(best_path['Adam', 'axes']) - 1", "adam_pace['axes']", "adam_pace['turned']"),
    claim("which is $\\sqrt{\\beta_1}$", "all(abs(adam_pace[name] - np.sqrt(0.9)) < 0.002 for name in ('axes', 'turned'))"),
    claim("at its best it needs about as many steps as gradient descent",
          "all(abs(fewest['Adam', name] / fewest['gradient descent', name] - 1) < 0.2 for name in ('axes', 'turned'))"),
]
CLAIMS += [
    claim("bowl turned by [[45]]° your Adam with $\\beta_1 = 0$ needed [[2.6]] times the steps",
          "float(np.degrees(np.arctan2(turned.start[1], turned.start[0]) - np.arctan2(bowl.start[1], bowl.start[0])) % 360)",
          "fewest['Adam, β₁ = 0', 'turned'] / fewest['Adam, β₁ = 0', 'axes']"),
    claim("and the turn cost it little", "fewest['Adam', 'turned'] < 1.25 * fewest['Adam', 'axes']"),
]
