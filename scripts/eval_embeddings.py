"""Quality of the committed GloVe vectors beside baselines; prints a Markdown table.

    python scripts/eval_embeddings.py

- questions-words (gensim, 3CosAdd, restrict_vocab=30000): GloVe 6B 50d, a random-vector baseline
  with the same vocabulary, and word2vec trained on the two offline corpora (from the JSON that
  ``scripts/prepare_embeddings.py`` wrote). (gensim 4.4's ``evaluate_word_analogies`` accepts
  ``similarity_function`` but always uses 3CosAdd, so no 3CosMul row is printed);
- word similarity (gensim ``evaluate_word_pairs``): Spearman correlation with human ratings on
  WordSim-353 and SimLex-999, for GloVe and the random baseline.
"""

from __future__ import annotations

import argparse

import numpy as np

from rnnkit.embeddings import vectors as emb


def word_pairs(kv, name: str) -> tuple[float, float]:
    """Spearman rho with human ratings and the share of pairs out of vocabulary (%)."""
    from gensim.test.utils import datapath
    with emb.one_blas_thread():
        _, spearman, oov = kv.evaluate_word_pairs(datapath(name), restrict_vocab=len(kv))
    return float(spearman.statistic if hasattr(spearman, "statistic") else spearman[0]), float(oov)


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()

    glove = emb.load_glove()
    rng = np.random.default_rng(0)
    random = emb.keyed_vectors(list(glove.index_to_key), rng.standard_normal(glove.vectors.shape).astype(np.float32))
    bench = emb.load_benchmark() or emb.analogy_benchmark(glove)
    rand = emb.analogy_benchmark(random)

    rows = [("GloVe 6B 50d, top 50k (3CosAdd)", f"{bench['accuracy']:.1%}", f"{bench['covered']:,}"),
            ("random 50-d vectors, same vocabulary", f"{rand['accuracy']:.1%}", f"{rand['covered']:,}")]
    for name, ref in (bench.get("word2vec") or {}).items():
        same = ref["glove_same_questions"]
        rows.append((f"word2vec on {name} ({ref['tokens']:,} tokens)", f"{ref['own']['accuracy']:.1%}",
                     f"{ref['own']['covered']:,} (GloVe on these: {same['accuracy'] if same else 0:.1%})"))
    rows.append(("published: GloVe 300d, 6B tokens / word2vec 300d, 783M words", "71.7 % / 53.3 %", "all"))
    print(f"## questions-words ({bench['questions']:,} questions, restrict_vocab=30000)\n")
    print("| vectors | accuracy | questions covered |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")

    print("\n## word similarity (Spearman rho with human ratings)\n")
    print("| data set | GloVe 6B 50d | random vectors | pairs out of vocabulary |\n|---|---|---|---|")
    for name in ("wordsim353.tsv", "simlex999.txt"):
        (rho, oov), (rho_random, _) = word_pairs(glove, name), word_pairs(random, name)
        print(f"| {name} | {rho:.3f} | {rho_random:.3f} | {oov:.1f} % |")


if __name__ == "__main__":
    main()
