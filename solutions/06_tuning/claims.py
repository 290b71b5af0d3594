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
          "max(at_peak_04['exponential decay'], at_peak_04['cosine, 20-step warmup'], at_peak_04['cosine, no warmup']) < 1.02 * floor"),
    claim("warm restarts end at [[6.6]] times the floor", "at_peak_04['cosine, warm restarts'] / floor"),
    # Warmup, paired: the same cosine with and without its warmup.
    claim("The same cosine with and without its 20-step warmup (the second starts the identical decay at step 0) "
          "survives the same largest peak, [[0.509]]", "largest_peak['cosine, 20-step warmup']"),
    claim("survives the same largest peak", "largest_peak['cosine, 20-step warmup'] == largest_peak['cosine, no warmup']"),
    claim("and both diverge at the next peak tried",
          "all(not np.isfinite(final_loss(my_schedules[name], peaks[list(peaks).index(largest_peak[name]) + 1])) "
          "for name in ('cosine, 20-step warmup', 'cosine, no warmup'))"),
    claim("Exponential decay, which has no warmup either, survives up to [[0.566]]", "largest_peak['exponential decay']"),
    # The pitfall.
    claim("the first epoch's loss explodes, and the network then collapses to a constant guess — the loss sits at $\\ln 3$",
          "histories[1.0]['loss'][0] > 5 and abs(histories[1.0]['loss'][-1] - math.log(3)) < 0.02"),
    claim("and the accuracy at the share of the largest class",
          "abs(histories[1.0]['val_accuracy'][-1] - np.bincount(classes.y_test).max() / len(classes.y_test)) < 1e-6"),
]

GIVEN = [
    "with a 16-step linear warmup from 0 to $\\eta$",   # the experiment's setting (warmup_steps=16 in its code)
]

# The condition number and the width of plain SGD's band (section 1).
SD, MM = "'SGD, standardised'", "'SGD, min-max scaled'"
CLAIMS += [
    claim("($\\kappa = [[20]]$ for its bowl)", "max(bowl_curvatures) / min(bowl_curvatures)"),
    claim("the min-max scaled data of this module has $\\kappa = [[583]]$. Three epochs are $N = [[96]]$ steps, "
          "so $2N/\\kappa$ is below 1", "kappa['min-max scaled']", "sgd_steps"),
    claim("so $2N/\\kappa$ is below 1", "2 * sgd_steps / kappa['min-max scaled'] < 1"),
    claim("and its band is [[0.1]] decades wide", f"band_decades[{MM}]"),
    claim("Standardising the same features brings $\\kappa$ down to [[1.4]]; the bound becomes [[2.1]] decades and the "
          "measured band [[1.3]] decades (from $\\eta = [[0.012]]$ to [[0.27]]), with a best loss of [[0.0100]] instead of [[0.081]]",
          "kappa['standardised']", "np.log10(2 * sgd_steps / kappa['standardised'])", f"band_decades[{SD}]",
          f"learning_rates[finals[{SD}] < 2 * finals[{SD}].min()].min()", f"learning_rates[finals[{SD}] < 2 * finals[{SD}].min()].max()",
          f"finals[{SD}].min()", "finals['SGD'].min()"),
    claim("the measured band lies inside the bound", f"band_decades[{SD}] < np.log10(2 * sgd_steps / kappa['standardised'])"),
    claim("Standardising the features here cut $\\kappa$ from [[583]] to [[1.4]] and widened the band from [[0.1]] to [[1.3]] decades",
          "kappa['min-max scaled']", "kappa['standardised']", f"band_decades[{MM}]", f"band_decades[{SD}]"),
]

# Clipping and warmup on the tanh network (section 5).
NONE, CLIP, WARM = "net_curves['no clipping']", "net_curves['clipnorm 1']", "net_curves['16-step warmup']"
CLAIMS += [
    claim("Without clipping, [[2]] of the [[3]] runs diverged: their loss climbed to [[25]] and [[16]] times its first value",
          "sum(net_diverged['no clipping'])", "len(net_seeds)", f"{NONE}[0].max() / {NONE}[0][0]", f"{NONE}[1].max() / {NONE}[1][0]"),
    claim("and was still far above it at the end; the third start happened to survive",
          f"net_diverged['no clipping'] == [True, True, False] and min({NONE}[0][-10:].mean(), {NONE}[1][-10:].mean()) > 3 * {NONE}[1][0]"),
    claim("With your clipping at 1, none of the 3 diverged", "not any(net_diverged['clipnorm 1']) and len(net_diverged['clipnorm 1']) == 3"),
    claim("the highest loss of each run came within its first few steps (at most [[53]])", f"max(c.max() for c in {CLIP})"),
    claim("the highest loss of each run came within its first few steps", f"all(np.argmax(c) < 5 for c in {CLIP})"),
    claim("the last ten batches averaged below 4, against first losses near 40",
          f"max(c[-10:].mean() for c in {CLIP}) < 4 and all(35 < c[0] < 45 for c in {CLIP})"),
    claim("all 3 warmup runs diverged", "all(net_diverged['16-step warmup']) and len(net_diverged['16-step warmup']) == 3"),
    claim("each loss peaking between step [[21]] and step [[53]], after the 16 warmup steps",
          f"min(np.argmax(c) for c in {WARM})", f"max(np.argmax(c) for c in {WARM})"),
]

