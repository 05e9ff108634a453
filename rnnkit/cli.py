"""The ``rnnkit`` command: train any task, and use every shipped model from the shell.

``rnnkit train <task> ...`` trains; the other commands take their inputs as arguments, or one per
line on standard input, and print one line per input (``--json``: one JSON object per line with
the prediction and its scores). They call the same services, with the same defaults, as the pages.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Callable, Iterable

# One torch thread per process, as on the server, unless the caller set OMP_NUM_THREADS.
os.environ.setdefault("OMP_NUM_THREADS", "1")

COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable]] = {}


def command(name: str, help_text: str, add_arguments: Callable[[argparse.ArgumentParser], None]):
    """Register a command: ``add_arguments(parser)`` declares its options, the decorated function runs it."""
    def register(run: Callable) -> Callable:
        COMMANDS[name] = (help_text, add_arguments, run)
        return run
    return register


def common_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("inputs", nargs="*", metavar="INPUT", help=f"{what}; none: one per line on stdin")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object per line with the prediction and its scores")


def inputs(values: list[str]) -> Iterable[str]:
    """The command's inputs: its arguments, else one per non-empty line of standard input."""
    if values:
        yield from values
        return
    for line in sys.stdin:
        if line.strip():
            yield line.rstrip("\n")


def emit(result: dict, as_json: bool, text: str) -> None:
    print(json.dumps(result, ensure_ascii=False) if as_json else text, flush=True)


# ----------------------------------------------------------------------------- commands
# Each application's command: ``<name>_arguments(parser)`` and ``@command(...) def <name>(args)``.

def _int_between(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not text.isdigit() or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"expected a whole number from {low} to {high}, got {text!r}")
        return int(text)
    return parse


def translate_arguments(parser: argparse.ArgumentParser) -> None:
    common_arguments(parser, "sentences")
    parser.add_argument("--direction", choices=("en-fr", "fr-en"), default="en-fr",
                        help="English to French or French to English (default: en-fr)")
    parser.add_argument("--model", choices=("attention", "plain"), default="attention",
                        help="the LSTM with Luong attention, or the plain encoder-decoder (en-fr only; "
                             "default: attention)")
    parser.add_argument("--beam", type=_int_between(1, 10), default=5,
                        help="beam size, 1-10; 1 = greedy decoding (default: 5)")


@command("translate", "translate English to French or French to English (the Translation page's models)",
         translate_arguments)
def translate(args: argparse.Namespace) -> int:
    from rnnkit.core.inputs import InputError
    from rnnkit.translation.translator import MODELS, TRAIN_COMMANDS, Translator
    key = (args.model, args.direction)
    if key not in MODELS:
        print(f"There is no {args.model} model for {args.direction}; use --model=attention.", file=sys.stderr)
        return 2
    try:
        translator = Translator.load(*key)
    except FileNotFoundError:
        print(f"The {args.model} {args.direction} translation model is not trained yet: run "
              f"`{TRAIN_COMMANDS[key]}`.", file=sys.stderr)
        return 2
    failed = 0
    for sentence in inputs(args.inputs):
        try:
            result = translator.translate(sentence, beam_size=args.beam)
        except InputError as error:
            print(f"{sentence!r}: {error}", file=sys.stderr)
            failed += 1
            continue
        candidates = [{"translation": text, "log_prob": log_p, "score": score}
                      for text, log_p, score in result.candidates]
        emit({"input": sentence, "direction": args.direction, "translation": result.text,
              "log_prob": candidates[0]["log_prob"], "score": candidates[0]["score"], "candidates": candidates,
              "unknown": [result.source[i] for i in result.unknown], "notes": result.notes},
             args.json, result.text)
    return 1 if failed else 0


def caption_arguments(parser: argparse.ArgumentParser) -> None:
    common_arguments(parser, "image files (JPEG, PNG, WebP, BMP or GIF)")
    parser.add_argument("--beam", type=_int_between(1, 5), default=3,
                        help="beam width, 1-5; 1 = greedy search (default: 3)")
    parser.add_argument("--language", choices=("en", "fr"), default="en",
                        help="caption language: en (captioning) or fr (captioning_fr, trained on the stamps' French "
                             "captions; default: en)")


@command("caption", "describe images in a sentence (the Image captioning page's model)", caption_arguments)
def caption(args: argparse.Namespace) -> int:
    from rnnkit.captioning.captioner import MODEL_OF_LANGUAGE, TRAIN_OF_LANGUAGE, load_captioner, read_image
    from rnnkit.core.inputs import InputError
    try:
        captioner = load_captioner(MODEL_OF_LANGUAGE[args.language])
    except FileNotFoundError:
        print(f"The captioning model is not trained yet: run `{TRAIN_OF_LANGUAGE[args.language]}`.", file=sys.stderr)
        return 2
    failed = 0
    for path in inputs(args.inputs):
        try:
            image = read_image(path)
        except InputError as error:
            print(f"{path}: {error}", file=sys.stderr)
            failed += 1
            continue
        result = captioner.caption(image.image, beam=args.beam)
        candidates = [{"caption": text, "log_prob": log_p, "score": score} for text, log_p, score in result.candidates]
        emit({"input": path, "caption": result.caption, "log_prob": candidates[0]["log_prob"],
              "score": candidates[0]["score"], "candidates": candidates,
              "encoder_top5": [{"class": c.name, "probability": p} for c, p in result.top5], "notes": image.notes},
             args.json, f"{path}\t{result.caption}")
    return 1 if failed else 0



