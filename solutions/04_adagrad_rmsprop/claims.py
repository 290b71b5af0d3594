"""What Module 4's prose states about its runs (see tests/claims.py for the format)."""
SGD, ADA = "rare_weight['SGD']", "rare_weight['AdaGrad']"

CLAIMS = [
    # Effective step sizes on the bowl, η = 0.3.
    claim("AdaGrad's $x$ step starts about four times its $y$ step", "3.5 < steps['AdaGrad'][0, 0] / steps['AdaGrad'][0, 1] < 4.5"),
    claim("Both adaptive methods give the flat direction a larger step than the steep one",
          "all((steps[k][:, 0] > steps[k][:, 1]).all() for k in ('AdaGrad', 'RMSprop'))"),
    claim("AdaGrad's steps fall for ever", "(np.diff(steps['AdaGrad'], axis=0) <= 0).all()"),
    claim("RMSprop's grow again as the gradients get smaller near the minimum",
          "(steps['RMSprop'][-1] > 2 * steps['RMSprop'].min(axis=0)).all()"),
    claim("descent's ([[0.029]] along $x$ after 60 steps, against 0.3)", "steps['AdaGrad'][-1, 0]"),
    claim("AdaGrad's loss is [[2.7]] against gradient descent's [[0.0048]] and RMSprop's [[0.000018]]",
          "final_loss['AdaGrad']", "final_loss['gradient descent']", "final_loss['RMSprop']"),
    # The rare feature.
    claim("(at [[0.149]] here, Module 1's $2/a_{\\max}$ for this data)", "sgd_limit"),
    claim("SGD runs at [[90]]% of its limit", "100 * sgd_rate / sgd_limit", tol=0.5),
    claim("values up to [[4]]) and a rare one (present in about [[3]]% of examples)", "sparse.X[:, 0].max()", "100 * sparse.X[:, 1].mean()"),
    claim("The true weight of the rare feature is [[3]].", "sparse.true_params[1]"),
    claim("faster than SGD at [[90]]% of SGD's stability limit: after [[100]] steps AdaGrad's weight is off by [[0.51]], "
          "SGD's by [[1.23]] ([[2.4]] times as far), and after [[300]] steps by [[0.05]] against [[0.21]]",
          "100 * sgd_rate / sgd_limit", "100", f"3 - {ADA}[100]", f"3 - {SGD}[100]", f"(3 - {SGD}[100]) / (3 - {ADA}[100])",
          f"len({SGD}) - 1", f"3 - {ADA}[-1]", f"3 - {SGD}[-1]"),
    # Memory.
    claim("the diagonal version everyone uses is linear", "extra == num_params"),
]

GIVEN = []

CLAIMS += [
    # The bowl turned by 45°.
    claim("Turn the same bowl by [[45]]°: same curvatures, same condition number $\\kappa = [[20]]$",
          "float(np.degrees(np.arctan2(turned.start[1], turned.start[0]) - np.arctan2(bowl.start[1], bowl.start[0])) % 360)",
          "20"),
    claim("then each one's best loss after 60 steps over [[12]] learning rates", "len(sweep_rates)"),
    claim("Gradient descent's loss curves on the two bowls are the same curve (they differ by less than $10^{-12}$ of the loss)",
          "np.allclose(turned_loss['gradient descent', 'turned'], turned_loss['gradient descent', 'axes'], rtol=1e-12, atol=0)"),
    claim("At η = 0.3 AdaGrad ends at [[4.8]] on the turned bowl against [[2.7]] along the axes, and RMSprop at "
          "[[0.0030]] against [[0.000018]]",
          "turned_loss['AdaGrad', 'turned'][-1]", "turned_loss['AdaGrad', 'axes'][-1]",
          "turned_loss['RMSprop', 'turned'][-1]", "turned_loss['RMSprop', 'axes'][-1]"),
    claim("along the axes AdaGrad's best loss after 60 steps is practically zero, on the turned bowl [[0.0040]]",
          "best_loss['AdaGrad', 'turned']"),
    claim("AdaGrad's best loss after 60 steps is practically zero", "best_loss['AdaGrad', 'axes'] < 1e-20"),
    claim("RMSprop's best rises from [[0.000023]] to [[0.00043]], [[19]] times higher; gradient descent's best, [[0.00015]], does not move",
          "best_loss['RMSprop', 'axes']", "best_loss['RMSprop', 'turned']", "best_loss['RMSprop', 'turned'] / best_loss['RMSprop', 'axes']",
          "best_loss['gradient descent', 'axes']"),
    claim("gradient descent's best, 0.00015, does not move",
          "np.isclose(best_loss['gradient descent', 'axes'], best_loss['gradient descent', 'turned'], rtol=1e-9)"),
    claim("along the axes AdaGrad's larger step is [[4.4]] times its smaller", "first_ratio['AdaGrad', 'axes']"),
    claim("and the ratio is only [[1.6]]", "first_ratio['AdaGrad', 'turned']"),
]

CLAIMS += [
    claim("AdaGrad and RMSprop lose their advantage",
          "all(best_loss[rule, 'turned'] > 2 * best_loss[rule, 'axes'] for rule in ('AdaGrad', 'RMSprop'))"),
    claim("both end **worse than gradient descent** there (best losses after 60 steps [[0.0040]] and [[0.00043]] against [[0.00015]];",
          "best_loss['AdaGrad', 'turned']", "best_loss['RMSprop', 'turned']", "best_loss['gradient descent', 'turned']"),
    claim("both end **worse than gradient descent** there",
          "all(best_loss[rule, 'turned'] > best_loss['gradient descent', 'turned'] for rule in ('AdaGrad', 'RMSprop'))"),
    claim("RMSprop's is [[19]] times its own along the axes)", "best_loss['RMSprop', 'turned'] / best_loss['RMSprop', 'axes']"),
]

G, A, R = "'gradient descent'", "'AdaGrad'", "'RMSprop'"
CLAIMS += [
    # Robustness to noise.
    claim("[[100]] runs of [[200]] steps per setting; for each method the learning rate from a grid of [[13]]",
          "100", "200", "len(noise_rates)"),
    claim("RMSprop, each at its best rate, ends about where plain gradient descent does ([[0.071]] against [[0.066]] at "
          "σ = 1, [[0.41]] against [[0.42]] at σ = [[3]])",
          f"noisy_best[{R}, 1.0][0]", f"noisy_best[{G}, 1.0][0]", f"noisy_best[{R}, 3.0][0]", f"noisy_best[{G}, 3.0][0]", "3"),
    claim("ends about where plain gradient descent does",
          f"all(abs(noisy_best[{R}, s][0] / noisy_best[{G}, s][0] - 1) < 0.1 for s in (1.0, 3.0))"),
    claim("AdaGrad does end lower ([[0.042]] and [[0.265]])", f"noisy_best[{A}, 1.0][0]", f"noisy_best[{A}, 3.0][0]"),
    claim("AdaGrad does end lower", f"all(noisy_best[{A}, s][0] < 0.8 * min(noisy_best[{G}, s][0], noisy_best[{R}, s][0]) for s in (1.0, 3.0))"),
]
