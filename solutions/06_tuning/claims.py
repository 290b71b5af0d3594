"""What Module 6's prose states about its runs (see tests/claims.py for the format)."""
S, M, A = "'SGD'", "'SGD + momentum 0.9'", "'Adam'"

CLAIMS = [
    claim("for [[31]] learning rates from", "len(learning_rates)"),
    claim("Sweeping [[31]] learning rates costs [[31]] training runs", "len(learning_rates)", "len(learning_rates)"),
    claim("one short run instead of [[31]]", "len(learning_rates)"),
    claim("neighbouring rates are [[0.15]] decades apart", "grid_step"),
    claim("its band spans [[1.3]] decades, and it never diverged in the range tried", f"band_decades[{A}]"),
    claim("never diverged in the range tried", f"diverged_from[{A}] == np.inf"),
    claim("Plain SGD's band is [[0.1]] decades wide", f"band_decades[{S}]"),
    claim("$2/a_{\\max} = [[0.27]]$ for this data (steepest curvature about [[7.4]])", "2 / steepest", "steepest"),
    claim("the sweep first counts a run as diverged at [[0.38]]", f"diverged_from[{S}]"),
    claim("needs more than three epochs to end 10× above its start", f"diverged_from[{S}] > 2 / steepest"),
    claim("moves the best rate down by a factor of [[2.0]] ([[0.097]] against SGD's [[0.19]])",
          f"best_rate[{S}] / best_rate[{M}]", f"best_rate[{M}]", f"best_rate[{S}]"),
    claim("from [[0.54]] against SGD's [[0.38]]", f"diverged_from[{M}]", f"diverged_from[{S}]"),
    claim("[[1.9]] times plain SGD's $2/a$ at $\\mu = 0.9$ (on this grid the measured ratio is [[1.4]], one grid step off)",
          "2 * (1 + 0.9) / 2", f"diverged_from[{M}] / diverged_from[{S}]"),
    claim("$1/(1-\\mu) = [[10]]$ times larger", "1 / (1 - 0.9)"),
    claim("Adam's good band was much wider ([[1.3]] decades) than plain SGD's", f"band_decades[{A}]"),
    claim("wider (1.3 decades) than plain SGD's narrow band", f"band_decades[{A}] > 3 * band_decades[{S}]"),
    claim("momentum moved the best rate down by a factor of [[2]] and the divergence limit up",
          f"best_rate[{S}] / best_rate[{M}]"),
    claim("and the divergence limit up", f"diverged_from[{M}] > diverged_from[{S}]"),
    # The range test.
    claim("The lowest loss came at $\\eta = [[1.7]]$, [[6.4]] times *above* the rate at which a constant learning rate diverges on this data ([[0.27]])",
          "rates[np.argmin(losses)]", "rates[np.argmin(losses)] * steepest / 2", "2 / steepest"),
    claim("here [[0.17]], below the limit of [[0.27]] and inside plain SGD's good band", "suggestion", "2 / steepest"),
    claim("inside plain SGD's good band of section 1", f"finals[{S}][np.argmin(abs(learning_rates - suggestion))] < 2 * finals[{S}].min()"),
    # Schedules, measured at the slider's starting peak.
    claim("the constant rate ends at [[17.9]] times the floor", "at_peak_04['constant'] / floor"),
    claim("exponential and cosine decays bring the rate down and end within 2% of the floor",
          "max(at_peak_04['exponential decay'], at_peak_04['cosine, 20-step warmup']) < 1.02 * floor"),
    claim("warm restarts end at [[6.6]] times the floor", "at_peak_04['cosine, warm restarts'] / floor"),
    claim("survives peaks up to [[0.509]], exponential decay (no warmup) up to [[0.566]]",
          "largest_peak['cosine, 20-step warmup']", "largest_peak['exponential decay']"),
    # The pitfall.
    claim("the first epoch's loss explodes, and the network then collapses to a constant guess — the loss sits at $\\ln 3$",
          "histories[1.0]['loss'][0] > 5 and abs(histories[1.0]['loss'][-1] - math.log(3)) < 0.02"),
    claim("and the accuracy at the share of the largest class",
          "abs(histories[1.0]['val_accuracy'][-1] - np.bincount(classes.y_test).max() / len(classes.y_test)) < 1e-6"),
]

GIVEN = []
