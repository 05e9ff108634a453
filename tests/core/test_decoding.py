"""The one greedy decoder and the one beam search, against brute force on a tiny step function."""

from __future__ import annotations

import itertools
import math

import pytest
import torch

from rnnkit.core import decoding

BOS, EOS, V = 0, 1, 4


def toy_model(seed: int = 0):
    """A step function whose next-word distribution depends on the last word and on a running state."""
    generator = torch.Generator().manual_seed(seed)
    table = torch.randn(V, V, generator=generator) * 2                  # (previous word, next word)
    drift = torch.randn(V, generator=generator)

    def step(tokens, state):
        logits = table[tokens] + state * drift                          # (k, V)
        return logits.log_softmax(-1), state + 1, {"seen": tokens.float()}

    def log_prob(words):                                                # the same model, one sequence at a time
        total, previous, t = 0.0, BOS, 0
        for word in words:
            total += float((table[previous] + t * drift).log_softmax(-1)[word])
            previous, t = word, t + 1
        return total

    return step, log_prob


def every_output(log_prob, max_len: int):
    """Every sequence the search can return: ended by <eos> within max_len steps, or max_len words long."""
    outputs = []
    words = [w for w in range(V) if w != EOS]
    for length in range(max_len):
        for body in itertools.product(words, repeat=length):
            outputs.append(decoding.Hypothesis(list(body), log_prob(list(body) + [EOS]), finished=True))
    for body in itertools.product(words, repeat=max_len):
        outputs.append(decoding.Hypothesis(list(body), log_prob(list(body)), finished=False))
    return outputs


@pytest.mark.parametrize("penalty", [decoding.word_count_penalty(1.0), decoding.word_count_penalty(0.0),
                                     decoding.gnmt_penalty(0.7)])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_a_beam_wide_enough_ranks_every_output_as_brute_force_does(penalty, early_stopping):
    step, log_prob = toy_model()
    max_len = 3
    oracle = every_output(log_prob, max_len)
    for h in oracle:
        h.score = h.log_prob / penalty(h)
    oracle.sort(key=lambda h: h.score, reverse=True)
    found = decoding.beam_search(step, torch.zeros(1, 1), BOS, EOS, 10_000, max_len, penalty, early_stopping)
    assert [(h.tokens, h.finished) for h in found] == [(h.tokens, h.finished) for h in oracle]
    assert [h.score for h in found] == pytest.approx([h.score for h in oracle], abs=1e-5)
    assert [h.log_prob for h in found] == pytest.approx([h.log_prob for h in oracle], abs=1e-5)


def test_every_step_keeps_its_extras_with_the_end_marks_row():
    step, _ = toy_model(1)
    for h in decoding.beam_search(step, torch.zeros(1, 1), BOS, EOS, 3, 5, decoding.gnmt_penalty(), False):
        inputs = [BOS] + h.tokens                                        # what each step was fed
        assert h.stacked("seen").tolist() == inputs[:len(h.tokens) + int(h.finished)]


def test_greedy_is_beam_one_and_batch_rows_do_not_interact():
    steps = [toy_model(seed)[0] for seed in range(3)]
    for step in steps:
        greedy, = decoding.greedy(step, torch.zeros(1, 1), 1, BOS, EOS, 6)
        beam, = decoding.beam_search(step, torch.zeros(1, 1), BOS, EOS, 1, 6, decoding.word_count_penalty(), False)
        assert (greedy.tokens, greedy.finished) == (beam.tokens, beam.finished)
        assert greedy.log_prob == pytest.approx(beam.log_prob, abs=1e-5)
    step, log_prob = toy_model(2)
    starts = torch.arange(4.0)[:, None]                                   # a different state in every row
    batch = decoding.greedy(step, starts, 4, BOS, EOS, 6)
    for row, start in zip(batch, starts):
        alone, = decoding.greedy(step, start[None], 1, BOS, EOS, 6)
        assert (row.tokens, row.finished) == (alone.tokens, alone.finished)
        assert row.log_prob == pytest.approx(alone.log_prob, abs=1e-5)
        assert len(row.extras["seen"]) == len(row.tokens) + row.finished
    first, = decoding.greedy(step, torch.zeros(1, 1), 1, BOS, EOS, 6)
    assert first.log_prob == pytest.approx(log_prob(first.tokens + [EOS] * first.finished), abs=1e-5)


def test_early_stopping_ranks_only_the_finished():
    """Beam 2; step 1 finishes "" (p .35) and keeps "w" (.45); step 2 finishes "w" (.45 x .3) and keeps
    "w x" (.45 x .7), whose score (log p / 2) lies between the two finished ones'."""
    W, X, Y = 2, 3, 4
    table = torch.full((5, 5), 1e-9)
    table[BOS, [EOS, W, Y]] = torch.tensor([0.35, 0.45, 0.2])
    table[W, [EOS, X]] = torch.tensor([0.3, 0.7])
    table[[EOS, X, Y]] = 0.2
    step = lambda tokens, state: (table[tokens].log(), state, {})
    search = lambda early: [h.tokens for h in decoding.beam_search(
        step, torch.zeros(1, 1), BOS, EOS, 2, 5, decoding.word_count_penalty(1.0), early)]
    assert search(True) == [[], [W]]              # two have finished: stop and rank those
    assert search(False) == [[], [W, X]]          # the best finished beats every live one: the live compete too


def test_length_penalties():
    three = decoding.Hypothesis([5, 6, 7], -3.0, finished=True)
    assert decoding.word_count_penalty(1.0)(three) == 4                  # the end mark counts
    assert decoding.word_count_penalty(0.0)(three) == 1
    assert decoding.gnmt_penalty(0.7)(three) == pytest.approx(math.pow(8 / 6, 0.7))
    assert decoding.word_count_penalty(1.0)(decoding.Hypothesis([], -1.0, finished=True)) == 2
