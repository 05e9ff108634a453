"""Translation: encoder-decoder LSTM with Luong attention (or without, for comparison), either direction.

``rnnkit train translation`` trains the shipped English->French model on the prepared human
translations (``data/translation/pairs.tsv.gz``, by source and split); ``--direction=fr-en``
trains French->English on the same pairs reversed; ``--attention=none --bidirectional=false
--input_feeding=false --reverse_source`` the plain encoder-decoder. ``--sources=`` (empty) trains
on the generated pyrealb corpus, ``--data=fra.txt`` (Tatoeba/Anki) or ``--data=pairs.tsv`` on the
user's own file.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import sacrebleu
import torch
import torch.nn.functional as F
from torch import nn

from rnnkit.core.text import Vocabulary, pad_batch, tokenize
from rnnkit.core.training import Prepared, TrainConfig
from rnnkit.translation import data as translation_data
from rnnkit.translation.model import ModelConfig, Seq2Seq
from rnnkit.translation.subwords import Language, Segmenter

DESCRIPTION = ("English<->French encoder-decoder LSTM: bidirectional encoder, Luong global attention with "
               "input feeding (or the plain encoder-decoder with attention=none).")
LIMITS = ("Trained on human translations of fantasy/sci-fi game dialogue (Wesnoth, FreedroidRPG, Widelands), "
          "Bible verses (World English Bible x Louis Segond 1910), Tux Paint stamp captions and a "
          "dictionary's headwords: everyday chat, modern idiom and technical text are rare in it. "
          "A teaching model, not a general translator.")
DIRECTIONS = ("en-fr", "fr-en")


@dataclass
class Config(TrainConfig):
    sources: str = "games,bible,stamps,dictionary"   # of data/translation/pairs.tsv.gz; "" = --data or generated
    direction: str = "en-fr"       # "en-fr" or "fr-en": which side of each pair is the source
    data: str = ""                 # a fra.txt or 2-column TSV file instead of --sources ("" and no sources = generated)
    pairs: int = 40000             # generated pairs (or the most read from --data; a dry run's sample of --sources)
    dev_size: int = 400            # held-out pairs for the dev split (prepared corpus: dev pairs scored per epoch)
    test_size: int = 1000          # held-out pairs for the test split (prepared corpus: test pairs scored at the end)
    max_src_len: int = 40          # training pairs with longer sources (in tokens) are dropped
    drop_everyday: bool = True     # drop training pairs whose English is a sentence of the everyday test set
    min_freq: int = 2              # rarer words (or pieces) become <unk>
    subwords: int = 0              # sentencepiece pieces per language (unigram model); 0 = whole words
    max_vocab: int = 0             # most frequent words kept per language (whole words); 0 = all of min_freq
    workers: int = 2               # processes generating the corpus (the result does not depend on it)
    epochs: int = 3                # passes over the training pairs
    batch_size: int = 64           # pairs per optimiser step (prepared corpus: batches of similar length)
    lr: float = 3e-3               # AdamW learning rate (cosine decay to 0 over the run)
    threads: int = 1               # torch threads
    model: ModelConfig = field(default_factory=ModelConfig)


def dry_run(cfg: Config) -> Config:
    cfg.pairs, cfg.dev_size, cfg.test_size = 80, 10, 10
    cfg.model.embed_size, cfg.model.hidden_size = 16, 32
    cfg.epochs, cfg.max_steps, cfg.workers = 1, 3, 1
    cfg.min_freq, cfg.batch_size = 1, 8
    if cfg.sources and not translation_data.PREPARED.exists():
        cfg.sources = ""           # a checkout without the prepared corpus dry-runs on generated pairs
    if cfg.subwords:
        cfg.subwords = 200
    return cfg


def orient(pairs, direction: str) -> list[tuple[str, str]]:
    """(en, fr, ...) rows -> (source, target) pairs in the training direction."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    return [(en, fr) if direction == "en-fr" else (fr, en) for en, fr, *_ in pairs]