def forecast_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--stock", help="a bundled weekly stock: GOOG, AAPL, AMZN, FB, NFLX or MSFT (default: GOOG)")
    source.add_argument("--csv", metavar="FILE", help="a CSV file with one row per time step instead of a stock")
    parser.add_argument("--value_column", help="the CSV column to forecast (default: its first numeric column)")
    parser.add_argument("--date_column", help='the CSV column of dates (default: its first date column; "" = rows '
                                              "in file order)")
    parser.add_argument("--window", type=int, help="T, steps the LSTM reads (default: as on the page)")
    parser.add_argument("--horizon", type=int, help="k, steps it predicts (default: as on the page)")
    parser.add_argument("--hidden", type=int, help="LSTM units: 8, 16, 32 or 64 (default: as on the page)")
    parser.add_argument("--epochs", type=int, help="passes over the training windows (default: as on the page)")
    parser.add_argument("--seed", type=int, help="random seed of the initial weights and data order (default: 0)")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object with the forecast and every method's errors on the held-out tail")


@command("forecast", "train the Forecasting page's LSTM live on a series and forecast its next values",
         forecast_arguments)
def forecast(args: argparse.Namespace) -> int:
    from pathlib import Path

    from rnnkit.core.inputs import InputError
    from rnnkit.forecasting import data, forecaster
    from rnnkit.forecasting.task import Config, ModelConfig

    defaults = Config()
    given = lambda value, default: default if value is None else value
    cfg = Config(window=given(args.window, defaults.window), epochs=given(args.epochs, defaults.epochs),
                 seed=given(args.seed, defaults.seed),
                 model=ModelConfig(hidden_size=given(args.hidden, defaults.model.hidden_size),
                                   horizon=given(args.horizon, defaults.model.horizon)))
    try:
        raw = Path(args.csv).read_bytes() if args.csv else b""
    except OSError as error:
        print(f"The file {args.csv} cannot be read ({error.strerror or type(error).__name__}).", file=sys.stderr)
        return 1
    try:
        series = (data.csv_series(raw, args.value_column, args.date_column) if args.csv
                  else data.load_stock(args.stock or defaults.stock))
        result = forecaster.train(series, cfg)
    except InputError as error:
        print(error, file=sys.stderr)
        return 1
    last = series.index[-1]
    after = str(last)[:10] if series.dates is not None else f"row {int(last) + 1}"
    metrics = {method: {"MAE": row["MAE"], "RMSE": row["RMSE"], "MAE / last value": row["MAE / last value"]}
               for method, row in result.table.iterrows()}
    text = (f"{series.name}: the next {cfg.model.horizon} values after {after}: "
            + " ".join(f"{v:.4g}" for v in result.next_values)
            + "\nheld-out tail, MAE / RMSE: " + " · ".join(f"{m} {v['MAE']:.4g} / {v['RMSE']:.4g}"
                                                         for m, v in metrics.items())
            + "\n" + result.verdict)
    emit({"input": {"series": series.name, "csv": args.csv or None, "window": cfg.window,
                    "horizon": cfg.model.horizon, "hidden_size": cfg.model.hidden_size, "epochs": cfg.epochs,
                    "seed": cfg.seed},
          "forecast": result.next_values.tolist(), "after": after, "metrics": metrics, "verdict": result.verdict,
          "steps": len(result.steps), "stopped_early": result.stopped_early, "notes": series.notes},
         args.json, text)
    return 0


def classify_arguments(parser: argparse.ArgumentParser) -> None:
    common_arguments(parser, "English sentences (reviews work best)")


@command("classify", "rate English sentences: negative / positive and 5 classes (the Sentiment page's model)",
         classify_arguments)
def classify(args: argparse.Namespace) -> int:
    from rnnkit.core.inputs import InputError
    from rnnkit.sentiment.classifier import SentimentClassifier
    from rnnkit.sentiment.data import BINARY_NAMES, FINE_NAMES
    try:
        classifier = SentimentClassifier.load()
    except FileNotFoundError:
        print("The sentiment model is not trained yet: run `rnnkit train sentiment`.", file=sys.stderr)
        return 2
    failed = 0
    for sentence in inputs(args.inputs):
        try:
            rating = classifier.rate(sentence)
        except InputError as error:
            print(f"{sentence!r}: {error}", file=sys.stderr)
            failed += 1
            continue
        fine = {name: float(p) for name, p in zip(FINE_NAMES, rating.fine)}
        emit({"input": sentence, "label": rating.label, "p_positive": rating.p_positive,
              "binary": {name: float(p) for name, p in zip(BINARY_NAMES, rating.binary)},
              "fine": rating.fine_label, "fine_probabilities": fine, "notes": rating.notes},
             args.json, f"{rating.verdict}\tP(positive) {rating.p_positive:.3f}\t"
                        + ", ".join(f"{name} {p:.0%}" for name, p in fine.items()))
    return 1 if failed else 0


