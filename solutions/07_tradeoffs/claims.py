"""What Module 7's prose states about its runs and about its recorded experiment (see tests/claims.py for the format).

Claims on ``verdicts`` and ``record`` are about the recorded generalization experiment
(optcourse/lesson/generalization_record.json); tests/test_claims.py edits that record and expects them to fail.
"""
SGD, ADAM = "'SGD + momentum'", "'Adam'"
AHEAD = "[b for b, v in verdicts.items() if v['verdict'].endswith(' ahead')]"
# Adam's runs at a constant rate (to the longest budget): one number of theirs, averaged over the seeds.
ADAM_CONSTANT = ("np.mean([run['{key}'] for run in record['runs'] if run['optimizer'] == 'Adam' "
                 "and run['learning_rate'] == {rate} and run['schedule'] == 'constant'])")
WITHIN_TEST_ERROR = "[b for b, v in verdicts.items() if v['verdict'] == \"level within the test set's error\"]"

CLAIMS = [
    # The pipeline.
    claim("the last [[200]] rows are a held-out test set", "len(data.y_test)"),
    # The recorded generalization experiment (§5).
    claim("200 examples measure an accuracy near [[0.8]] only to about ± [[0.03]]",
          f"verdicts[160][{SGD}]['test_mean']", f"generalization.binomial_error(verdicts[160][{SGD}]['test_mean'], len(data.y_test))"),
    claim("Level, except after the longest training", f"{AHEAD} == [max(verdicts)]"),
    claim("SGD + momentum's mean test accuracy is higher at every budget, by [[0.00]] to [[0.02]]",
          "min(v['difference'] for v in verdicts.values())", "max(v['difference'] for v in verdicts.values())"),
    claim("SGD + momentum's mean test accuracy is higher at every budget", "all(v['difference'] > 0 for v in verdicts.values())"),
    claim("One is over seeds (± [[0.006]] to ± [[0.012]])",
          "min(v['difference_se'] for v in verdicts.values())", "max(v['difference_se'] for v in verdicts.values())"),
    claim("The other is the test set's own (± [[0.007]] to ± [[0.013]])",
          "min(v['difference_test_se'] for v in verdicts.values())", "max(v['difference_test_se'] for v in verdicts.values())"),
    claim("That is why it is smaller than either optimizer's own binomial error (about ± [[0.03]])",
          "np.mean([v[n]['test_binomial'] for v in verdicts.values() for n in generalization.NAMES])"),
    claim("it is smaller than either optimizer's own binomial error",
          "all(v['difference_test_se'] < min(v[n]['test_binomial'] for n in generalization.NAMES) for v in verdicts.values())"),
    claim("At [[40]] epochs the gap, [[0.023]], is beyond twice its error over seeds but within twice the combined ± [[0.015]]",
          f"{WITHIN_TEST_ERROR}[0]", f"verdicts[{WITHIN_TEST_ERROR}[0]]['difference']", f"verdicts[{WITHIN_TEST_ERROR}[0]]['combined_se']"),
    claim("is beyond twice its error over seeds but within twice the combined",
          f"len({WITHIN_TEST_ERROR}) == 1 and all(2 * v['difference_se'] < v['difference'] <= 2 * v['combined_se'] "
          f"for v in (verdicts[b] for b in {WITHIN_TEST_ERROR}))"),
    claim("another [[200]] test examples could well show a different gap", "len(data.y_test)"),
    claim("Only at [[320]] epochs is SGD + momentum ahead: [[0.022]] against a combined ± [[0.010]], just past the line",
          f"{AHEAD}[0]", f"verdicts[{AHEAD}[0]]['difference']", f"verdicts[{AHEAD}[0]]['combined_se']"),
    claim("Only at 320 epochs is SGD + momentum ahead", f"{AHEAD} == [max(verdicts)] and verdicts[max(verdicts)]['difference'] > 0"),
    claim("just past the line", f"2 < verdicts[max(verdicts)]['difference'] / verdicts[max(verdicts)]['combined_se'] < 2.5"),
    claim("Both climb from about [[0.62]] test accuracy at [[5]] epochs to [[0.81]] (Adam) and [[0.83]] (SGD + momentum) at [[320]]",
          f"(verdicts[5][{SGD}]['test_mean'] + verdicts[5][{ADAM}]['test_mean']) / 2", "min(verdicts)",
          f"verdicts[320][{ADAM}]['test_mean']", f"verdicts[320][{SGD}]['test_mean']", "max(verdicts)"),
    claim("between 160 and 320 epochs Adam no longer gains, SGD + momentum still gains a little",
          f"abs(verdicts[320][{ADAM}]['test_mean'] - verdicts[160][{ADAM}]['test_mean']) < 0.005 "
          f"and 0.005 < verdicts[320][{SGD}]['test_mean'] - verdicts[160][{SGD}]['test_mean'] < 0.03"),
    claim("Validation chose early stopping or a cosine decay at every budget, never a constant rate run to the end",
          "all(v[n]['schedule'] != 'constant' for v in verdicts.values() for n in generalization.NAMES)"),
    claim("for SGD + momentum stopping early beat running to the end at every budget, by [[0.013]] to [[0.043]]",
          "early_gain['SGD + momentum'].min()", "early_gain['SGD + momentum'].max()"),
    claim("for SGD + momentum stopping early beat running to the end at every budget", "(early_gain['SGD + momentum'] > 0).all()"),
    claim("for Adam only at [[5]] epochs ([[0.034]])", "budgets[early_gain['Adam'] > 0.01][0]", "early_gain['Adam'][0]"),
    claim("elsewhere the two were within 0.01 of each other", "np.abs(early_gain['Adam'][1:]).max() < 0.01"),
    claim("for Adam only at 5 epochs", "((early_gain['Adam'] > 0.01) == (budgets == budgets.min())).all()"),
    claim("five learning rates for SGD + momentum ([[0.003]] to [[0.3]]), seven for Adam ([[0.0003]] to [[0.3]])",
          f"min(record['settings']['optimizers'][{SGD}]['learning_rates'])", f"max(record['settings']['optimizers'][{SGD}]['learning_rates'])",
          f"min(record['settings']['optimizers'][{ADAM}]['learning_rates'])", f"max(record['settings']['optimizers'][{ADAM}]['learning_rates'])"),
    claim("seven for Adam",
          f"len(record['settings']['optimizers'][{SGD}]['learning_rates']) == 5 and len(record['settings']['optimizers'][{ADAM}]['learning_rates']) == 7"),
    claim("Every rate validation chose has a worse rate on either side of it in its grid",   # not at an end, and no tie
          "all(min(record['settings']['optimizers'][n]['learning_rates']) < v[n]['learning_rate'] "
          "< max(record['settings']['optimizers'][n]['learning_rates']) "
          "and sorted(generalization.validation_by_rate(record, n, b).values())[-2] < v[n]['val_mean'] "
          "for b, v in verdicts.items() for n in generalization.NAMES)"),
    claim("Adam chose [[0.03]] at 5, 10 and 20 epochs and [[0.01]] after that",
          f"verdicts[5][{ADAM}]['learning_rate']", f"verdicts[40][{ADAM}]['learning_rate']"),
    claim("Adam chose 0.03 at 5, 10 and 20 epochs and 0.01 after that",
          f"[verdicts[b][{ADAM}]['learning_rate'] for b in verdicts] == [0.03] * 3 + [0.01] * 4"),
    claim("0.1 and 0.3 were worse at every budget",
          f"all(max(generalization.validation_by_rate(record, {ADAM}, b)[0.1], generalization.validation_by_rate(record, {ADAM}, b)[0.3]) < verdicts[b][{ADAM}]['val_mean'] for b in verdicts)"),
    claim("at 5 epochs their validation accuracy was [[0.596]] and [[0.450]], against [[0.663]] at [[0.03]]",
          f"generalization.validation_by_rate(record, {ADAM}, 5)[0.1]", f"generalization.validation_by_rate(record, {ADAM}, 5)[0.3]", f"verdicts[5][{ADAM}]['val_mean']", f"verdicts[5][{ADAM}]['learning_rate']"),
    claim("though in two cases a neighbour came within 0.002 of it",
          "sum(v[n]['val_mean'] - sorted(generalization.validation_by_rate(record, n, b).values())[-2] < 0.002 "
          "for b, v in verdicts.items() for n in generalization.NAMES) == 2"),
    claim("counts 0.1 among the rates at which Adam trains at all", f"0.1 in trains_at[{ADAM}]"),
    claim("after [[320]] epochs at a constant 0.1 its training loss is still [[0.793]] ([[0.246]] at 0.03)",
          ADAM_CONSTANT.format(key="epochs", rate=0.1), ADAM_CONSTANT.format(key="train_loss", rate=0.1),
          ADAM_CONSTANT.format(key="train_loss", rate=0.03)),
    claim("its training accuracy, [[0.613]], is no higher than its validation accuracy, [[0.630]]",
          ADAM_CONSTANT.format(key="train_accuracy", rate=0.1), ADAM_CONSTANT.format(key="val_accuracy", rate=0.1)),
    claim("is no higher than its validation accuracy",
          f"{ADAM_CONSTANT.format(key='train_accuracy', rate=0.1)} <= {ADAM_CONSTANT.format(key='val_accuracy', rate=0.1)}"),
    claim("The validation accuracies are above the test accuracies at every budget",
          "all(v[n]['val_mean'] > v[n]['test_mean'] for v in verdicts.values() for n in generalization.NAMES)"),
    claim("([[0.894]] against [[0.834]] for SGD + momentum at [[320]] epochs)",
          f"verdicts[320][{SGD}]['val_mean']", f"verdicts[320][{SGD}]['test_mean']", "max(verdicts)"),
    # The range test on the network, against the record's choices.
    claim("One pass of [[25]] batches", "len(data.y_train) // 32"),
    claim("copies of the training rows ([[250]] batches of 32)", "len(long_y) // 32"),
    claim("Adam's smoothed loss is lowest near η = [[0.19]] and SGD + momentum's near [[0.39]]",
          f"lowest_at[{ADAM}]", f"lowest_at[{SGD}]", tol=0.02),
    claim("a tenth of those, [[0.019]] and [[0.039]],", f"lowest_at[{ADAM}] / 10", f"lowest_at[{SGD}] / 10", tol=0.002),
    claim("fall inside the ranges of rates that validation chose for each",
          "all(min(v[n]['learning_rate'] for v in verdicts.values()) <= lowest_at[n] / 10 <= max(v[n]['learning_rate'] for v in verdicts.values()) "
          "for n in generalization.NAMES)"),
    claim("(Adam [[0.01]] to [[0.03]], SGD + momentum [[0.03]] to [[0.1]])",
          f"min(v[{ADAM}]['learning_rate'] for v in verdicts.values())", f"max(v[{ADAM}]['learning_rate'] for v in verdicts.values())",
          f"min(v[{SGD}]['learning_rate'] for v in verdicts.values())", f"max(v[{SGD}]['learning_rate'] for v in verdicts.values())"),
    # Section 8 and the decision guide.
    claim("Adam's band of good learning rates is the widest ([[1.3]] decades), SGD + momentum's close behind ([[1.0]]), "
          "RMSprop's [[0.5]] and plain SGD's [[0.1]]",
          "measured['Adam']['decades']", f"measured[{SGD}]['decades']", "measured['RMSprop']['decades']", "measured['SGD']['decades']",
          tol=0.06),
    claim("Adam's band of good learning rates is the widest", "max(measured, key=lambda k: measured[k]['decades']) == 'Adam'"),
    claim("each trains within five epochs over one decade of rates", "all(abs(b - 1) < 0.05 for b in network_band.values())"),
    claim("Adam from [[0.01]] to [[0.1]], SGD + momentum from [[0.03]] to [[0.3]]",
          f"min(trains_at[{ADAM}])", f"max(trains_at[{ADAM}])", f"min(trains_at[{SGD}])", f"max(trains_at[{SGD}])"),
    claim("at 0.3 Adam collapses where SGD + momentum trains", f"0.3 not in trains_at[{ADAM}] and 0.3 in trains_at[{SGD}]"),
    claim("every optimizer ends far above the best: SGD + momentum at [[4.05]], Adam at [[3.96]] and RMSprop at [[4.55]] times it",
          f"measured[{SGD}]['noise']", f"measured[{ADAM}]['noise']", "measured['RMSprop']['noise']"),
    claim("at half the rate the ratios drop to [[1.09]], [[1.14]] and [[1.58]]",
          f"measured[{SGD}]['noise, half rate']", f"measured[{ADAM}]['noise, half rate']", "measured['RMSprop']['noise, half rate']"),
    claim("jitters most at half the rate",
          "max(('SGD + momentum', 'RMSprop', 'Adam'), key=lambda k: measured[k]['noise, half rate']) == 'RMSprop'"),
    claim("the ratios fall to [[1.07]] (SGD + momentum), [[1.08]] (Adam) and [[1.07]] (RMSprop)",
          f"measured[{SGD}]['noise, decaying']", f"measured[{ADAM}]['noise, decaying']", "measured['RMSprop']['noise, decaying']"),
    claim("after 10 epochs Adam's training loss [[0.974]], `\"sgd\"`'s [[1.075]]",
          "by_name['adam'][0]['loss'][-1]", "by_name['sgd'][0]['loss'][-1]"),
    claim("Adam trains from [[0.01]] to [[0.1]] and collapses at [[0.3]]; SGD + momentum trains from [[0.03]] to [[0.3]]",
          f"min(trains_at[{ADAM}])", f"max(trains_at[{ADAM}])", f"min(r for r in rates if r > max(trains_at[{ADAM}]))",
          f"min(trains_at[{SGD}])", f"max(trains_at[{SGD}])"),
    claim("level at six of seven budgets; SGD + momentum ahead only at [[320]] epochs, by [[0.022]]",
          f"{AHEAD}[0]", f"verdicts[{AHEAD}[0]]['difference']"),
    claim("level at six of seven budgets", f"len(verdicts) == 7 and len({AHEAD}) == 1"),
    claim("ten seeds, but one test set of [[200]]", "len(data.y_test)"),
    claim("ten seeds, but one test set", "len(record['settings']['seeds']) == 10"),
    claim("its own error of the gap (± [[0.007]] to ± [[0.013]]) is about half the largest gap ([[0.02]])",
          "min(v['difference_test_se'] for v in verdicts.values())", "max(v['difference_test_se'] for v in verdicts.values())",
          "max(abs(v['difference']) for v in verdicts.values())"),
    claim("is about half the largest gap",
          "0.4 < max(v['difference_test_se'] for v in verdicts.values()) / max(abs(v['difference']) for v in verdicts.values()) < 0.65"),
    claim("level at six of seven budgets once the test set's own error is counted; SGD + momentum ahead only after [[320]] epochs, "
          "by [[0.022]], just beyond twice the combined error",
          f"{AHEAD}[0]", f"verdicts[{AHEAD}[0]]['difference']"),
    claim("just beyond twice the combined error", "2 < verdicts[max(verdicts)]['difference'] / verdicts[max(verdicts)]['combined_se'] < 2.5"),
    claim("early stopping beat a constant rate to the end for SGD + momentum at every budget; for Adam only at the shortest",
          "(early_gain['SGD + momentum'] > 0).all() and ((early_gain['Adam'] > 0.01) == (budgets == budgets.min())).all()"),
    claim("stopping early helped SGD + momentum on the test set at every budget, Adam only at the shortest",
          "(early_gain['SGD + momentum'] > 0).all() and ((early_gain['Adam'] > 0.01) == (budgets == budgets.min())).all()"),
    claim("cosine decay brings Adam from [[3.96]] to [[1.08]] times the best loss; halving a constant rate, to [[1.14]]",
          f"measured[{ADAM}]['noise']", f"measured[{ADAM}]['noise, decaying']", f"measured[{ADAM}]['noise, half rate']"),
    claim("Adam at a large untested rate: 0.3 made it collapse here", f"0.3 not in trains_at[{ADAM}]"),
    claim("and untuned on this network (slowest in section 3)",
          "by_name['sgd'][0]['loss'][-1] > max(by_name['adam'][0]['loss'][-1], by_name['rmsprop'][0]['loss'][-1])"),
    claim("tuned, SGD + momentum gained at most [[0.02]], and only after the longest training was that more than chance",
          "max(v['difference'] for v in verdicts.values())"),
    claim("only after the longest training was that more than chance", f"{AHEAD} == [max(verdicts)]"),
    claim("SGD 0, momentum/AdaGrad/RMSprop 1×, Adam 2× the parameters",
          "memory['SGD'] == 0 and memory['SGD + momentum'] == memory['AdaGrad'] == memory['RMSprop'] == 1 and memory['Adam'] == 2"),
    claim("SGD + momentum and Adam were level on held-out data at most budgets",
          f"len({AHEAD}) < len(verdicts) / 2 and all(v['verdict'].startswith('level') for b, v in verdicts.items() if b not in {AHEAD})"),
    claim("momentum was ahead only after the longest training, by a gap just beyond twice its combined error over seeds and test examples",
          f"{AHEAD} == [max(verdicts)] and 2 < verdicts[max(verdicts)]['difference'] / verdicts[max(verdicts)]['combined_se'] < 2.5"),
    # The learning-rate experiment on the network (§5), interpreted in the memory section's first paragraph.
    claim("at 0.3 it is Adam that collapses to a constant guess (loss $\\ln 3 \\approx [[1.10]]$), while SGD with momentum still trains",
          "recorded[0.3]['Adam']['training loss'][-1]"),
    claim("at 0.3 it is Adam that collapses", "abs(recorded[0.3]['Adam']['training loss'][-1] - np.log(3)) < 0.02"),
    claim("while SGD with momentum still trains", f"recorded[0.3][{SGD}]['training loss'][-1] < 0.9"),
    claim("at 1.0 both fail", f"min(recorded[1.0][{SGD}]['training loss'][-1], recorded[1.0][{ADAM}]['training loss'][-1]) > 1.0"),
    claim("around 0.1 they are level",
          f"abs(recorded[0.1][{SGD}]['training loss'][-1] - recorded[0.1][{ADAM}]['training loss'][-1]) < 0.1"),
    claim("At small learning rates Adam is far ahead",   # in accuracy: at 0.001, 0.54 against 0.38 after five epochs
          f"recorded[0.001][{ADAM}]['training accuracy'][-1] > recorded[0.001][{SGD}]['training accuracy'][-1] + 0.1"),
    # Restarting with a stale optimizer (§7).
    claim("the reused optimizer ends at a loss of [[0.931]] against the new one's [[0.949]]",
          "restart_loss('constant rate', 'same instance, recompiled')", "restart_loss('constant rate', 'new instance, compiled')"),
    claim("at step [[126]] the correction of $v$, $1-\\beta_2^t \\approx [[0.118]]$, is still large (it divides $v$ by [[0.118]], "
          "where a new instance divides by [[0.001]] on its first step)",
          "starts[('constant rate', 'same instance, recompiled')][0]", "1 - 0.999**126", "1 - 0.999**126", "1 - 0.999"),
    claim("The reused instance starts at step [[126]], past the end of its decay, where the learning rate is 0",
          "starts[('cosine schedule', 'same instance, recompiled')][0]"),
    claim("where the learning rate is 0", "starts[('cosine schedule', 'same instance, recompiled')][1] == 0"),
    claim("the loss stays at [[1.348]] for all three epochs (accuracy [[0.260]], below always guessing the most common class), "
          "while the new instance trains to [[0.982]]",
          "restart[('cosine schedule', 'same instance, recompiled')]['loss'][0]",
          "restart[('cosine schedule', 'same instance, recompiled')]['accuracy'][-1]",
          "restart_loss('cosine schedule', 'new instance, compiled')"),
    claim("the loss stays at 1.348 for all three epochs",
          "np.ptp(restart[('cosine schedule', 'same instance, recompiled')]['loss']) == 0"),
    claim("below always guessing the most common class",
          "restart[('cosine schedule', 'same instance, recompiled')]['accuracy'][-1] < np.bincount(data.y_train).max() / len(data.y_train)"),
    claim("A new instance starts at step [[1]].", "starts[('cosine schedule', 'new instance, compiled')][0]"),
]

GIVEN = [
    "10 features whose raw scales differ by a factor of 20",          # how datasets.classification_data makes them
    "600 of the 800 training rows are trained on, the other 200 are a *validation* set",
    "the 200-row test set is only reported",
    "Features are scaled on the 600 rows",
    "of 5 to 320 epochs",                                              # generalization.SETTINGS
    "two sets of 200 differ by chance",                                 # the validation and test sets' sizes
]
