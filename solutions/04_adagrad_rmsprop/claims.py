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
