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
    claim("the full batch's close to its limit", f"0.8 * 2 / steepest < settings[{FULL}][1] < 2 / steepest"),
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

SHUFFLED_FLOOR, INDEPENDENT_FLOOR = "floors[SHUFFLED]", "floors[INDEPENDENT]"
CLAIMS += [
    # The sources' "weights updated after each epoch".
    claim("mini-batch SGD updates them after every batch, [[32]] times per epoch here",
          "len(minibatch_indices(len(y), 32, np.random.default_rng(0)))"),
    # The condition number of the course's data.
    claim("on the min-max scaled and on the standardised features: the same algorithm as your two functions",
          "np.isclose(runs.minibatch_sgd_losses(X, y, [0.2], batch_size=32, epochs=5)[0, -1], final['mini-batch (32)'])"),
    claim("for 10 epochs and [[25]] learning rates", "len(band_rates)"),
    claim("The raw features give a κ of about [[980]] thousand", "kappas['raw'] / 1000"),
    claim("leaves it at [[980]] thousand", "kappas['raw ÷ 10'] / 1000"),
    claim("Min-max scaling cuts κ to [[583]], not to 1", "kappas['min-max scaled']"),
    claim("Centring alone takes κ to [[56]]", "kappas['min-max, centred']"),
    claim("and κ falls to [[1.40]]", "kappas['standardised']"),
    claim("every column now lies in $[0, 1]$, but none is centred (their means, near [[0.5]]", "X.mean()", tol=0.1),
    claim("and their spreads, about [[0.15]], are small next to the bias's constant input 1", "X.std(axis=0).mean()", tol=0.02),
    claim("the bias is then the steep direction, curvature [[2]], against about [[0.05]] for the features",
          "datasets.curvatures(X - X.mean(axis=0))[-1]", "datasets.curvatures(X - X.mean(axis=0))[:-1].mean()", tol=0.01),
    claim("Standardising gives every feature the bias's curvature", "np.allclose(datasets.curvatures(X_std[:, :1])[-1], 2)"),
    claim("SGD got within twice the smallest loss in 10 epochs only for η from [[0.149]] to [[0.208]], just under its "
          "stability limit $2/a_{\\max} \\approx [[0.27]]$", "bands['min-max scaled'][0]", "bands['min-max scaled'][1]",
          "limits['min-max scaled']"),
    claim("for every η from [[0.0038]] to [[0.405]] — a band [[2.03]] decades wide instead of [[0.14]]",
          "bands['standardised'][0]", "bands['standardised'][1]",
          "np.log10(bands['standardised'][1] / bands['standardised'][0])",
          "np.log10(bands['min-max scaled'][1] / bands['min-max scaled'][0])"),
    claim("for every η from 0.0038 to 0.405", "(finals['standardised'][(band_rates >= 0.0037) & (band_rates <= 0.41)] <= 2 * lowest).all()"),
    # The spread of the mini-batch gradient.
    claim("for batch sizes from 1 to all [[1000]] examples, the root-mean-square length of at least [[200]] mini-batch gradients",
          "spread_sizes.max()", "200"),
    claim("each batch four times larger halves it ([[0.38]] at $B = [[1]]$, [[0.20]] at [[4]], [[0.097]] at [[16]], [[0.048]] at [[64]])",
          "spread[0]", "spread_sizes[0]", "spread[1]", "spread_sizes[1]", "spread[2]", "spread_sizes[2]", "spread[3]", "spread_sizes[3]"),
    claim("The spread falls as $1/\\sqrt{B}$", "np.ptp(spread[:4] * np.sqrt(spread_sizes[:4])) < 0.1 * spread[0]"),
    claim("Near the size of the data it falls faster", "spread[4] * np.sqrt(256) < 0.95 * spread[0]"),
    claim("drawn without replacement from only [[1000]] examples", "len(y)"),
    claim("at $B = [[1000]]$ every batch is the whole data and the noise is zero", "spread_sizes[-1]"),
    claim("the noise is zero", "spread[-1] < 1e-12"),
    claim("a batch [[32]] times larger costs [[32]] times more per step and removes only a factor $\\sqrt{32} \\approx [[5.7]]$",
          "32", "32", "np.sqrt(32)"),
    # The noise floor.
    claim("there SGD reaches the minimum within an epoch, so what remains is the floor",
          "runs.minibatch_sgd_losses(X_std, y, [0.1], batch_size=32, epochs=1)[0, -1] < 1.2 * lowest"),
    claim("[[20]] epochs, the loss above the minimum averaged over every step of the last [[10]] epochs", "20", "10"),
    claim("The floor rises with the learning rate", "all((np.diff(f) > 0).all() for f in floors.values())"),
    claim("from η = [[0.025]] to [[0.4]] it grows about [[82]]-fold with shuffled epochs",
          "floor_rates[0]", "floor_rates[-1]", f"{SHUFFLED_FLOOR}[-1] / {SHUFFLED_FLOOR}[0]", tol=3),
    claim("doubling a small rate roughly doubles the floor ([[2.0]]× from [[0.025]] to [[0.05]])",
          "halving[INDEPENDENT][0]", "floor_rates[0]", "floor_rates[1]"),
    claim("Shuffled epochs sit lower at small rates ([[2.6]] times lower at η = [[0.025]])",
          f"{INDEPENDENT_FLOOR}[0] / {SHUFFLED_FLOOR}[0]", "floor_rates[0]"),
    claim("and fall faster, about [[3]]× per halving of η", "np.median(halving[SHUFFLED])", tol=0.25),
    claim("and fall faster", "(halving[SHUFFLED][:3] > halving[INDEPENDENT][:3]).all()"),
    # The linear scaling rule.
    claim("From $B = [[8]]$ to $B = [[32]]$ the curves per epoch coincide: the mean loss of each epoch differs by at most [[6.2]]% from the $B = 8$ run",
          "min(scaled_runs)", "32", "100 * scaling_gap"),
    claim("though the run with $B = 32$ takes [[32]] steps per epoch against [[125]]", "-(-len(y) // 32)", "-(-len(y) // 8)"),
    claim("At $B = [[64]]$ the rule asks for η = [[0.4]], above this data's stability limit $2/a_{\\max} \\approx [[0.27]]$, and the run diverges",
          "max(scaled_runs)", "scaled_runs[64]", "limits['min-max scaled']"),
    claim("and the run diverges", "not np.isfinite(curves['B = 64, η = 0.4'][1][-1]) or curves['B = 64, η = 0.4'][1][-1] > 1e6"),
    claim("with the standardised features the limit is [[0.86]], so the same rule would carry a batch [[3.2]] times larger",
          "limits['standardised']", "limits['standardised'] / limits['min-max scaled']"),
]

GIVEN += [
    "the raw features divided by 10",
    "Dividing every feature by 10",
]

CLAIMS += [
    # Key takeaways.
    claim("κ = [[583]] with min-max scaling, [[1.40]] standardised", "kappas['min-max scaled']", "kappas['standardised']"),
    claim("the band of learning rates that train well ([[0.14]] against [[2.03]] decades)",
          "np.log10(bands['min-max scaled'][1] / bands['min-max scaled'][0])",
          "np.log10(bands['standardised'][1] / bands['standardised'][0])"),
]