# How clipping rescued the network: every step clipped; the controls (a lower rate, a threshold at the spikes).
CLIP1, LOWER, SPIKES = "'clipnorm 1'", "'lower rate, no clipping'", "'clipnorm at spikes'"
LAST_TEN = "np.mean([c[-10:].mean() for c in net_curves[{}]])"
CLAIMS += [
    claim("In each of the [[3]] runs, all [[64]] steps had a global gradient norm above the threshold of 1 — the median norm "
          "was between [[10.1]] and [[13.5]]",
          f"len(clipped_share[{CLIP1}])", "len(net_batches)",
          f"min(np.median(n) for n in net_norms[{CLIP1}])", f"max(np.median(n) for n in net_norms[{CLIP1}])"),
    claim("all 64 steps had a global gradient norm above the threshold of 1",
          f"min(clipped_share[{CLIP1}]) == 1.0 and all(len(n) == len(net_batches) for n in net_norms[{CLIP1}])"),
    claim("about [[12]] times shorter at the median norm", "np.median(clipped_norms)"),
    claim("at $\\eta = [[0.0041]]$, none of the 3 runs diverged either, and their last ten batches averaged [[2.6]] "
          "against [[3.1]] with clipping (means over the 3 starts)",
          "lower_rate", LAST_TEN.format(LOWER), LAST_TEN.format(CLIP1)),
    claim("none of the 3 runs diverged either", f"not any(net_diverged[{LOWER}]) and len(net_diverged[{LOWER}]) == 3"),
    claim("With the threshold at [[34.4]], [[3.0]] times the median norm of the healthy lower-rate runs, [[2]] of the 3 runs "
          "diverged, as many as without any clipping",
          "spike_threshold", "spike_threshold / np.median(lower_rate_norms)", f"sum(net_diverged[{SPIKES}])"),
    claim("as many as without any clipping", f"sum(net_diverged[{SPIKES}]) == sum(net_diverged['no clipping'])"),
    claim("Their gradients grew as they went wrong, so even this high threshold ended up clipping between [[20]]% and [[66]]% "
          "of the steps",
          f"100 * min(clipped_share[{SPIKES}])", f"100 * max(clipped_share[{SPIKES}])"),
    claim("Their gradients grew as they went wrong",
          f"all(np.median(n) > np.median(lower_rate_norms) for n, d in zip(net_norms[{SPIKES}], net_diverged[{SPIKES}]) if d)"),
    claim("the rate was too large for the ordinary ones",
          f"not any(net_diverged[{LOWER}]) and sum(net_diverged[{SPIKES}]) >= 2"),
    # The takeaways.
    claim("Clipping at 1 rescued [[2]] diverging runs of [[3]], but it clipped every step (median gradient norms [[10.1]] "
          "to [[13.5]]): it acted as a lower rate, and the same network without clipping at a rate about [[12]] times lower "
          "trained as well",
          "sum(net_diverged['no clipping'])", "len(net_seeds)",
          f"min(np.median(n) for n in net_norms[{CLIP1}])", f"max(np.median(n) for n in net_norms[{CLIP1}])", "0.05 / lower_rate"),
    claim("it clipped every step", f"min(clipped_share[{CLIP1}]) == 1.0"),
    claim("trained as well", f"not any(net_diverged[{LOWER}]) and {LAST_TEN.format(LOWER)} <= {LAST_TEN.format(CLIP1)}"),
    claim("With a threshold above the typical norm, catching only spikes, [[2]] runs of [[3]] diverged",
          f"sum(net_diverged[{SPIKES}])", "len(net_seeds)"),
    claim("A 16-step warmup rescued none of the network's runs", "all(net_diverged['16-step warmup'])"),
    claim("on the regression, the same cosine with and without warmup survived the same peak",
          "largest_peak['cosine, 20-step warmup'] == largest_peak['cosine, no warmup']"),
]
