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
    common_arguments(parser, "English sentences")
    parser.add_argument("--model", choices=("attention", "plain"), default="attention",
                        help="the LSTM with Luong attention, or the plain encoder-decoder (default: attention)")
    parser.add_argument("--beam", type=_int_between(1, 10), default=5,
                        help="beam size, 1-10; 1 = greedy decoding (default: 5)")


@command("translate", "translate English sentences to French (the Translation page's models)", translate_arguments)
def translate(args: argparse.Namespace) -> int:
    from rnnkit.core.inputs import InputError
    from rnnkit.translation.translator import TRAIN_COMMANDS, Translator
    try:
        translator = Translator.load(args.model)
    except FileNotFoundError:
        print(f"The {args.model} translation model is not trained yet: run `{TRAIN_COMMANDS[args.model]}`.",
              file=sys.stderr)
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
        emit({"input": sentence, "translation": result.text, "log_prob": candidates[0]["log_prob"],
              "score": candidates[0]["score"], "candidates": candidates,
              "unknown": [result.source[i] for i in result.unknown], "notes": result.notes},
             args.json, result.text)
    return 1 if failed else 0


def caption_arguments(parser: argparse.ArgumentParser) -> None:
    common_arguments(parser, "image files (JPEG, PNG, WebP, BMP or GIF)")
    parser.add_argument("--beam", type=_int_between(1, 5), default=3,
                        help="beam width, 1-5; 1 = greedy search (default: 3)")


@command("caption", "describe images in a sentence (the Image captioning page's model)", caption_arguments)
def caption(args: argparse.Namespace) -> int:
    from rnnkit.captioning.captioner import load_captioner, read_image
    from rnnkit.core.inputs import InputError
    try:
        captioner = load_captioner()
    except FileNotFoundError:
        print("The captioning model is not trained yet: run `rnnkit train captioning`.", file=sys.stderr)
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



# ----------------------------------------------------------------------------- entry point

def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["train"]:
        from rnnkit.core import runner
        runner.main(argv[1:])
        return 0
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
