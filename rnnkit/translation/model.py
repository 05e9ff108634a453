"""The encoder-decoder LSTM for translation, with or without Luong attention.

The encoder reads the source into states ``h̄_s`` (left to right, or both ways with
``bidirectional``: Bahdanau et al. 2014, ``h̄_s = [→h_s; ←h_s]``); the decoder starts from the
encoder's final state and writes the target one word at a time. ``input_feeding`` (Luong et al.
2015, section 3.3) feeds the previous attentional vector ``a_{t-1}`` into the decoder with the
previous word, so the decoder knows where it looked before. ``attention="none"`` is the plain
encoder-decoder of the lecture (everything the decoder knows of the source is the final state);
``"dot" | "general" | "concat"`` adds Luong global attention (``rnnkit.core.attention``).

``forward(src, src_lengths, target)`` trains with teacher forcing. ``forward_step`` is one
decoder call and returns its attention, so the page can draw every step; ``greedy`` and
``beam_search`` drive it through ``rnnkit.core.decoding``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnkit.core import decoding
from rnnkit.core.attention import GlobalAttention, sequence_mask
from rnnkit.core.text import Vocabulary


def reversal_index(src_lengths: torch.Tensor, width: int) -> torch.Tensor:
    """(B, width) positions that reverse each sentence's real tokens and leave the padding alone.

    Position ``t < L`` maps to ``L - 1 - t``, padding to itself; applying it twice is the identity.
    """
    positions = torch.arange(width, device=src_lengths.device)[None, :]               # (1, S)
    lengths = src_lengths.to(positions.device)[:, None]                               # (B, 1)
    return torch.where(positions < lengths, lengths - 1 - positions, positions)       # (B, S)


class Encoder(nn.Module):
    """Source word ids -> states ``h̄_s`` (B, S, H) and the final LSTM state ``(h_n, c_n)`` (L, B, H).

    ``reverse_source`` (Sutskever et al. 2014) feeds each sentence to the LSTM last word first, so
    the first source words are read last and sit next to the first target words the decoder must
    write. ``h̄_s`` is put back in source order, so ``h̄_s[:, s]`` is always the state of word ``s``
    (attention weights stay aligned with the sentence as written).

    ``bidirectional`` (Bahdanau et al. 2014) runs two LSTMs of H/2 units, one each way, and
    concatenates them: ``h̄_s = [→h_s; ←h_s]`` knows the words after ``s`` too (which noun an
    article belongs to). The decoder's first state is the two final states concatenated.
    """

    def __init__(self, vocab_size: int, embed_size: int, hidden_size: int, layers: int, dropout: float,
                 reverse_source: bool = False, bidirectional: bool = False):
        super().__init__()
        if bidirectional and hidden_size % 2:
            raise ValueError("a bidirectional encoder needs an even hidden_size (H/2 units each way)")
        self.reverse_source, self.bidirectional = reverse_source, bidirectional
        self.embedding = nn.Embedding(vocab_size, embed_size, padding_idx=Vocabulary.pad_id)
        self.lstm = nn.LSTM(embed_size, hidden_size // 2 if bidirectional else hidden_size, layers,
                            batch_first=True, dropout=dropout if layers > 1 else 0.0, bidirectional=bidirectional)
        self.dropout = nn.Dropout(dropout)

    def forward(self, src: torch.Tensor, src_lengths: torch.Tensor):
        index = reversal_index(src_lengths, src.size(1)) if self.reverse_source else None
        if index is not None:
            src = src.gather(1, index)                                               # last word first
        x = self.dropout(self.embedding(src))                                        # (B, S, E)
        packed = pack_padded_sequence(x, src_lengths.cpu(), batch_first=True, enforce_sorted=False)
        states, (h_n, c_n) = self.lstm(packed)   # h_n: state after each sentence's real last token
        h_s, _ = pad_packed_sequence(states, batch_first=True, total_length=src.size(1))  # (B, S, H)
        if index is not None:
            h_s = h_s.gather(1, index[:, :, None].expand_as(h_s))                    # back to source order
        if self.bidirectional:
            h_n, c_n = (join_directions(part) for part in (h_n, c_n))               # (L, B, H)
        return h_s, (h_n, c_n)                                                        # (L, B, H) each


def join_directions(state: torch.Tensor) -> torch.Tensor:
    """(2L, B, H/2) final states of a bidirectional LSTM, ordered layer by layer -> (L, B, H) = [→h; ←h]."""
    layers2, batch, half = state.shape
    return state.view(layers2 // 2, 2, batch, half).transpose(1, 2).reshape(layers2 // 2, batch, 2 * half)


class Decoder(nn.Module):
    """Previous target words -> next-word logits, one call for one step or for a whole sentence.

    With ``input_feeding`` the LSTM reads ``[y_{t-1}; a_{t-1}]`` and the state is ``(h, c, a)``:
    the attentional vector of the last step travels with the LSTM state (zeros before the first).
    """

    def __init__(self, vocab_size: int, embed_size: int, hidden_size: int, layers: int,
                 dropout: float, attention: str, input_feeding: bool = False):
        super().__init__()
        if input_feeding and attention == "none":
            raise ValueError("input feeding feeds the attentional vector back: it needs attention")
        self.input_feeding = input_feeding
        self.embedding = nn.Embedding(vocab_size, embed_size, padding_idx=Vocabulary.pad_id)
        self.lstm = nn.LSTM(embed_size + (hidden_size if input_feeding else 0), hidden_size, layers,
                            batch_first=True, dropout=dropout if layers > 1 else 0.0)
        self.attention = GlobalAttention(hidden_size, attention) if attention != "none" else None
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(hidden_size, vocab_size)

    def initial_state(self, state):
        """The encoder's final ``(h_n, c_n)`` -> the decoder's first state (``a_0 = 0`` added with input feeding)."""
        if not self.input_feeding:
            return state
        h_n, c_n = state
        return h_n, c_n, h_n.new_zeros(h_n.shape[1:])                             # a_0: (B, H)

    def forward_step(self, inputs: torch.Tensor, state, h_s: torch.Tensor, src_mask: torch.Tensor):
        """One call of the decoder over ``inputs`` (B, T) (T = 1 when decoding freely).

        Returns ``(logits (B,T,V), state, details)``; ``details`` holds ``h_t`` and, with
        attention, ``scores``, ``alpha`` (B,T,S), ``context`` ``c_t`` and ``a_t`` — the numbers the
        page opens up.
        """
        y = self.dropout(self.embedding(inputs))                   # 1. (B, T, E)
        if self.input_feeding:
            return self._fed_steps(y, state, h_s, src_mask)
        if y.size(1) == 1:                                         # 2. one decoding step: the cell alone
            h, c = self._lstm_step(y[:, 0], *state)
            h_t, state = h[-1][:, None], (h, c)                    #    (B, 1, H)
        else:
            h_t, state = self.lstm(y, state)                       #    (B, T, H)
        details = {"h_t": h_t}
        if self.attention is None:
            output = h_t                                           #    plain: the state alone
        else:
            a_t, alpha, context, scores = self.attention(h_t, h_s, src_mask)   # 3. (B, T, H)
            details.update(a_t=a_t, alpha=alpha, context=context, scores=scores)
            output = a_t
        logits = self.out(self.dropout(output))                   # 4. (B, T, V)
        return logits, state, details

    def _fed_steps(self, y: torch.Tensor, state, h_s: torch.Tensor, src_mask: torch.Tensor):
        """Input feeding: one LSTM step at a time, each reading ``[y_{t-1}; a_{t-1}]``."""
        h, c, a_t = state
        rows = []
        for t in range(y.size(1)):
            x_t = torch.cat([y[:, t], a_t], -1)                                     # 2. (B, E + H)
            h, c = self._lstm_step(x_t, h, c)                                       # 3. (L, B, H) each
            h_t = h[-1][:, None]                                                    #    (B, 1, H)
            a, alpha, context, scores = self.attention(h_t, h_s, src_mask)         # 4. (B, 1, H)
            a_t = a[:, 0]                                                           #    fed to step t+1
            rows.append({"h_t": h_t, "a_t": a, "alpha": alpha, "context": context, "scores": scores})
        details = {name: torch.cat([row[name] for row in rows], 1) for name in rows[0]}   # (B, T, ...)
        logits = self.out(self.dropout(details["a_t"]))                             # 5. (B, T, V)
        return logits, (h, c, a_t), details

    def _lstm_step(self, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One time step of ``self.lstm`` on its own weights, layer by layer, as ``nn.LSTMCell`` computes it.

        The same numbers as ``self.lstm(x[:, None], (h, c))`` (to float rounding), without the
        sequence machinery that a one-step call still pays for: 88 µs instead of 335 µs per step for
        the shipped decoder at one thread (greedy decoding of a 13-word sentence went from 37 to 15 ms).
        Dropout between layers as ``nn.LSTM`` applies it.
        """
        lstm, new_h, new_c = self.lstm, [], []
        for layer in range(lstm.num_layers):
            if layer:
                x = F.dropout(x, lstm.dropout, self.training)
            h_l, c_l = torch.lstm_cell(x, (h[layer], c[layer]), *lstm.all_weights[layer])
            new_h.append(h_l)
            new_c.append(c_l)
            x = h_l
        return torch.stack(new_h), torch.stack(new_c)


