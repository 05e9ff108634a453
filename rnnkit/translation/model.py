"""The encoder-decoder LSTM for translation, with or without Luong attention, and its decoders.

The encoder reads the source into states ``h̄_s``; the decoder starts from the encoder's final
state and writes the target one word at a time. ``attention="none"`` is the plain
encoder-decoder of the lecture (everything the decoder knows of the source is the final state);
``"dot" | "general" | "concat"`` adds Luong global attention (``rnnkit.attention``).

``forward(src, src_lengths, target)`` trains with teacher forcing; ``target=None`` decodes
greedily. ``forward_step`` is one decoder call and returns its attention, so the page can draw
every step. ``beam_search`` adds length normalisation; ``replace_unknowns`` copies the source
word each ``<unk>`` attended to most (Luong et al. 2015).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnkit.core.attention import GlobalAttention, sequence_mask
from rnnkit.core.text import Vocabulary, tokenize

PAD_ID, UNK_ID, BOS_ID, EOS_ID = 0, 1, 2, 3


def reversal_index(src_lengths: torch.Tensor, width: int) -> torch.Tensor:
    """(B, width) positions that reverse each sentence's real tokens and leave the padding alone.

    Position ``t < L`` maps to ``L - 1 - t``, padding to itself; applying it twice is the identity.
    """
    positions = torch.arange(width, device=src_lengths.device)[None, :]               # (1, S)
    lengths = src_lengths.to(positions.device)[:, None]                               # (B, 1)
    return torch.where(positions < lengths, lengths - 1 - positions, positions)       # (B, S)


class Encoder(nn.Module):
    """Source word ids -> states ``h̄_s`` (B, S, H) and the final LSTM state ``(h_n, c_n)``.

    ``reverse_source`` (Sutskever et al. 2014) feeds each sentence to the LSTM last word first, so
    the first source words are read last and sit next to the first target words the decoder must
    write. ``h̄_s`` is put back in source order, so ``h̄_s[:, s]`` is always the state of word ``s``
    (attention weights stay aligned with the sentence as written).
    """

    def __init__(self, vocab_size: int, embed_size: int, hidden_size: int, layers: int, dropout: float,
                 reverse_source: bool = False):
        super().__init__()
        self.reverse_source = reverse_source
        self.embedding = nn.Embedding(vocab_size, embed_size, padding_idx=PAD_ID)
        self.lstm = nn.LSTM(embed_size, hidden_size, layers, batch_first=True,
                            dropout=dropout if layers > 1 else 0.0)
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
        return h_s, (h_n, c_n)                                                        # (L, B, H) each


class Decoder(nn.Module):
    """Previous target words -> next-word logits, one call for one step or for a whole sentence."""

    def __init__(self, vocab_size: int, embed_size: int, hidden_size: int, layers: int,
                 dropout: float, attention: str):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size, padding_idx=PAD_ID)
        self.lstm = nn.LSTM(embed_size, hidden_size, layers, batch_first=True,
                            dropout=dropout if layers > 1 else 0.0)
        self.attention = GlobalAttention(hidden_size, attention) if attention != "none" else None
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward_step(self, inputs: torch.Tensor, state, h_s: torch.Tensor, src_mask: torch.Tensor):
        """One call of the decoder over ``inputs`` (B, T) (T = 1 when decoding freely).

        Returns ``(logits (B,T,V), state, details)``; ``details`` holds ``h_t`` and, with
        attention, ``scores``, ``alpha`` (B,T,S), ``context`` ``c_t`` and ``a_t`` — the numbers the
        page opens up.
        """
        y = self.dropout(self.embedding(inputs))                   # 1. (B, T, E)
        h_t, state = self.lstm(y, state)                           # 2. (B, T, H)
        details = {"h_t": h_t}
        if self.attention is None:
            output = h_t                                           #    plain: the state alone
        else:
            a_t, alpha, context, scores = self.attention(h_t, h_s, src_mask)   # 3. (B, T, H)
            details.update(a_t=a_t, alpha=alpha, context=context, scores=scores)
            output = a_t
        logits = self.out(self.dropout(output))                   # 4. (B, T, V)
        return logits, state, details


class Seq2Seq(nn.Module):
    """Encoder-decoder LSTM; ``attention`` is ``"none"``, ``"dot"``, ``"general"`` or ``"concat"``.

    ``reverse_source=True`` makes the encoder read each source sentence backwards (see ``Encoder``);
    it lives in the model, so training, greedy/beam decoding and the page all reverse alike.
    """

    def __init__(self, src_vocab_size: int, tgt_vocab_size: int, embed_size: int = 128,
                 hidden_size: int = 256, layers: int = 1, dropout: float = 0.1, attention: str = "general",
                 reverse_source: bool = False):
        super().__init__()
        self.attention_kind = attention
        self.reverse_source = reverse_source
        self.encoder = Encoder(src_vocab_size, embed_size, hidden_size, layers, dropout, reverse_source)
        self.decoder = Decoder(tgt_vocab_size, embed_size, hidden_size, layers, dropout, attention)

    def encode(self, src: torch.Tensor, src_lengths: torch.Tensor):
        h_s, state = self.encoder(src, src_lengths)                 # (B, S, H)
        return h_s, state, sequence_mask(src_lengths, src.size(1))  # mask (B, S)

    def forward(self, src: torch.Tensor, src_lengths: torch.Tensor, target: torch.Tensor | None = None,
                max_len: int = 60):
        """Logits (B, T, V) and attention (B, T, S) or None.

        With ``target`` (B, T+1) = ``<bos> y_1 ... y_T`` (padded) the decoder is fed the true
        previous words (teacher forcing) in one fused call; with ``target=None`` it feeds back its
        own greedy choice for up to ``max_len`` steps.
        """
        h_s, state, src_mask = self.encode(src, src_lengths)
        if target is not None:
            logits, _, details = self.decoder.forward_step(target[:, :-1], state, h_s, src_mask)
            return logits, details.get("alpha")
        inputs = torch.full((src.size(0), 1), BOS_ID, dtype=torch.long, device=src.device)
        all_logits, alphas = [], []
        for _ in range(max_len):
            logits, state, details = self.decoder.forward_step(inputs, state, h_s, src_mask)
            all_logits.append(logits)
            if "alpha" in details:
                alphas.append(details["alpha"])
            inputs = logits.argmax(-1)                               # (B, 1)
        return torch.cat(all_logits, 1), (torch.cat(alphas, 1) if alphas else None)


# ---------------------------------------------------------------------------------------------
# Decoding.
@torch.no_grad()
def greedy_decode(model: Seq2Seq, src: torch.Tensor, src_lengths: torch.Tensor, max_len: int = 60):
    """Batched greedy decoding: for each sentence, its ids (no ``<eos>``) and alpha rows (T, S)."""
    logits, alpha = model(src, src_lengths, None, max_len)           # (B, T, V), (B, T, S)
    ids = logits.argmax(-1)                                          # (B, T)
    results = []
    for b in range(src.size(0)):
        row = ids[b].tolist()
        length = row.index(EOS_ID) if EOS_ID in row else len(row)
        weights = alpha[b, :length, : int(src_lengths[b])] if alpha is not None else None
        results.append((row[:length], weights))
    return results


@dataclass
class Hypothesis:
    ids: list[int]
    log_prob: float
    alphas: list[torch.Tensor] = field(default_factory=list)   # one (S,) row per output word
    finished: bool = False

    def score(self, length_alpha: float) -> float:
        """Length-normalised log-probability ``log p / |y|^alpha`` (alpha = 0: raw sum)."""
        return self.log_prob / (max(len(self.ids), 1) + int(self.finished)) ** length_alpha


@torch.no_grad()
def beam_search(model: Seq2Seq, src_ids: list[int], beam_size: int = 5, max_len: int = 60,
                length_alpha: float = 1.0) -> list[Hypothesis]:
    """Beam search for one sentence; the finished hypotheses, best (normalised score) first."""
    src = torch.tensor([src_ids])                                    # (1, S)
    h_s, state, src_mask = model.encode(src, torch.tensor([len(src_ids)]))
    beams = [(Hypothesis([], 0.0), state)]
    finished: list[Hypothesis] = []
    for _ in range(max_len):
        k = len(beams)
        inputs = torch.tensor([[h.ids[-1] if h.ids else BOS_ID] for h, _ in beams])       # (k, 1)
        h = torch.cat([s[0] for _, s in beams], 1)                   # (L, k, H)
        c = torch.cat([s[1] for _, s in beams], 1)
        logits, (h, c), details = model.decoder.forward_step(
            inputs, (h, c), h_s.expand(k, -1, -1), src_mask.expand(k, -1))
        log_probs = F.log_softmax(logits[:, -1], -1)                 # (k, V)
        totals = torch.tensor([b.log_prob for b, _ in beams])[:, None] + log_probs
        top = totals.flatten().topk(min(beam_size, totals.numel()))
        new_beams = []
        for value, index in zip(top.values.tolist(), top.indices.tolist()):
            origin, word = divmod(index, log_probs.size(1))
            parent = beams[origin][0]
            alphas = parent.alphas + ([details["alpha"][origin, -1]] if "alpha" in details else [])
            child = Hypothesis(parent.ids + [word], value, alphas)
            if word == EOS_ID:
                child.ids, child.finished = child.ids[:-1], True
                finished.append(child)
            else:
                new_beams.append((child, (h[:, origin:origin + 1], c[:, origin:origin + 1])))
        beams = new_beams
        if not beams or len(finished) >= beam_size and \
                max(f.score(length_alpha) for f in finished) > max(b.score(length_alpha) for b, _ in beams):
            break
    finished += [b for b, _ in beams]                               # unfinished at max_len
    return sorted(finished, key=lambda h: -h.score(length_alpha))[:beam_size]


def replace_unknowns(output: list[str], alphas, source: list[str], unk_source: set[int] | None = None,
                     dictionary: dict[str, str] | None = None, unk: str = "<unk>") -> tuple[list[str], dict]:
    """Replace each ``<unk>`` by the source word it attended to most (translated when known).

    Returns the new tokens and ``{target position: source position}`` for the replaced words.
    """
    if alphas is None:
        return list(output), {}
    dictionary = dictionary or {}
    replaced, aligned = list(output), {}
    for t, token in enumerate(output):
        if token != unk or t >= len(alphas):
            continue
        weights = torch.as_tensor(alphas[t])
        if unk_source:   # prefer the unknown source words: that is what an <unk> stands for
            candidates = sorted(unk_source)
            s = max(candidates, key=lambda i: float(weights[i]))
        else:
            s = int(weights.argmax())
        replaced[t] = dictionary.get(source[s], source[s])
        aligned[t] = s
    return replaced, aligned


# ---------------------------------------------------------------------------------------------
# Translating text: what the page, the evaluation and the benchmark call.
MAX_WORDS = 50          # longer inputs are cut (the longest training sentence has ~40 tokens)
_MARKUP = re.compile(r"<[^<>]{0,200}>|&[a-z]+;|&#\d+;")


def detokenize(tokens: list[str]) -> str:
    """French tokens -> a readable sentence (punctuation attached, first letter capitalised)."""
    text = " ".join(tokens)
    text = re.sub(r" ([.,!?;:])", r"\1", text)
    return text[:1].upper() + text[1:]


@dataclass
class Translation:
    source: list[str]                       # the English tokens the encoder read
    unknown: list[int]                      # positions of source words outside the vocabulary
    output: list[str]                       # best hypothesis, <unk> replaced through attention
    raw_output: list[str]                   # the same with <unk> left in place
    output_ids: list[int]
    alpha: np.ndarray | None                # (T, S) attention of the best hypothesis
    replaced: dict[int, int]                # target position -> source position it was copied from
    candidates: list[tuple[str, float, float]]   # (text, log p, normalised score), best first
    notes: list[str]                        # sentences about the input (cut, markup removed...)

    @property
    def text(self) -> str:
        return detokenize(self.output)


class Translator:
    """A trained model with its vocabularies; read-only, safe to share between sessions."""

    def __init__(self, model: Seq2Seq, card: dict, dictionary: dict[str, str] | None = None):
        self.model, self.card = model, card
        self.src_vocab = Vocabulary(card["extras"]["src_itos"])
        self.tgt_vocab = Vocabulary(card["extras"]["tgt_itos"])
        self.dictionary = dictionary or {}

    @property
    def has_attention(self) -> bool:
        return self.model.attention_kind != "none"

    def prepare(self, text: str) -> tuple[list[str], list[str]]:
        """The tokens to translate and notes; raises ValueError with a sentence for bad input."""
        if not isinstance(text, str) or not text.strip():
            raise ValueError("Type an English sentence to translate.")
        notes = []
        if _MARKUP.search(text):
            text = _MARKUP.sub(" ", text)
            notes.append("The input looked like HTML/markup; the tags were removed and only the words translated.")
        tokens = tokenize(text)
        if not any(any(ch.isalnum() for ch in token) for token in tokens):
            raise ValueError("There are no words to translate, only punctuation or symbols. Type an English sentence.")
        if len(tokens) > MAX_WORDS:
            notes.append(f"The input has {len(tokens)} words and symbols; only the first {MAX_WORDS} were translated "
                         f"(the model was trained on sentences of up to ~40).")
            tokens = tokens[:MAX_WORDS]
        words = [t for t in tokens if any(ch.isalnum() for ch in t)]
        unknown = [t for t in words if t not in self.src_vocab]
        if len(words) >= 3 and len(unknown) / len(words) > 0.6:
            notes.append(f"{len(unknown)} of {len(words)} words are unknown to the model: is this English? "
                         f"The model only knows the everyday vocabulary of its training sentences.")
        return tokens, notes

    def translate(self, text: str, beam_size: int = 1, length_alpha: float = 1.0) -> Translation:
        """Beam search (``beam_size=1``: greedy) + unknown-word replacement through attention."""
        tokens, notes = self.prepare(text)
        max_len = 2 * len(tokens) + 10
        src_ids = self.src_vocab.encode(tokens)
        unknown = [i for i, t in enumerate(tokens) if t not in self.src_vocab]
        with torch.no_grad():
            hypotheses = beam_search(self.model, src_ids, max(1, beam_size), max_len, length_alpha)
        best = hypotheses[0]
        alpha = torch.stack(best.alphas).numpy() if best.alphas else None   # (T, S) incl. the <eos> row
        raw = self.tgt_vocab.decode(best.ids, strip_specials=False)
        output, replaced = replace_unknowns(raw, alpha, tokens, set(unknown), self.dictionary)
        candidates = []
        for h in hypotheses:
            words, _ = replace_unknowns(self.tgt_vocab.decode(h.ids, strip_specials=False),
                                        torch.stack(h.alphas).numpy() if h.alphas else None,
                                        tokens, set(unknown), self.dictionary)
            candidates.append((detokenize(words), h.log_prob, h.score(length_alpha)))
        return Translation(tokens, unknown, output, raw, best.ids,
                           alpha[: len(raw)] if alpha is not None else None, replaced, candidates, notes)

    def step(self, translation: Translation, t: int) -> dict:
        """Decoder step ``t`` (0-based) of ``translation`` opened up: numpy arrays of the step."""
        src_ids = self.src_vocab.encode(translation.source)
        prefix = [BOS_ID] + translation.output_ids[:t]
        with torch.no_grad():
            h_s, state, src_mask = self.model.encode(torch.tensor([src_ids]), torch.tensor([len(src_ids)]))
            logits, _, details = self.model.decoder.forward_step(torch.tensor([prefix]), state, h_s, src_mask)
        out = {k: v[0, -1].numpy() for k, v in details.items()}               # this step only
        out["h_s"] = h_s[0].numpy()                                            # (S, H)
        probs = torch.softmax(logits[0, -1], -1)
        top = probs.topk(5)
        out["top"] = [(self.tgt_vocab.itos[i], p) for p, i in zip(top.values.tolist(), top.indices.tolist())]
        return out