def analogy_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("words", nargs="*", metavar="WORD",
                        help="three words A B C for A − B + C (king man woman); none: one line of three per stdin line")
    parser.add_argument("--topn", type=_int_between(1, 50), default=10, help="answers shown, 1-50 (default: 10)")
    parser.add_argument("--method", choices=("add", "mul"), default="add",
                        help="3CosAdd (gensim most_similar) or 3CosMul (most_similar_cosmul) (default: add)")
    parser.add_argument("--expected", default="", metavar="WORD",
                        help="an expected answer: its rank among all words is given (e.g. queen)")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object per line with the answers and their scores")


@command("analogy", "solve word analogies A − B + C with the GloVe vectors (the Word Embeddings page)",
         analogy_arguments)
def analogy(args: argparse.Namespace) -> int:
    from rnnkit.core.inputs import InputError
    from rnnkit.embeddings import vectors
    if args.words and len(args.words) != 3:
        print(f"Give three words A B C (for A − B + C), not {len(args.words)}.", file=sys.stderr)
        return 2
    kv = vectors.load_glove()
    failed = 0
    for words in [args.words] if args.words else (line.replace(",", " ").split() for line in inputs([])):
        try:
            if len(words) != 3:
                raise InputError(f"Give three words A B C (for A − B + C), not {len(words)}.")
            found = vectors.solve_analogy(kv, *words, expected=args.expected, topn=args.topn, method=args.method)
        except InputError as error:
            print(f"{' '.join(words)!r}: {error}", file=sys.stderr)
            failed += 1
            continue
        emit({"input": " ".join(words), "a": found.a, "b": found.b, "c": found.c, "method": args.method,
              "answer": found.answer, "answers": [{"word": w, "score": s} for w, s in found.answers],
              "expected": found.expected or None, "rank": found.rank, "verdict": found.verdict and found.verdict[1]},
             args.json, f"{found.a} − {found.b} + {found.c} ≈ {found.answer}\t"
                        + ", ".join(f"{w} {s:.4f}" for w, s in found.answers)
                        + (f"\t{found.verdict[1]}" if found.verdict else ""))
    return 1 if failed else 0


def tag_arguments(parser: argparse.ArgumentParser) -> None:
    common_arguments(parser, "English sentences")
    parser.add_argument("--model", choices=("bi", "forward"), default="bi",
                        help="the bidirectional tagger or the forward-only one (default: bi)")


@command("tag", "tag the named entities (person, location, organisation, misc) of English sentences "
                "(the Named entities page's models)", tag_arguments)
def tag(args: argparse.Namespace) -> int:
    from rnnkit.core.inputs import InputError
    from rnnkit.ner.tagger import TRAIN_COMMANDS, Tagger
    try:
        tagger = Tagger.load(args.model)
    except FileNotFoundError:
        print(f"The {args.model} tagger is not trained yet: run `{TRAIN_COMMANDS[args.model]}`.", file=sys.stderr)
        return 2
    failed = 0
    for sentence in inputs(args.inputs):
        try:
            tagged = tagger.tag(sentence)
        except InputError as error:
            print(f"{sentence!r}: {error}", file=sys.stderr)
            failed += 1
            continue
        emit({"input": sentence, "tokens": tagged.tokens, "tags": tagged.tags,
              "entities": [{"text": e.text, "type": e.kind, "start": e.start, "end": e.end} for e in tagged.entities],
              "probability": [float(tagged.probabilities[i].max()) for i in range(len(tagged.tokens))],
              "notes": tagged.notes},
             args.json, tagged.bracketed())
    return 1 if failed else 0


def train(argv: list[str]) -> int:
    """``rnnkit train <task> [--key=value ...] [--json]`` (``rnnkit.core.runner``).

    With ``--json`` the training log goes to standard error and standard output gets one JSON object:
    the task's test metrics, ``seconds`` of training and ``out``, where the checkpoint went.
    """
    from contextlib import redirect_stdout

    from rnnkit.core import registry, runner
    as_json = "--json" in argv
    argv = [arg for arg in argv if arg != "--json"]
    if not as_json or not argv or argv[0] not in registry.names() or {"-h", "--help"} & set(argv):
        runner.main(argv)
        return 0
    overrides = runner.parse_overrides(registry.get(argv[0]), argv[1:])
    with redirect_stdout(sys.stderr):
        card = runner.run(argv[0], overrides)
    if card:                                  # under torchrun only the main rank has a card
        emit({**card["metrics"], "seconds": card["train_seconds"], "out": card["config"]["out"]}, True, "")
    return 0


# ----------------------------------------------------------------------------- entry point

def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["train"]:
        return train(argv[1:])
    parser = argparse.ArgumentParser(prog="rnnkit", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("train", help="train a task: rnnkit train <task> [--key=value ...] (rnnkit train --help)")
    for name, (help_text, add_arguments, _) in COMMANDS.items():
        add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    return COMMANDS[args.command][2](args) or 0
