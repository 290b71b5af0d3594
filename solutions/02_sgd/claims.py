"""What Module 2's prose states about its runs (see tests/claims.py for the format)."""
FULL, MINI, ONE = "'full batch (1000)'", "'mini-batch (32)'", "'SGD (1)'"

CLAIMS = [
    # The table of section 1 and the problem.
    claim("steps per epoch ($n$ = [[1000]])", "len(y)"),
    claim("| stochastic gradient descent (SGD) | 1 | one example | large | [[1000]] |", f"steps_taken[{ONE}] / 5"),
    claim("$\\lceil 1000/32 \\rceil = [[32]]$", f"steps_taken[{MINI}] / 5"),
    claim("And with [[1000]] examples and a > batch size of 32", "len(y)"),
    claim("the shape used again in Module 7: [[1000]] examples, [[10]] features", "X.shape[0]", "X.shape[1]"),
    claim("scaled** to $[0, 1]$", "X.min() == 0 and X.max() == 1"),
    # Section 4: batch sizes compared.
    claim("Module 1's rule gives a limit of $2/a_{\\max} \\approx [[0.27]]$ here", "2 / steepest"),
    claim("The learning rates are each close to the largest that behaves well for that batch size",
          f"settings[{FULL}][1] < 2 / steepest"),
    claim("full-batch gradient descent gets **one** step out of it, mini-batch SGD [[32]], and SGD [[1000]]",
          f"steps_taken[{MINI}] / 5", f"steps_taken[{ONE}] / 5"),
    claim("Full batch has barely started after five epochs", f"final[{FULL}] > 0.8 * train(1000, 0.25, epochs=0)[0][0]"),
    claim("pure SGD gets lowest per epoch, with mini-batches second", f"final[{ONE}] < final[{MINI}] < final[{FULL}]"),
    claim("slowest of the three", f"seconds_taken[{ONE}] > max(seconds_taken[{MINI}], seconds_taken[{FULL}])"),
    claim("because [[1000]] tiny steps", f"steps_taken[{ONE}] / 5"),
    claim("Try batch size 1 and then the full [[200]]", "len(datasets.line_data().y)"),
    # Noise on two landscapes.
    claim("from $w = [[2]]$: a shallow dip near $w = [[0.79]]$ is met first; the deep minimum is near $w = [[-1.13]]$",
          "well.start[0]", "np.sort(np.roots([1.0, 0.0, -1.0, 0.3]).real)[2]", "well.minimum[0]"),
    claim("Without noise every run stops in the shallow dip", "escaped[0.0] == 0"),
    claim("with $\\sigma = 1$, [[64]]% of the runs end in the deep minimum, with $\\sigma = [[2]]$, [[96]]%",
          "100 * escaped[1.0]", "sigmas[-1]", "100 * escaped[2.0]"),
    claim("their spread around the minimum is [[0.33]] at $\\sigma = 1$", "spread_deep[1.0]"),
    claim("exact gradients keep the path on the ridge for ever", "left_ridge[0.0][0] == 0"),
    claim("tips every run off it, after a median of [[69]] steps", "left_ridge[0.01][1]"),
    claim("tips every run off it", "left_ridge[0.01][0] == 1"),
    # What Keras logs.
    claim("The logged [[0.3253]] is the size-weighted mean of the batch losses, to float32 rounding",
          "logged"),
    claim("is the size-weighted mean of the batch losses, to float32 rounding", "abs(logged - size_weighted_mean) < 1e-5"),
    claim("the last batch alone gave [[0.1125]] and the model at the end of the epoch has [[0.2426]]",
          "batch_losses[-1]", "datasets.mse_loss(after_epoch, X, y)"),
    # The pitfall.
    claim("the model has taken [[32]] times fewer steps", "steps[32] / steps[len(X)]"),
]

GIVEN = [
    "The raw features have scales from 0.1 to 100",     # datasets.regression_data's construction, stated in its code
]
