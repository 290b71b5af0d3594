"""What Module 3's prose states about its runs (see tests/claims.py for the format)."""
DEEP_ROWS = "ends_deep[np.array(well_momenta) >= 0.8]"

CLAIMS = [
    # The ravine, measured at the slider's start.
    claim("momentum covers in tens of steps what SGD needs hundreds for ([[56]] against [[310]] here)",
          "arrival['momentum 0.9']", "arrival['SGD']"),
    claim("(momentum's path swings out to $x = [[1.38]]$ beyond the minimum at 0)", "overshoot['momentum 0.9']"),
    claim("its swings are smaller (to $x = [[1.08]]$) and it arrives after [[23]] steps",
          "overshoot['Nesterov 0.9']", "arrival['Nesterov 0.9']"),
    claim("shrinks by the factor $1 - \\eta a = [[0.8]]$ each step and never changes sign ([[0]] crossings)",
          "1 - 0.05 * 4.0", "y_crossings['SGD']"),
    claim("momentum's $y$ crosses zero [[8]] times in those [[56]] steps", "y_crossings['momentum 0.9']", "arrival['momentum 0.9']"),
    claim("its swings shrinking only by about $\\sqrt{\\mu} \\approx [[0.95]]$ per step", "np.sqrt(0.9)"),
    claim("(A popular picture says that alternating gradients", "y_crossings['momentum 0.9'] > y_crossings['SGD']"),
    # The stability map.
    claim("Momentum **raises the divergence limit** from $\\eta a < 2$ (plain gradient descent, the bottom edge) to almost $\\eta a < 4$",
          "learning_rates[grid[0] != runs.DIVERGED].max() < 2 < 3.5 < learning_rates[grid[-1] != runs.DIVERGED].max()"),
    claim("almost every (η, μ) pair with a large momentum **oscillates**", "np.mean(grid[momenta >= 0.8] == runs.OSCILLATING) > 0.8"),
    # The shallow dip.
    claim("a shallow dip on the right (near $w = [[0.79]]$) and its deep minimum on the left (near $w = [[-1.13]]$)",
          "np.sort(np.roots([1.0, 0.0, -1.0, 0.3]).real)[2]", "well.minimum[0]"),
    claim("runs [[500]] steps for each pair below", "500"),
    claim("Plain gradient descent (momentum 0) and momentum 0.5 stop in the shallow dip at every rate tried",
          "not ends_deep[:2].any()"),
    claim("With momentum [[0.8]] or more the runs roll over the bump into the deep minimum — in [[8]] of the [[9]] runs",
          "min(m for m, row in zip(well_momenta, ends_deep) if row.any())", f"{DEEP_ROWS}.sum()", f"{DEEP_ROWS}.size"),
    claim("at $\\eta = 0.1$ with momentum 0.9 the ball crosses into the deep side and swings back out again",
          "not ends_deep[well_momenta.index(0.9), well_rates.index(0.1)]"),
    claim("momentum ≥ [[0.8]] rolled out of the shallow dip in [[8]] of [[9]] runs, plain gradient descent never",
          "min(m for m, row in zip(well_momenta, ends_deep) if row.any())", f"{DEEP_ROWS}.sum()", f"{DEEP_ROWS}.size"),
    # Keras against the learner's momentum.
    claim("(10 inputs → [[16]] ReLU units → 1 output)", "yours.layers[0].units"),
    claim("differences are at float32 rounding level", "np.abs(your_losses - keras_losses).max() < 1e-5"),
]

GIVEN = []

CLAIMS += [
    # The convergence-rate map.
    claim("(curvatures $a_{\\min} = [[0.2]]$, $a_{\\max} = [[4]]$, condition number $\\kappa = [[20]]$)", "a_min", "a_max", "kappa"),
    claim("every run below starts at 1 in both directions, at rest", "runs.momentum_rate_map([a_min, a_max], [best_eta], [best_mu]).shape == (1, 1)"),
    claim("the Keras rule you wrote, run for every pair at once",
          "np.isclose(runs.momentum_rate_map([a_min, a_max], [0.3], [0.0])[0, 0], max(abs(1 - 0.3 * a_min), abs(1 - 0.3 * a_max)), atol=1e-3)"),
    claim("No cell of the map beats the theory's star at $\\eta^* \\approx [[0.668]]$, $\\mu^* \\approx [[0.403]]$",
          "best_eta", "best_mu"),
    claim("No cell of the map beats the theory's star", "fastest['eta'] == best_eta and fastest['mu'] == best_mu"),
    claim("measured contraction, [[0.635]], is the theory's $(\\sqrt{20}-1)/(\\sqrt{20}+1) \\approx [[0.634]]$ to within [[0.001]]",
          "fastest['contraction']", "np.sqrt(best_mu)", "fastest['contraction'] - np.sqrt(best_mu)", tol=0.0011),
    claim("on the bottom row at $\\eta = 2/(a_{\\min} + a_{\\max})$, manages only [[0.905]]", "gd_fastest"),
    claim("The best plain gradient descent, on the bottom row at", "np.nanargmin(contraction[0]) == np.searchsorted(map_rates, 2 / (a_min + a_max))"),
    claim("momentum needs [[4.5]] times fewer of them, close to $\\sqrt{\\kappa} \\approx [[4.47]]$", "speedup", "np.sqrt(kappa)"),
    claim("on a loss with $\\kappa$ of ten thousand that would be [[100]] times fewer", "np.sqrt(10000)"),
    claim("it is [[23]] steps against [[70]], only [[3.0]] times fewer",
          "counted['momentum']", "counted['gradient descent']", "counted['gradient descent'] / counted['momentum']"),
    claim("a μ a little too large or an η a little too small gives back most of the gain",
          "contraction[best_row, np.searchsorted(map_rates, fastest['eta'] / 2)] > 0.8 and np.nanmin(contraction[np.searchsorted(map_momenta, 0.8)]) > 0.85"),
    # Flat stretches.
    claim("the steps until the point is within [[0.001]] of the minimum, at most ten thousand", "1e-3"),
    claim("plain gradient descent needs [[73]] steps to roll off, momentum 0.5 needs [[44]] and momentum 0.9 only [[27]]",
          "saddle_steps[0.0]", "saddle_steps[0.5]", "saddle_steps[0.9]"),
    claim("plain gradient descent arrived within the ten thousand steps at one rate only, η = [[0.002]], after [[5387]] steps",
          "valley_rates[valley_steps[0] > 0][0]", "valley_steps[0].max()"),
    claim("arrived within the ten thousand steps at one rate only", "(valley_steps[0] > 0).sum() == 1"),
    claim("momentum 0.9 arrived at every rate up to [[0.002]], fastest in [[647]] steps, [[8.3]] times fewer",
          "valley_rates[valley_steps[1] > 0].max()", "valley_steps[1][valley_steps[1] > 0].min()",
          "valley_steps[0].max() / valley_steps[1][valley_steps[1] > 0].min()"),
    claim("momentum 0.9 arrived at every rate up to 0.002", "(valley_steps[1][valley_rates <= 0.002] > 0).all()"),
]

CLAIMS += [
    # Key takeaways.
    claim("about $\\sqrt{\\kappa}$ times fewer steps ([[4.5]] measured on the bowl, where $\\sqrt{20} \\approx [[4.47]]$)",
          "speedup", "np.sqrt(kappa)"),
    claim("off the saddle in [[27]] steps instead of [[73]], through Rosenbrock's valley [[8.3]] times faster",
          "saddle_steps[0.9]", "saddle_steps[0.0]", "valley_steps[0].max() / valley_steps[1][valley_steps[1] > 0].min()"),
]
