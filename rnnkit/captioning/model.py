"""Show, Attend and Tell: an LSTM decoder with soft attention over the encoder's 7 x 7 grid.

Symbols follow Xu et al. (2015): the image is L = 49 annotation vectors a_i (D = 1280), the
caption is y_1 .. y_T, the LSTM state is (h_t, c_t), E embeds words. At every step t:

.. math::

    e_{ti} = w^\\top \\tanh(W_a a_i [+ P_i] + W_h h_{t-1})               \\quad\\text{(attention score)}
    \\alpha_{ti} = \\exp(e_{ti}) / \\sum_k \\exp(e_{tk})                  \\quad\\text{(where to look)}
    z_t = \\beta_t \\sum_i \\alpha_{ti} a_i,\\; \\beta_t = \\sigma(f_\\beta(h_{t-1}))  \\quad\\text{(gated context)}
    \\ell_t = \\sum_i \\alpha_{ti} (x_i, y_i)               \\quad\\text{(where it looks: grid coordinates in [-1, 1])}
    h_t, c_t = \\mathrm{LSTM}([E y_{t-1}; z_t; \\ell_t], (h_{t-1}, c_{t-1}))
    p(y_t) \\propto \\exp(L_o(E y_{t-1} + L_h h_t + L_z z_t))          \\quad\\text{(deep output)}

Optional **places** (``positional``, ``layout``): the scores above compare contents only, so when two objects
are new to the decoder it cannot ask for "the other one"; a learned embedding P_i of each region's place added to
its key lets it. And h_0, c_0 read the mean of the a_i, which keeps what is in the picture and loses where; with
``layout = S`` they also read tanh(W_s a_i) of all 49 regions in grid order.

Optional **copy head** (the shipped default, which never saw a caption of a real photo): the
attended context z_t lives in the encoder's own feature space, so the encoder's frozen ImageNet
classifier reads it, ``q_t = softmax(W_{cls} z_t + b_{cls})`` (1000 classes), and the word
distribution mixes generating and copying a class name, as in pointer-generator networks:

.. math::

    g_t = \\sigma(w_g^\\top o_t),\\quad p(y_t = w) = g_t\\, p_{gen}(w) + (1 - g_t) \\sum_{c:\\,name(c) = w} q_{tc}

Class names can only be produced by copying, so the decoder names whatever the encoder sees in
the region it attends to, for all 1000 classes, not only those in its training images.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from rnnkit.core import decoding
from rnnkit.core.attention import attention
from rnnkit.core.text import Vocabulary

NEG_INF = -1e9
GRID = 7                         # the encoder's 7 x 7 grid: L = 49 regions


def additive_scores(keys: torch.Tensor, query: torch.Tensor, w: nn.Linear) -> torch.Tensor:
    """e_ti = w^T tanh(W_a a_i + W_h h_{t-1}); keys = W_a a (B, L, A), query = W_h h (B, A) -> (B, L)."""
    return w(torch.tanh(keys + query.unsqueeze(1))).squeeze(-1)        # (B, L)


class SoftAttention(nn.Module):
    """Bahdanau-style additive attention of Show, Attend and Tell.

    Args:
        feature_size: D, the size of each annotation vector a_i.
        hidden_size: H, the size of h_{t-1}.
        attention_size: A, the size of the hidden layer of the scoring MLP.
    """

    def __init__(self, feature_size: int, hidden_size: int, attention_size: int, regions: int = 0):
        super().__init__()
        self.W_a = nn.Linear(feature_size, attention_size)
        self.W_h = nn.Linear(hidden_size, attention_size, bias=False)
        self.w = nn.Linear(attention_size, 1)
        # with ``regions``: a learned embedding P_i of each region's place, added to its key, so the
        # scores can ask for a place ("the object right of where I looked") and not only for a content
        self.P = nn.Parameter(torch.randn(regions, attention_size) * 0.02) if regions else None

    def keys(self, a: torch.Tensor) -> torch.Tensor:
        keys = self.W_a(a)                                              # (B, L, A), once per image
        return keys if self.P is None else keys + self.P                # W_a a_i (+ P_i)

    def forward(self, a: torch.Tensor, keys: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        e = additive_scores(keys, self.W_h(h), self.w)                  # (B, L) e_ti
        context, alpha = attention(e.unsqueeze(1), a)                   # (B, 1, D), (B, 1, L): the shared softmax + sum
        return context.squeeze(1), alpha.squeeze(1)                     # z_t before gating, alpha_t


@dataclass
class Step:
    log_probs: torch.Tensor      # (B, V)
    state: tuple[torch.Tensor, torch.Tensor]
    alpha: torch.Tensor          # (B, L)
    copy_share: torch.Tensor     # (B,) 1 - g_t: how much of p(y_t) came from copying (0 without copy)


@dataclass
class ModelConfig:
    """The decoder's architecture; the vocabulary (and so the copy head's class tokens) comes from the card."""

    embed_size: int = 128          # m: word embedding size, also the size of the deep output o_t
    hidden_size: int = 384         # H: LSTM state size
    attention_size: int = 256      # A: hidden layer of the attention MLP
    dropout: float = 0.3           # dropout on z_t, h_t and o_t
    count_features: int = 0        # K: n = sum_i sigmoid(W_n a_i), fed to h_0, c_0 and o_t (0 = none)
    positional: bool = False       # attention keys W_a a_i + P_i: a learned embedding of each region's place
    layout: int = 0                # S: the first state also reads tanh(W_s a_i) of every region, in order (0 = none)


class ShowAttendTell(nn.Module):
    """The decoder. ``forward`` teacher-forces a batch; ``greedy`` and ``beam_search`` generate."""

    def __init__(self, config: ModelConfig, vocab_size: int, feature_size: int = 1280,
                 copy_classes: torch.Tensor | None = None, class_weight: torch.Tensor | None = None,
                 class_bias: torch.Tensor | None = None):
        super().__init__()
        self.config = config
        m, H, A = config.embed_size, config.hidden_size, config.attention_size
        self.vocab_size = vocab_size
        self.E = nn.Embedding(vocab_size, m, padding_idx=Vocabulary.pad_id)
        K, S = config.count_features, config.layout
        summary_size = feature_size + K + S * GRID * GRID                   # what init_state reads
        self.init_h = nn.Linear(summary_size, H)
        self.init_c = nn.Linear(summary_size, H)
        if S:
            # The mean over regions keeps what is in the picture and loses where: S numbers per region,
            # in grid order, tell the first state the layout (one object left and one right, or three)
            self.W_s = nn.Linear(feature_size, S)
        if K:
            # Softmax attention and the mean over regions both normalise away how many objects there are
            # (Zhang et al. 2018, "Learning to Count Objects in Natural Images for VQA"); a sum of
            # per-region sigmoid scores keeps it: two frogs score about twice what one does.
            self.W_n = nn.Linear(feature_size, K)
            self.L_n = nn.Linear(K, m)
        self.attention = SoftAttention(feature_size, H, A, GRID * GRID if config.positional else 0)
        self.f_beta = nn.Linear(H, 1)
        self.lstm = nn.LSTMCell(m + feature_size + 2, H)
        side = torch.linspace(-1, 1, GRID)
        grid_y, grid_x = torch.meshgrid(side, side, indexing="ij")
        positions = torch.stack([grid_x.flatten(), grid_y.flatten()], -1)                  # (L, 2)
        self.register_buffer("positions", positions, persistent=False)
        self.L_h = nn.Linear(H, m)
        self.L_z = nn.Linear(feature_size, m)
        self.L_o = nn.Linear(m, vocab_size)
        self.dropout = nn.Dropout(config.dropout)
        self.copy = copy_classes is not None
        if self.copy:
            # the frozen ImageNet head and, for each class, the token id of its name (not saved:
            # build_model restores them from the encoder's weights and the vocabulary)
            self.register_buffer("class_weight", class_weight.float(), persistent=False)   # (1000, D)
            self.register_buffer("class_bias", class_bias.float(), persistent=False)       # (1000,)
            self.register_buffer("class_token", copy_classes.long(), persistent=False)     # (1000,)
            only_copied = torch.zeros(vocab_size, dtype=torch.bool)
            only_copied[copy_classes.long()] = True
            self.register_buffer("only_copied", only_copied, persistent=False)              # (V,)
            self.w_g = nn.Linear(m, 1)

    def counts(self, a: torch.Tensor) -> torch.Tensor | None:
        """n = sum_i sigmoid(W_n a_i) (B, K), or None without count features."""
        return torch.sigmoid(self.W_n(a)).sum(1) if self.config.count_features else None

    def init_state(self, a: torch.Tensor, n: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        parts = [a.mean(1)] + ([] if n is None else [n])                # (B, D) [+ (B, K)]
        if self.config.layout:
            parts.append(torch.tanh(self.W_s(a)).flatten(1))            # (B, L * S) the layout
        summary = torch.cat(parts, -1)                                  # (B, D [+ K] [+ L * S])
        return torch.tanh(self.init_h(summary)), torch.tanh(self.init_c(summary))   # (B, H) each

    def forward_step(self, y_prev: torch.Tensor, state, a: torch.Tensor, keys: torch.Tensor,
                     n: torch.Tensor | None = None) -> Step:
        h, c = state
        context, alpha = self.attention(a, keys, h)                     # 1-2. (B, D), (B, L)
        beta = torch.sigmoid(self.f_beta(h))                            # 3. (B, 1) gate on the context
        z = beta * context                                              # (B, D) z_t
        where = alpha @ self.positions                                  # (B, 2) l_t, "left/right, up/down"
        e = self.E(y_prev)                                              # (B, m) E y_{t-1}
        h, c = self.lstm(torch.cat([e, self.dropout(z), where], -1), (h, c))   # 4. (B, H)
        o = e + self.L_h(self.dropout(h)) + self.L_z(z)                 # 5. (B, m) deep output
        if n is not None:
            o = o + self.L_n(n)                                         # (+ L_n n_t: how many there are)
        logits = self.L_o(self.dropout(o))                              # (B, V)
        if not self.copy:
            return Step(logits.log_softmax(-1), (h, c), alpha, torch.zeros(len(h)))
        p_gen = logits.masked_fill(self.only_copied, NEG_INF).softmax(-1)              # (B, V)
        q = (context @ self.class_weight.T + self.class_bias).softmax(-1)              # (B, 1000) q_t
        p_copy = torch.zeros_like(p_gen).index_add_(1, self.class_token, q)            # (B, V)
        g = torch.sigmoid(self.w_g(o))                                                 # (B, 1) g_t
        p = g * p_gen + (1 - g) * p_copy                                               # (B, V)
        return Step(torch.log(p.clamp_min(1e-12)), (h, c), alpha, (1 - g).squeeze(-1))

    def forward(self, a: torch.Tensor, y_in: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Teacher forcing: a (B, L, D), y_in (B, T) starting with <bos> -> log p (B, T, V), alpha (B, T, L)."""
        n = self.counts(a)                                              # (B, K) or None
        state, keys = self.init_state(a, n), self.attention.keys(a)     # (B, H) x2, (B, L, A)
        log_probs, alphas = [], []
        for t in range(y_in.shape[1]):
            step = self.forward_step(y_in[:, t], state, a, keys, n)
            state = step.state
            log_probs.append(step.log_probs)
            alphas.append(step.alpha)
        return torch.stack(log_probs, 1), torch.stack(alphas, 1)

    def step_function(self, a: torch.Tensor):
        """The decoder as ``rnnkit.core.decoding`` drives it, and its first state, for images a (B, L, D).

        With one image its annotation vectors serve every hypothesis of the beam.
        """
        keys, n = self.attention.keys(a), self.counts(a)                # (B, L, A), (B, K): once per image

        def step(tokens: torch.Tensor, state):
            k = tokens.size(0)
            out = self.forward_step(tokens, state, a.expand(k, -1, -1), keys.expand(k, -1, -1),
                                    None if n is None else n.expand(k, -1))
            return out.log_probs, out.state, {"alpha": out.alpha, "copy_share": out.copy_share}

        return step, self.init_state(a, n)

    @torch.no_grad()
    def greedy(self, a: torch.Tensor, max_len: int = 20) -> list[decoding.Hypothesis]:
        """The most probable word at every step, for a batch a (B, L, D)."""
        step, state = self.step_function(a)
        return decoding.greedy(step, state, len(a), Vocabulary.bos_id, Vocabulary.eos_id, max_len)

    @torch.no_grad()
    def beam_search(self, a: torch.Tensor, beam: int = 3, max_len: int = 20) -> list[decoding.Hypothesis]:
        """Beam search for one image a (1, L, D): candidates best first, ranked with GNMT's length penalty
        ((5 + |y|) / 6)^0.7; each keeps the attention map and copy share of every word."""
        step, state = self.step_function(a)
        return decoding.beam_search(step, state, Vocabulary.bos_id, Vocabulary.eos_id, beam, max_len,
                                    decoding.gnmt_penalty(0.7), early_stopping=True)


