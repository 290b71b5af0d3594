"""Module 2: the seeded mini-batch iterator and one epoch of mini-batch SGD."""
import sys

import numpy as np

from optcourse.lesson import datasets

from . import Bank
from .bad_input import common, expect, mutating, printing_to_stderr, returning


# ---------------------------------------------------------------- minibatch_indices
def batches(num_examples, batch_size, rng):
    order = rng.permutation(num_examples)
    return [order[i:i + batch_size] for i in range(0, num_examples, batch_size)]


def batches_shuffle_and_split(num_examples, batch_size, rng):
    order = np.arange(num_examples)
    rng.shuffle(order)
    return np.array_split(order, range(batch_size, num_examples, batch_size))


def batches_generator(num_examples, batch_size, rng):
    order = list(rng.permutation(num_examples))
    while order:
        yield order[:batch_size]
        order = order[batch_size:]


def batches_as_int32_tuple(num_examples, batch_size, rng):
    order = rng.permutation(num_examples).astype(np.int32)
    return tuple(order[start:start + batch_size] for start in range(0, num_examples, batch_size))


def batches_by_count(num_examples, batch_size, rng):
    order, count = rng.permutation(np.arange(num_examples)), -(-num_examples // batch_size)
    return [order[k * batch_size:(k + 1) * batch_size] for k in range(count)]


def batches_as_lists(num_examples, batch_size, rng):
    return [list(batch) for batch in batches(num_examples, batch_size, rng)]


def _drops_remainder(n, b, rng):
    order = rng.permutation(n)
    return [order[i:i + b] for i in range(0, n - b + 1, b)]


def _with_replacement(n, b, rng):
    picks = rng.integers(0, n, size=n)
    return [picks[i:i + b] for i in range(0, n, b)]


def _global_random(n, b, rng):
    order = np.random.permutation(n)
    return [order[i:i + b] for i in range(0, n, b)]


def _fixed_seed(n, b, rng):
    order = np.random.default_rng(0).permutation(n)
    return [order[i:i + b] for i in range(0, n, b)]


def _pads_last(n, b, rng):
    order = rng.permutation(n)
    padded = np.concatenate([order, order[: (-n) % b]])
    return [padded[i:i + b] for i in range(0, len(padded), b)]


def _remainder_first(n, b, rng):
    order, r = rng.permutation(n), n % b
    return ([order[:r]] if r else []) + [order[i:i + b] for i in range(r, n, b)]


_SHUFFLED_ONCE = {}


def _shuffled_once(n, b, rng):
    if n not in _SHUFFLED_ONCE:
        _SHUFFLED_ONCE[n] = rng.permutation(n)
    return [_SHUFFLED_ONCE[n][i:i + b] for i in range(0, n, b)]


def _batch_order_shuffled_only(n, b, rng):
    blocks = [np.arange(n)[i:i + b] for i in range(0, n, b)]
    return [blocks[k] for k in rng.permutation(len(blocks))]


def _within_batches_only(n, b, rng):
    return [rng.permutation(np.arange(n)[i:i + b]) for i in range(0, n, b)]


def _sorted_batches(n, b, rng):  # the order inside a batch does not change its mean gradient
    return [np.sort(batch) for batch in batches(n, b, rng)]


def _two_dimensional(n, b, rng):
    return [batch[:, None] for batch in batches(n, b, rng)]


def _one_batch(n, b, rng):
    return [rng.permutation(n)]


def _stderr_and_unshuffled(n, b, rng):
    print("debug", file=sys.stderr)
    return [np.arange(n)[i:i + b] for i in range(0, n, b)]


MINIBATCH_INDICES = Bank("minibatch_indices", tensorflow=False, right={
    "slices of a permutation": batches,
    "shuffle in place, array_split": batches_shuffle_and_split,
    "a generator of lists": batches_generator,
    "a tuple of int32 arrays": batches_as_int32_tuple,
    "by batch count": batches_by_count,
    "lists of numpy ints": batches_as_lists,
    "prints to stderr": printing_to_stderr(batches),
    "sorted within each batch": _sorted_batches,
}, wrong={
    "returns None": (lambda n, b, rng: None, '`minibatch_indices` returned None; return a list of index arrays, one per batch.'),
    "returns a number": (lambda n, b, rng: 3, '`minibatch_indices` returned a int; return a list of index arrays, one per batch.'),
    "raises": (lambda n, b, rng: rng.permutation(n)[n + 1], '`minibatch_indices` raised IndexError (index 11 is out of bounds for axis 0 with size 10) when called as minibatch_indices(…, …, …).'),
    "not written yet": (lambda n, b, rng: (_ for _ in ()).throw(NotImplementedError()), '`minibatch_indices` is not written yet: replace `raise NotImplementedError()` with your code.'),
    "not a function": ("batches", '`minibatch_indices` is not a function (it is a str); define it with `def minibatch_indices(...)`.'),
    "float indices": (returning(lambda r: [batch.astype(float) for batch in r])(batches), '`minibatch_indices` should give 1-D arrays of integer indices (such as the output of rng.permutation); one batch was float64 with shape (3,).'),
    "NaN indices": (returning(lambda r: [batch * np.nan for batch in r])(batches), '`minibatch_indices` should give 1-D arrays of integer indices (such as the output of rng.permutation); one batch was float64 with shape (3,).'),
    "string indices": (returning(lambda r: [batch.astype(str) for batch in r])(batches), '`minibatch_indices` should give 1-D arrays of integer indices (such as the output of rng.permutation); one batch was <U21 with shape (3,).'),
    "2-D batches": (_two_dimensional, '`minibatch_indices` should give 1-D arrays of integer indices (such as the output of rng.permutation); one batch was int64 with shape (3, 1).'),
    "one-based indices": (returning(lambda r: [batch + 1 for batch in r])(batches), '`minibatch_indices` gave index 10, outside 0 … 9 (num_examples=10, batch_size=3).'),
    "negative indices": (returning(lambda r: [batch - 1 for batch in r])(batches), '`minibatch_indices` gave index -1, outside 0 … 9 (num_examples=10, batch_size=3).'),
    "drops the remainder": (_drops_remainder, '`minibatch_indices` leaves out 1 of 10 examples (num_examples=10, batch_size=3): it drops the last, smaller batch; keep it.'),
    "samples with replacement": (_with_replacement, '`minibatch_indices`: some examples appear twice in one epoch (num_examples=10, batch_size=3); an epoch uses every example exactly once, so shuffle a permutation rather than sampling with replacement.'),
    "no shuffling": (lambda n, b, rng: [np.arange(n)[i:i + b] for i in range(0, n, b)], '`minibatch_indices` keeps the examples in their original order: shuffle them each epoch.'),
    "global np.random": (_global_random, '`minibatch_indices` gives different batches for two generators with the same seed: draw the shuffle from the `rng` argument (rng.permutation), not from np.random.'),
    "fixed seed inside": (_fixed_seed, '`minibatch_indices` gives the same batches whatever generator it is given: use the `rng` argument.'),
    "batch size off by one": (lambda n, b, rng: batches(n, b + 1, rng), '`minibatch_indices` gives batches of sizes [4, 4, 2]… (num_examples=10, batch_size=3); every batch should hold batch_size examples except the last, which holds the remainder.'),
    "pads the last batch": (_pads_last, '`minibatch_indices`: some examples appear twice in one epoch (num_examples=10, batch_size=3); an epoch uses every example exactly once, so shuffle a permutation rather than sampling with replacement.'),
    "remainder first": (_remainder_first, '`minibatch_indices` gives batches of sizes [1, 3, 3, 3]… (num_examples=10, batch_size=3); every batch should hold batch_size examples except the last, which holds the remainder.'),
    "shuffled once, same order every epoch": (_shuffled_once, '`minibatch_indices` gives the same batches whatever generator it is given: use the `rng` argument.'),
    "only the batch order shuffled": (_batch_order_shuffled_only, '`minibatch_indices` gives batches of sizes [1, 3, 3, 3]… (num_examples=10, batch_size=3); every batch should hold batch_size examples except the last, which holds the remainder.'),
    "shuffled within batches only": (_within_batches_only, '`minibatch_indices` keeps neighbouring examples together: every batch holds consecutive examples (only the order within or of the batches is shuffled). Shuffle all the examples, then split them into batches.'),
    "one batch of everything": (_one_batch, '`minibatch_indices` gives batches of sizes [10]… (num_examples=10, batch_size=3); every batch should hold batch_size examples except the last, which holds the remainder.'),
    "one example per batch": (lambda n, b, rng: batches(n, 1, rng), '`minibatch_indices` gives batches of sizes [1, 1, 1, 1, 1, 1]… (num_examples=10, batch_size=3); every batch should hold batch_size examples except the last, which holds the remainder.'),
    "last example dropped": (returning(lambda r: [*r[:-1], r[-1][:-1]] if len(r[-1]) > 1 else r[:-1])(batches), '`minibatch_indices` leaves out 1 of 10 examples (num_examples=10, batch_size=3): it drops the last, smaller batch; keep it.'),
    "prints to stderr, unshuffled": (_stderr_and_unshuffled, '`minibatch_indices` keeps the examples in their original order: shuffle them each epoch.'),
})


# ---------------------------------------------------------------- sgd_epoch
def epoch(params, X, y, batches, *, learning_rate):
    losses = []
    for batch in batches:
        losses.append(datasets.mse_loss(params, X[batch], y[batch]))
        params = params - learning_rate * datasets.mse_gradient(params, X[batch], y[batch])
    return params, np.array(losses)


def epoch_in_place_on_a_copy(params, X, y, batches, *, learning_rate):
    w = params.copy()
    losses = np.zeros(len(batches), dtype=np.float32)
    for k, batch in enumerate(batches):
        Xb, yb = X[batch], y[batch]
        losses[k] = datasets.mse_loss(w, Xb, yb)
        w -= learning_rate * datasets.mse_gradient(w, Xb, yb)
    return w, list(losses)


def epoch_by_hand(params, X, y, batches, *, learning_rate):
    w, b, losses = np.array(params[:-1], dtype=float), float(params[-1]), []
    for batch in batches:
        residual = X[batch] @ w + b - y[batch]
        losses.append(float(np.mean(residual**2)))
        w, b = w - learning_rate * 2 * X[batch].T @ residual / len(batch), b - learning_rate * 2 * residual.mean()
    return np.append(w, b), np.array(losses)


def epoch_with_out(params, X, y, batches, *, learning_rate):
    w, losses, step = np.array(params, dtype=float), [], np.empty(len(params))
    for batch in batches:
        losses.append(datasets.mse_loss(w, X[batch], y[batch]))
        np.multiply(learning_rate, datasets.mse_gradient(w, X[batch], y[batch]), out=step)
        np.subtract(w, step, out=w)
    return w, np.asarray(losses)


def epoch_float32(params, X, y, batches, *, learning_rate):
    new, losses = epoch(params.astype(np.float64), X, y, batches, learning_rate=learning_rate)
    return new.astype(np.float32), losses.astype(np.float32)


def epoch_losses_as_tuple(params, X, y, batches, *, learning_rate):
    new, losses = epoch(params, X, y, batches, learning_rate=learning_rate)
    return new, tuple(float(v) for v in losses)


def _loop(gradient_at=None, loss_at=None, sign=-1.0, rate=None, loss_after=False, stale=False):
    """One epoch with one thing changed."""
    def fn(params, X, y, batches, *, learning_rate):
        w, losses = params, []
        for k, batch in enumerate(batches):
            at = params if stale else w
            g = gradient_at(at, X, y, batch, batches) if gradient_at else datasets.mse_gradient(at, X[batch], y[batch])
            before = w
            w = w + sign * (learning_rate if rate is None else rate(learning_rate, k)) * g
            measured = w if loss_after else before
            losses.append(loss_at(measured, X, y, batch) if loss_at else datasets.mse_loss(measured, X[batch], y[batch]))
        return w, np.array(losses)
    return fn


def _mutates_params(params, X, y, batches, *, learning_rate):
    losses = []
    for batch in batches:
        losses.append(datasets.mse_loss(params, X[batch], y[batch]))
        params -= learning_rate * datasets.mse_gradient(params, X[batch], y[batch])
    return params, np.array(losses)


def _y_not_indexed(params, X, y, batches, *, learning_rate):
    for batch in batches:
        params = params - learning_rate * datasets.mse_gradient(params, X[batch], y)
    return params, []


def _only_last_loss(params, X, y, batches, *, learning_rate):
    new, losses = epoch(params, X, y, batches, learning_rate=learning_rate)
    return new, losses[-1:]


def _mean_loss(params, X, y, batches, *, learning_rate):
    new, losses = epoch(params, X, y, batches, learning_rate=learning_rate)
    return new, np.full(len(losses), losses.mean())


def _losses_summed(params, X, y, batches, *, learning_rate):
    new, losses = epoch(params, X, y, batches, learning_rate=learning_rate)
    return new, losses * np.array([len(b) for b in batches])


def _last_batch_skipped(params, X, y, batches, *, learning_rate):
    new, losses = epoch(params, X, y, batches[:-1], learning_rate=learning_rate)
    return new, np.append(losses, datasets.mse_loss(new, X[batches[-1]], y[batches[-1]]))


SGD_EPOCH = Bank("sgd_epoch", tensorflow=False, right={
    "functional": epoch,
    "in place on a copy, float32 list of losses": epoch_in_place_on_a_copy,
    "gradient written out": epoch_by_hand,
    "np.multiply and np.subtract with out=": epoch_with_out,
    "float32 results": epoch_float32,
    "losses as a tuple of floats": epoch_losses_as_tuple,
    "prints to stderr": printing_to_stderr(epoch),
}, wrong={
    **expect(common(epoch), {
        'returns None': '`sgd_epoch` should return a pair `(new_params, losses)`.',
        'raises ValueError': '`sgd_epoch` raised ValueError (shapes do not match) when called as sgd_epoch(…, …, …, …, learning_rate=0.3).',
        'not written yet': '`sgd_epoch` is not written yet: replace `raise NotImplementedError()` with your code.',
        'not a function': '`sgd_epoch` is not a function (it is a int); define it with `def sgd_epoch(...)`.',
        'NaN in the result': '`sgd_epoch` returned NaN or infinite values in the new parameters for finite inputs.',
        'inf in the result': '`sgd_epoch` returned NaN or infinite values in the new parameters for finite inputs.',
        'complex result': '`sgd_epoch` returned complex numbers for the new parameters; it should return real numbers (a float array).',
        'a string result': '`sgd_epoch` returned str for the new parameters; it should be a numpy array of numbers.',
        'result of the wrong shape': '`sgd_epoch` returned the new parameters of shape (5,); it should have shape (4,).',
        'returns only the first item': '`sgd_epoch` should return a pair `(new_params, losses)`.',
        'returns a triple': '`sgd_epoch` should return a pair `(new_params, losses)`.',
        'returns a list, not a tuple': '`sgd_epoch` should return a pair `(new_params, losses)`.',
    }),
    "full data each step": (_loop(gradient_at=lambda w, X, y, b, bs: datasets.mse_gradient(w, X, y)), "`sgd_epoch`: every step uses the gradient of all the data; use only the batch's examples, X[batch] and y[batch] (case: 50 examples in 7 batches, learning_rate=0.3)."),
    "first batch only": (_loop(gradient_at=lambda w, X, y, b, bs: datasets.mse_gradient(w, X[bs[0]], y[bs[0]])), '`sgd_epoch`: every step uses the first batch; loop over all the batches (case: 50 examples in 7 batches, learning_rate=0.3).'),
    "stale gradient": (_loop(stale=True), '`sgd_epoch`: the gradient is taken at the starting parameters every time; recompute it at the current parameters (case: 50 examples in 7 batches, learning_rate=0.3).'),
    "loss after the step": (_loop(loss_after=True), '`sgd_epoch`: each loss is measured after the step on its batch; record it before, at the parameters the step starts from (case: 50 examples in 7 batches, learning_rate=0.3).'),
    "loss on all data": (_loop(loss_at=lambda w, X, y, b: datasets.mse_loss(w, X, y)), "`sgd_epoch`: the losses are measured on all the data; record the batch's loss, as Keras does (case: 50 examples in 7 batches, learning_rate=0.3)."),
    "uphill": (_loop(sign=1.0), '`sgd_epoch`: the steps go uphill; subtract learning_rate × gradient (case: 50 examples in 7 batches, learning_rate=0.3).'),
    "learning rate ignored": (_loop(rate=lambda lr, k: 1.0), '`sgd_epoch`: `learning_rate` is not used (case: 50 examples in 7 batches, learning_rate=0.3).'),
    "learning rate halved": (_loop(rate=lambda lr, k: lr / 2), '`sgd_epoch` goes wrong at the step on batch 1 of 7 (50 examples in 7 batches, learning_rate=0.3): the losses agree on the first batch, the parameters after it differ (at the end it gives [-1.67847  0.89068  0.52532 -0.34396], expected [-1.57383  0.71875  0.25429 -0.58616]).'),
    "learning rate divided by the batch count": (_loop(rate=lambda lr, k: lr / (k + 1)), '`sgd_epoch` goes wrong at the step on batch 2 of 7 (50 examples in 7 batches, learning_rate=0.3): the losses agree up to that batch, the parameters after it differ (at the end it gives [-1.55667  1.06664  0.69532 -0.24333], expected [-1.57383  0.71875  0.25429 -0.58616]).'),
    "gradient summed, not averaged": (_loop(gradient_at=lambda w, X, y, b, bs: len(b) * datasets.mse_gradient(w, X[b], y[b])), '`sgd_epoch` goes wrong at the step on batch 1 of 7 (50 examples in 7 batches, learning_rate=0.3): the losses agree on the first batch, the parameters after it differ (at the end it gives [ -78915.83739 -212066.50404 -255318.28664 -246641.0424 ], expected [-1.57383  0.71875  0.25429 -0.58616]).'),
    "mutates params": (_mutates_params, '`sgd_epoch` changed `params` in place; work on a copy and return the new parameters.'),
    "mutates X": (mutating(1)(epoch), '`sgd_epoch` changed the data it was given (X, y or the batches); read them, and change only a copy of the parameters.'),
    "y not indexed": (_y_not_indexed, '`sgd_epoch` raised ValueError (X has 8 examples but y has 50: index both with the same batch) when called as sgd_epoch(…, …, …, …, learning_rate=0.3).'),
    "no losses": (returning(lambda r: (r[0], None))(epoch), '`sgd_epoch` returned None for the losses; did you forget a `return`?'),
    "only the last loss": (_only_last_loss, '`sgd_epoch` returned the losses of shape (1,); it should have shape (7,).'),
    "mean loss repeated": (_mean_loss, "`sgd_epoch` ends at the right parameters, but the loss of batch 1 is off (50 examples in 7 batches, learning_rate=0.3): record each batch's mean squared error at the parameters its step starts from."),
    "losses summed over the batch": (_losses_summed, "`sgd_epoch` ends at the right parameters, but the loss of batch 1 is off (50 examples in 7 batches, learning_rate=0.3): record each batch's mean squared error at the parameters its step starts from."),
    "last batch skipped": (_last_batch_skipped, '`sgd_epoch` goes wrong at the step on batch 7 of 7 (50 examples in 7 batches, learning_rate=0.3): the losses agree up to that batch, the parameters after it differ (at the end it gives [-1.38261  1.01195  0.63738 -0.1664 ], expected [-1.57383  0.71875  0.25429 -0.58616]).'),
    "params and losses swapped": (returning(lambda r: (r[1], r[0]))(epoch), '`sgd_epoch` returned the new parameters of shape (7,); it should have shape (4,).'),
})

BANKS = [MINIBATCH_INDICES, SGD_EPOCH]
