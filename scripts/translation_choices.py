"""The translation models' choices, made on the dev split: one row per model compared.

    python scripts/translation_choices.py pretrained/translation build/ft/*/

Each argument is a model directory (``rnnkit train translation --out=DIR``, or a fine-tune with ``--init``): the
row shows how it was trained, greedy BLEU and chrF on the first 300 dev pairs of its direction (the dev pairs the
training scores), and the attention measures of ``scripts/eval_translation.py`` on the same translations: the share
of one-column maps, and of the output words that the corpus' dictionary links to exactly one source word, the share
that look hardest at that word (beside the diagonal alone). The everyday set and the test splits are never looked
at here.
"""

from __future__ import annotations

import argparse

import torch
from eval_translation import attention_sink, dictionary_links

from rnnkit.core.registry import load_pretrained
from rnnkit.core.runner import make_config
from rnnkit.translation import task
from rnnkit.translation.translator import Translator

DEV_PAIRS = 300


def training(card: dict) -> str:
    """How the model was trained: its steps, from scratch or from another model, with or without the guide."""
    config = card["config"]
    guide = config.get("guided_alignment", 0.0)
    start = f"from {card['init']['from']}" if card.get("init") else "from scratch"
    return (f"{card['steps']:,} steps {start}, " + (f"guide weight {guide}" if guide else "no guide")
            + f", learning rate {config['lr']:g}")


def dev_row(directory: str) -> str:
    translator = Translator(*load_pretrained(directory))
    card = translator.card
    cfg = make_config(task, {**card["config"], **card["model_config"], "init": ""})
    _, dev, _, _ = task.load_splits(cfg)
    dev = dev[:DEV_PAIRS]
    translations = [translator.translate(source, beam_size=1) for source, _ in dev]
    scores = task.bleu_chrf([t.output for t in translations], [reference for _, reference in dev])
    sink = attention_sink(translations, dictionary_links(translator.direction)) if translator.has_attention else None
    attention = (f"{sink['one_column']:.1%} | {sink['on_dictionary_word']:.0%} of {sink['dictionary_linked_steps']} "
                 f"(diagonal {sink['diagonal_on_dictionary_word']:.0%})" if sink else "- | -")
    return (f"| {directory} ({translator.direction}) | {training(card)} | {scores['bleu']:.1f} | "
            f"{scores['chrf']:.1f} | {attention} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+", help="model directories or pretrained names")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"| model | training | dev BLEU (greedy, {DEV_PAIRS} pairs) | dev chrF | one-column maps | "
          "output words on their dictionary word |\n|---|---|---|---|---|---|", flush=True)
    for directory in args.models:
        print(dev_row(directory), flush=True)


if __name__ == "__main__":
    main()
