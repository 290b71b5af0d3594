"""What Module 3's prose states about its runs (see tests/claims.py for the format)."""
DEEP_ROWS = "ends_deep[np.array(well_momenta) >= 0.8]"

CLAIMS = [
    # The ravine, measured at the slider's start.
    claim("momentum covers in tens of steps what SGD needs hundreds for ([[56]] against [[310]] here)",
          "arrival['momentum 0.9']", "arrival['SGD']"),
    claim("(momentum's path swings out to $x = [[1.38]]$ beyond the minimum at 0)", "overshoot['momentum 0.9']"),
    claim("its swings are smaller (to $x = [[1.08]]$) and it arrives after [[23]] steps",
          "overshoot['Nesterov 0.9']", "arrival['Nesterov 0.9']"),
    claim("so the zig-zag is damped rather than amplified", "overshoot['SGD'] <= 0"),
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