@dataclass
class ModelConfig:
    """The architecture: everything ``Seq2Seq`` needs besides the two vocabulary sizes."""

    attention: str = "general"     # Luong score "dot" | "general" | "concat", or "none" (plain encoder-decoder)
    embed_size: int = 128          # word embedding size, source and target
    hidden_size: int = 192         # LSTM state size of the encoder and the decoder
    layers: int = 1                # stacked LSTM layers
    dropout: float = 0.1           # dropout on embeddings and outputs (and between layers)
    reverse_source: bool = False   # encoder reads the source backwards (Sutskever 2014); used for the plain model
    bidirectional: bool = False    # encoder reads both ways, h̄_s = [→h_s; ←h_s] of H/2 each (Bahdanau 2014)
    input_feeding: bool = False    # decoder reads [y_{t-1}; a_{t-1}] (Luong 2015, section 3.3); needs attention


class Seq2Seq(nn.Module):
    """Encoder-decoder LSTM; ``config.attention`` is ``"none"``, ``"dot"``, ``"general"`` or ``"concat"``.

    ``reverse_source=True`` makes the encoder read each source sentence backwards (see ``Encoder``);
    it lives in the model, so training, greedy/beam decoding and the page all reverse alike.
    """

    def __init__(self, config: ModelConfig, src_vocab_size: int, tgt_vocab_size: int):
        super().__init__()
        self.config = config
        self.encoder = Encoder(src_vocab_size, config.embed_size, config.hidden_size, config.layers,
                               config.dropout, config.reverse_source, config.bidirectional)
        self.decoder = Decoder(tgt_vocab_size, config.embed_size, config.hidden_size, config.layers,
                               config.dropout, config.attention, config.input_feeding)

    def encode(self, src: torch.Tensor, src_lengths: torch.Tensor):
        """``h̄_s`` (B, S, H), the decoder's first state and the source mask (B, S)."""
        h_s, state = self.encoder(src, src_lengths)                 # (B, S, H)
        return h_s, self.decoder.initial_state(state), sequence_mask(src_lengths, src.size(1))

    def forward(self, src: torch.Tensor, src_lengths: torch.Tensor, target: torch.Tensor):
        """Teacher forcing: logits (B, T, V) and attention (B, T, S) or None.

        ``target`` (B, T+1) = ``<bos> y_1 ... y_T`` (padded); the decoder is fed the true previous
        words in one fused call.
        """
        h_s, state, src_mask = self.encode(src, src_lengths)
        logits, _, details = self.decoder.forward_step(target[:, :-1], state, h_s, src_mask)
        return logits, details.get("alpha")

    def step_function(self, src: torch.Tensor, src_lengths: torch.Tensor):
        """The decoder as ``rnnkit.core.decoding`` drives it, and its first state, for these sentences.

        The state is kept batch-first, ``(h, c)`` each (k, L, H) (and ``a`` (k, H) with input feeding),
        so the search can reorder hypotheses; with one sentence its encoder states serve every hypothesis.
        """
        h_s, state, src_mask = self.encode(src, src_lengths)        # (B, S, H), (L, B, H) x 2 [+ (B, H)]

        def step(tokens: torch.Tensor, state):
            k = tokens.size(0)
            h, c = (part.transpose(0, 1).contiguous() for part in state[:2])          # (L, k, H)
            logits, new_state, details = self.decoder.forward_step(
                tokens[:, None], (h, c, *state[2:]), h_s.expand(k, -1, -1), src_mask.expand(k, -1))
            extras = {"alpha": details["alpha"][:, -1]} if "alpha" in details else {}  # (k, S)
            h, c = new_state[0].transpose(0, 1), new_state[1].transpose(0, 1)         # (k, L, H)
            return F.log_softmax(logits[:, -1], -1), (h, c, *new_state[2:]), extras

        return step, (state[0].transpose(0, 1), state[1].transpose(0, 1), *state[2:])

    @torch.no_grad()
    def greedy(self, src: torch.Tensor, src_lengths: torch.Tensor, max_len: int = 60) -> list[decoding.Hypothesis]:
        """Batched greedy decoding of padded sentences ``src`` (B, S)."""
        step, state = self.step_function(src, src_lengths)
        return decoding.greedy(step, state, src.size(0), Vocabulary.bos_id, Vocabulary.eos_id, max_len)

    @torch.no_grad()
    def beam_search(self, src_ids: list[int], beam_size: int = 5, max_len: int = 60,
                    length_alpha: float = 1.0) -> list[decoding.Hypothesis]:
        """Beam search for one sentence, ranked by ``log p / |y|^length_alpha`` (|y| counting the end mark)."""
        step, state = self.step_function(torch.tensor([src_ids]), torch.tensor([len(src_ids)]))
        return decoding.beam_search(step, state, Vocabulary.bos_id, Vocabulary.eos_id, beam_size, max_len,
                                    decoding.word_count_penalty(length_alpha), early_stopping=False)