def sequence_loss(log_probs: torch.Tensor, targets: torch.Tensor, pad_id: int = Vocabulary.pad_id) -> torch.Tensor:
    """Mean negative log-likelihood of the targets (B, T), padding ignored."""
    return F.nll_loss(log_probs.reshape(-1, log_probs.shape[-1]), targets.reshape(-1), ignore_index=pad_id)


def caption_losses(log_probs: torch.Tensor, targets: torch.Tensor, pad_id: int = Vocabulary.pad_id) -> torch.Tensor:
    """(B,): each caption's summed negative log-likelihood, padding ignored."""
    return F.nll_loss(log_probs.transpose(1, 2), targets, ignore_index=pad_id, reduction="none").sum(-1)


def doubly_stochastic(alphas: torch.Tensor, targets: torch.Tensor, pad_id: int = Vocabulary.pad_id) -> torch.Tensor:
    """Xu et al.'s penalty sum_i (1 - sum_t alpha_ti)^2, scaled to captions shorter than L: every
    region should get about T / L of the attention over the caption. alphas (B, T, L)."""
    mask = (targets != pad_id).float().unsqueeze(-1)                    # (B, T, 1)
    coverage = (alphas * mask).sum(1)                                   # (B, L)
    expected = mask.sum(1) / alphas.shape[-1]                           # (B, 1)
    return ((expected - coverage) ** 2).sum(-1).mean()


