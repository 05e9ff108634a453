"""What the Word Embeddings page says beside its results: the lecture's explanations, in one place.

Plain strings and pure functions of the results (no streamlit); the page escapes any that carry
a visitor's words.
"""

from __future__ import annotations

INTRO = ("A word becomes a vector of 50 numbers — real **GloVe** vectors trained on 6 billion words of Wikipedia "
         "and news (Stanford, 2014), the 50,000 most frequent words. Related words end up close together, and some "
         "relations become directions: **king − man + woman ≈ queen**.")

DIMENSIONS = ("The lecture's table gives each word a score on *Gender*, *Royal*, *Age* and *Food*. GloVe's 50 "
              "dimensions have no such names, but a direction can be **built from words**: Gender = mean(woman, "
              "she, her, …) − mean(man, he, his, …). A word's score is the cosine between it and that direction.")
DIMENSIONS_CAPTION = ("Scores are real cosines (of the word, centred on the vocabulary mean, with the direction), so "
                      "they are smaller than the lecture's tidy ±1. Gender and Royal come out clearly (king and queen "
                      "are royal, woman and queen lean female), Food separates apple and orange from people, and Age "
                      "is weak — the corpus seldom says that kings are old. Real dimensions are not this tidy.")

BENCHMARK = ("gensim's `questions-words.txt`: 19,544 analogies in 14 sections (capitals, currencies, family, plurals, "
             "tenses, …), answered with 3CosAdd among the 30,000 most frequent words (`restrict_vocab=30000`); "
             "questions with a word outside those are skipped, so coverage is stated.")
PUBLISHED = ("Published on the same questions with bigger vectors: GloVe 300d (6B tokens) 71.7 %, word2vec skip-gram "
             "300d (783M words) 53.3 % — more dimensions hold more relations.")

TRAIN = ("Train **word2vec** (gensim, skip-gram) yourself on a small corpus and run the same benchmark. GloVe saw "
         "6 billion words; here you have thousands to half a million — which is why the lecture says embeddings are "
         "trained on huge corpora (and why we usually download them).")


def picture(b: str, c: str, a: str, target: str, words: int) -> str:
    """The caption of the analogy's PCA picture (a parallelogram when the analogy holds)."""
    return (f"PCA (scikit-learn) of the four words and their nearest neighbours, fitted on these {words} words. "
            f"The arrows {b} → {c} and {a} → {target} are the same offset if the analogy holds: a parallelogram. "
            "A projection loses most of the 50 dimensions, so trust the cosines above more than distances in the "
            "picture.")


def one_hot(vocabulary: int, dimensions: int) -> str:
    return (f"With **one-hot** vectors every word is a {vocabulary:,}-dimensional vector with a single 1: any two "
            "different words are orthogonal (cosine 0), so *king* is as far from *queen* as from *orange*. "
            f"**Dense** GloVe vectors have {dimensions} dimensions and put related words close. "
            "The words come from *Your own word list* (Neighbours tab).")


def memory(vocabulary: int, dimensions: int) -> str:
    return (f"A dense vector is {vocabulary // dimensions:,}× smaller. (A one-hot vector can be stored as just its "
            "index, but then it carries no meaning at all to compare.)")


def benchmark_metrics(bench: dict, reference: float) -> list[tuple[str, str, str | None]]:
    """(label, value, note) of the questions-words result: accuracy, coverage, the published reference."""
    return [("accuracy (GloVe 6B 50d)", f"{bench['accuracy']:.1%}", None),
            ("questions covered", f"{bench['coverage']:.0%}", f"{bench['covered']:,} of {bench['questions']:,}"),
            ("reference for these vectors", f"{reference:.1%}", None)]


def own_metrics(result: dict, bench: dict) -> list[tuple[str, str, str | None]]:
    """(label, value, note) of a visitor's word2vec beside GloVe, on the same questions and on GloVe's own."""
    mine, same = result["own"], result["glove_same_questions"]
    return [("your word2vec", f"{mine['accuracy']:.1%}", f"{mine['covered']:,} questions covered"),
            ("GloVe on the same questions", f"{same['accuracy']:.1%}" if same else "—", None),
            ("GloVe on its 30k words", f"{bench['accuracy']:.1%}", f"{bench['covered']:,} questions")]
