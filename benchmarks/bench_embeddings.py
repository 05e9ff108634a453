"""Speed and memory of the Word Embeddings page; prints a Markdown table for the README.

    python -m benchmarks.bench_embeddings [--queries=300] [--recompute] [--word2vec]

- load time and memory of the 50k x 50 GloVe ``KeyedVectors`` (tracemalloc: what loading allocates);
- analogy query latency (3CosAdd and 3CosMul over all 50k words), p50 / p95, on questions-words;
- nearest-neighbour and expected-answer-rank latency;
- a warm rerun of the whole page (AppTest, default state), p50 over 10 reruns;
- the lecture's four analogies (top answer, rank of the expected one) and the questions-words
  accuracy (from the precomputed JSON, or ``--recompute`` to time it again);
- ``--word2vec``: training time of the page's default word2vec on the Lee corpus.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
import tracemalloc

import numpy as np

from rnnkit import ROOT
from rnnkit.embeddings import vectors as emb


def timed(fn, repeats: int) -> np.ndarray:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return np.array(out)


def questions(kv, n: int, seed: int = 0) -> list[tuple[str, str, str]]:
    lines = [l.lower().split() for l in open(emb.questions_words_path(), encoding="utf-8") if not l.startswith(":")]
    lines = [l for l in lines if len(l) == 4 and all(w in kv.key_to_index for w in l) and len(set(l[:3])) == 3]
    return [(q[1], q[0], q[2]) for q in random.Random(seed).sample(lines, n)]     # b − a + c, as gensim does


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=300, help="analogy questions timed per method (default: 300)")
    parser.add_argument("--recompute", action="store_true", help="time questions-words again (minutes)")
    parser.add_argument("--word2vec", action="store_true", help="time word2vec training on the Lee corpus")
    args = parser.parse_args()
    rows = []

    import gensim.models  # noqa: F401  (imports are not the vectors' memory)
    import safetensors.numpy  # noqa: F401
    start = time.perf_counter()
    emb.load_glove()
    load_s = time.perf_counter() - start
    gc.collect()
    tracemalloc.start()
    kv = emb.load_glove()
    allocated, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows += [("load 50k x 50 GloVe as KeyedVectors (imports done)", f"{load_s * 1000:.0f} ms", "once per server"),
             ("vectors in memory (tracemalloc, held after load)", f"{allocated / 1e6:.1f} MB", "target <= 20 MB"),
             ("vectors + norms + index (estimate)", f"{emb.memory_bytes(kv) / 1e6:.1f} MB", "")]

    qs = questions(kv, args.queries)
    for method in emb.METHODS:
        emb.analogy(kv, *qs[0], method=method)                                     # warm up
        it = iter(qs * 2)
        ms = timed(lambda it=it, method=method: emb.analogy(kv, *next(it), topn=10, method=method), len(qs))
        rows.append((f"analogy query, {method} (top 10 of {len(kv):,})", f"p50 {np.median(ms):.2f} ms, "
                     f"p95 {np.percentile(ms, 95):.2f} ms", "target p50 <= 10 ms"))
    it = iter(qs * 2)
    ms = timed(lambda: emb.analogy_rank(kv, *next(it), expected="the"), len(qs))
    rows.append(("rank of the expected answer", f"p50 {np.median(ms):.2f} ms", ""))
    it = iter([q[0] for q in qs] * 2)
    ms = timed(lambda: emb.neighbours(kv, next(it), 10), len(qs))
    rows.append(("nearest neighbours (top 10)", f"p50 {np.median(ms):.2f} ms", ""))
    ms = timed(lambda: emb.suggestions(kv, "kinng"), 20)
    rows.append(("spelling suggestions for an unknown word", f"p50 {np.median(ms):.0f} ms", "only on a typo"))

    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "pages" / "embeddings.py"), default_timeout=120).run()
    at.run()
    ms = timed(at.run, 10)
    rows.append(("page rerun, warm (AppTest, default state)", f"p50 {np.median(ms):.0f} ms", "target <= 500 ms"))

    for method in emb.METHODS:
        for row in emb.preset_ranks(kv, method):
            rows.append((f"{row['analogy']} ({method})", f"top: {row['top']}", f"rank of expected: {row['rank']}"))

    bench = emb.load_benchmark()
    if args.recompute or bench is None:
        start = time.perf_counter()
        bench = emb.analogy_benchmark(kv)
        bench["seconds"] = round(time.perf_counter() - start, 1)
    rows.append(("questions-words accuracy (3CosAdd, restrict_vocab=30000)", f"{bench['accuracy']:.1%}",
                 f"{bench['covered']:,}/{bench['questions']:,} covered, {bench.get('seconds', '?')} s; "
                 f"reference {emb.REFERENCE_ACCURACY:.1%}"))
    for name, ref in (bench.get("word2vec") or {}).items():
        same = ref["glove_same_questions"]
        rows.append((f"own word2vec on {name} ({ref['tokens']:,} tokens)", f"{ref['own']['accuracy']:.1%}",
                     f"on {ref['own']['covered']:,} questions; GloVe on the same "
                     f"{same['accuracy'] if same else 0:.1%}; trained in {ref['train_seconds']} s"))

    if args.word2vec:
        from rnnkit.embeddings import word2vec as w2v
        sentences, tokens = w2v.sentences(w2v.builtin_text("lee"))
        start = time.perf_counter()
        w2v.train(sentences, w2v.Word2VecConfig())
        rows.append((f"word2vec training, Lee ({tokens:,} tokens, 5 epochs, 1 thread)",
                     f"{time.perf_counter() - start:.1f} s", ""))

    print("| measure | value | note |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
