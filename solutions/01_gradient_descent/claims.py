"""What Module 1's prose states about its runs (see tests/claims.py for the format)."""
CLAIMS = [
    # The parabola a = 4.
    claim("With $a = 4$: fastest at [[0.25]], diverging above [[0.5]].",
          "rates[np.nanargmin(steps_needed)]", "2 / 4.0"),
    claim("diverging above 0.5", "0.5 < rates[np.isnan(steps_needed)].min() < 0.55"),
    claim("Steps fall as the rate grows towards $1/a$, rise again past it, and beyond $2/a$ the run never arrives at all",
          "np.all(np.diff(np.array(steps_needed)[rates < 0.25]) <= 0) and np.all(np.diff(np.array(steps_needed)[(rates > 0.25) & (rates < 0.5)]) >= 0) "
          "and np.isnan(np.array(steps_needed)[rates > 0.5]).all()"),
    # The badly scaled bowl.
    claim("The steep direction $y$ caps the learning rate at $2/4 = [[0.5]]$", "2 / a_max"),
    claim("each step removes only $0.2\\,\\eta \\le 10\\%$ of the distance", "a_min * 0.5 == 0.1"),
    claim("here $\\kappa = 4/0.2 = [[20]]$", "kappa"),
    claim("The theory's best rate is $\\eta^* = 2/(0.2 + 4) \\approx [[0.476]]$", "best_rate_theory"),
    claim("shrinks only by $19/21 \\approx [[0.905]]$ per step, as measured", "shrink_per_step"),
    claim("about [[70]] steps ([[70]] counted) for a millionth of the loss",     # 1e-6 of the loss is 1e-3 of the distance
          "np.log(1e-3) / np.log((kappa - 1) / (kappa + 1))", "steps_at[round(best_rate_theory, 3)]", tol=1.0),
    claim("the fewest, [[67]], came at $\\eta = [[0.47]]$", "np.nanmin(bowl_steps)", "best_rate_measured"),
    claim("it climbs fast ([[161]] steps at [[0.49]])", "steps_at[0.49]", "bowl_rates.max()"),
    # Keras.
    claim("The paths agree to float32 rounding", "difference < 1e-5"),
]

GIVEN = [
    "the factor is between −1 and 0",        # algebra of the factor 1 − ηa, not a run
]