def load_splits(cfg: Config) -> tuple[list, list, list, dict]:
    """(train, dev, test) pairs in the training direction, and their provenance."""
    if cfg.sources and not cfg.data:
        splits = translation_data.read_prepared(cfg.sources)
        counts = {}
        for split, rows in splits.items():
            for *_, source in rows:
                counts.setdefault(source, {}).setdefault(split, 0)
                counts[source][split] += 1
        rng = random.Random(cfg.seed)
        dev, test = list(splits["dev"]), list(splits["test"])
        rng.shuffle(dev)
        rng.shuffle(test)
        provenance = {"source": "data/translation/pairs.tsv.gz (see data/translation/PROVENANCE.md), sources "
                                + ", ".join(f"{name} ({c.get('train', 0)} train / {c.get('dev', 0)} dev / "
                                            f"{c.get('test', 0)} test)" for name, c in counts.items()),
                      "direction": cfg.direction}
        train = rng.sample(splits["train"], cfg.pairs) if cfg.dry_run else splits["train"]
        if cfg.drop_everyday:
            everyday = {" ".join(tokenize(en)) for en, _, _ in translation_data.read_everyday()}
            train = [row for row in train if " ".join(tokenize(row[0])) not in everyday]
        return (orient(train, cfg.direction), orient(dev[:cfg.dev_size], cfg.direction),
                orient(test[:cfg.test_size], cfg.direction), provenance)
    pairs, provenance = translation_data.corpus(cfg.data, cfg.pairs, cfg.seed, cfg.workers)
    train, dev, test = translation_data.split_pairs(pairs, cfg.dev_size, cfg.test_size, cfg.seed)
    provenance["direction"] = cfg.direction
    return (orient(train, cfg.direction), orient(dev, cfg.direction), orient(test, cfg.direction), provenance)


def build_language(sentences: list[list[str]], cfg: Config, excluded: set[str]) -> Language:
    """The tokens of one language: sentencepiece pieces (``cfg.subwords``) or whole words."""
    if cfg.subwords:
        segmenter = Segmenter.train(sentences, cfg.subwords, cfg.seed)
        return Language(segmenter, Vocabulary(list(Vocabulary().itos) + segmenter.pieces()))
    vocab = Vocabulary.build(sentences, min_freq=cfg.min_freq, max_size=cfg.max_vocab or None)
    return Language(Segmenter(None), Vocabulary([t for t in vocab.itos if t not in excluded]))


def encode_pairs(pairs, src: Language, tgt: Language, max_src_len: int = 0):
    data = []
    for source, target in pairs:
        words = tokenize(source)
        if not words:
            continue
        src_ids, _ = src.encode(words)
        if max_src_len and len(src_ids) > max_src_len:
            continue
        data.append((src_ids, tgt.encode(tokenize(target), add_bos=True, add_eos=True)[0]))
    return data


def length_batches(data, batch_size: int, seed: int) -> list[list]:
    """Batches of pairs of similar length (little padding), in a seeded order; the sampler shuffles them."""
    rng = random.Random(seed)
    keyed = sorted(data, key=lambda pair: (len(pair[0]) + rng.random(), len(pair[1])))
    return [keyed[i:i + batch_size] for i in range(0, len(keyed), batch_size)]


def collate(batch):
    """(src ids, tgt ids) pairs -> padded src (B,S), src_lengths (B,), tgt (B,T) with <bos>..<eos>."""
    src, src_lengths = pad_batch([s for s, _ in batch])
    tgt, _ = pad_batch([t for _, t in batch])
    return src, src_lengths, tgt