def object_attention(alphas: torch.Tensor, centres: torch.Tensor, positions: torch.Tensor,
                     sigma: float = 0.3) -> torch.Tensor:
    """Supervised attention (Liu et al. 2017, "Attention Correctness in Neural Image Captioning"): while a word
    names an object whose centre is known, alpha_t should lie on it. Cross-entropy between alpha_t and a
    Gaussian of width ``sigma`` (grid units, [-1, 1]) around the centre, over the L regions, averaged over
    those words. alphas (B, T, L), centres (B, T, 2) NaN where a word names no known object, positions (L, 2)."""
    known = ~centres.isnan().any(-1)                                    # (B, T)
    if not known.any():
        return alphas.new_zeros(())
    return word_attention_loss(alphas, centres, positions, sigma).sum() / known.sum()


def word_attention_loss(alphas: torch.Tensor, centres: torch.Tensor, positions: torch.Tensor,
                        sigma: float = 0.3) -> torch.Tensor:
    """(B, T): ``object_attention``'s cross-entropy for each word, 0 where the word names no known object."""
    known = ~centres.isnan().any(-1)                                    # (B, T)
    distance = ((positions - centres.nan_to_num().unsqueeze(-2)) ** 2).sum(-1)          # (B, T, L)
    target = (-distance / (2 * sigma ** 2)).softmax(-1)
    return -(target * alphas.clamp_min(1e-12).log()).sum(-1) * known