def prepare(cfg: Config) -> Prepared:
    train, dev, test, provenance = load_splits(cfg)
    names = translation_data.name_tokens() if not (cfg.data or cfg.sources) else set()
    src = build_language([tokenize(s) for s, _ in train], cfg, names)
    tgt = build_language([tokenize(t) for _, t in train], cfg, names)
    kind = f"sentencepiece unigram, ~{cfg.subwords} pieces" if cfg.subwords else f"words, min frequency {cfg.min_freq}"
    provenance.update(split=f"{len(train)} train / {len(dev)} dev / {len(test)} test pairs "
                            f"(no test sentence is seen in training)",
                      vocabulary=f"{len(src.vocab)} source / {len(tgt.vocab)} target tokens ({kind})")
    extras = {"src_itos": src.vocab.itos, "tgt_itos": tgt.vocab.itos, "direction": cfg.direction}
    if cfg.subwords:
        extras.update(src_spm=src.segmenter.model, tgt_spm=tgt.segmenter.model)
    encoded = encode_pairs(train, src, tgt, cfg.max_src_len)
    batched = bool(cfg.sources and not cfg.data)
    return Prepared(train=length_batches(encoded, cfg.batch_size, cfg.seed) if batched else encoded,
                    dev=dev, test=test, collate=collate, extras=extras, data=provenance, batched=batched)


def build_model(model_config: ModelConfig, extras: dict) -> Seq2Seq:
    return Seq2Seq(model_config, len(extras["src_itos"]), len(extras["tgt_itos"]))


def loss(model: nn.Module, batch, cfg: Config) -> torch.Tensor:
    src, src_lengths, tgt = batch
    logits, _ = model(src, src_lengths, tgt)                         # (B, T, V) teacher forcing
    return F.cross_entropy(logits.flatten(0, 1), tgt[:, 1:].flatten(), ignore_index=Vocabulary.pad_id)


# ---------------------------------------------------------------------------------------------
def translate_batch(model: Seq2Seq, sources: list[str], src: Language, tgt: Language,
                    max_len: int | None = 60, batch_size: int = 100) -> list[tuple[list[str], torch.Tensor | None]]:
    """Greedy translations of many sentences, ``batch_size`` at a time.

    Each is its target words (``<unk>`` left in place) and its attention (T, S) over tokens, or None;
    ``max_len=None`` allows twice the longest source of the batch plus 10 tokens.
    """
    outputs = []
    for start in range(0, len(sources), batch_size):
        encoded = [src.encode(tokenize(s))[0] or [Vocabulary.unk_id] for s in sources[start:start + batch_size]]
        ids, src_lengths = pad_batch(encoded)
        steps = max_len if max_len is not None else 2 * ids.size(1) + 10
        for hypothesis, length in zip(model.greedy(ids, src_lengths, steps), src_lengths.tolist()):
            alpha = hypothesis.stacked("alpha")                      # (T + 1, S) with the <eos> row
            words, _ = tgt.decode(hypothesis.tokens)
            outputs.append((words, alpha[:len(hypothesis.tokens), :length] if alpha is not None else None))
    return outputs


def bleu_chrf(hypotheses: list[list[str]], references: list[str]) -> dict:
    """Corpus BLEU and chrF on rnnkit tokens (lowercased, punctuation split) with sacrebleu."""
    hyps = [" ".join(h) for h in hypotheses]
    refs = [" ".join(tokenize(r)) for r in references]
    return {"bleu": sacrebleu.corpus_bleu(hyps, [refs], tokenize="none", force=True).score,
            "chrf": sacrebleu.corpus_chrf(hyps, [refs]).score}


def evaluate(model: nn.Module, prepared: Prepared, cfg: Config, split: str) -> dict:
    src, tgt = Language.from_extras(prepared.extras, "src"), Language.from_extras(prepared.extras, "tgt")
    pairs = getattr(prepared, split)
    outputs = translate_batch(model, [source for source, _ in pairs], src, tgt)
    scores = bleu_chrf([words for words, _ in outputs], [fr for _, fr in pairs])
    return {f"{split}_bleu_greedy": scores["bleu"], f"{split}_chrf_greedy": scores["chrf"]}
