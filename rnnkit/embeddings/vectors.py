"""Word embeddings: real GloVe vectors as gensim ``KeyedVectors``, and what the lecture says of them.

The lecture's claims, each a pure function the Word Embeddings page draws:

- analogies ``a − b + c`` (king − man + woman ≈ queen) with gensim's 3CosAdd
  (``most_similar``) or 3CosMul (``most_similar_cosmul``), and the rank of the expected answer
  (``solve_analogy``: the page's and ``rnnkit analogy``'s one call);
- nearest neighbours and the similarity of two words (cosine);
- a PCA of the words in 2-D or 3-D;
- one-hot vectors (all pairs orthogonal, dimension = vocabulary size) against dense ones;
- interpretable dimensions: the projection of a word on a direction built from word sets,
  e.g. Gender = mean(woman, she, …) − mean(man, he, …);
- the questions-words analogy benchmark, by section.

Words a visitor types that cannot be used raise ``rnnkit.core.inputs.InputError`` with a sentence.
Training a word2vec of your own lives in ``word2vec.py``.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnkit import PRETRAINED
from rnnkit.core.inputs import InputError

GLOVE_DIR = PRETRAINED / "glove50k"
VECTORS_FILE, VOCAB_FILE, BENCHMARK_FILE = "model.safetensors", "vocab.txt", "analogy_benchmark.json"
MAX_WORD_CHARS = 40
MAX_WORDS = 30                 # the visitor's own word list
MAX_DIRECTIONS = 10            # the visitor's own directions, one a line
RESTRICT_VOCAB = 30_000        # questions-words convention: only the 30,000 most frequent words
REFERENCE_ACCURACY = 0.497     # published questions-words accuracy of GloVe 6B 50d at RESTRICT_VOCAB


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------

def load_glove(directory: str | Path = GLOVE_DIR):
    """The committed GloVe subset as gensim ``KeyedVectors`` (float32, norms precomputed).

    The vectors are stored as float16 safetensors (``vectors``: (V, 50)) and one word per line
    in ``vocab.txt``, in GloVe's frequency order, so ``restrict_vocab`` means "most frequent".
    """
    from safetensors.numpy import load_file

    directory = Path(directory)
    vectors = load_file(directory / VECTORS_FILE)["vectors"].astype(np.float32)     # (V, D)
    words = (directory / VOCAB_FILE).read_text(encoding="utf-8").split("\n")[: len(vectors)]
    return keyed_vectors(words, vectors)


def load_glove_and_benchmark(directory: str | Path = GLOVE_DIR) -> tuple:
    """What the page shares between visitors: the vectors and their questions-words result
    (precomputed by ``scripts/prepare_embeddings.py``, else computed here once, in minutes)."""
    kv = load_glove(directory)
    return kv, load_benchmark(directory) or analogy_benchmark(kv)


def keyed_vectors(words: list[str], vectors: np.ndarray):
    """gensim ``KeyedVectors`` for ``words`` (in order) and their rows of ``vectors`` (V, D)."""
    from gensim.models import KeyedVectors

    if len(words) != len(vectors):
        raise ValueError(f"{len(words)} words but {len(vectors)} vectors")
    kv = KeyedVectors(vector_size=vectors.shape[1], count=0, dtype=np.float32)
    kv.add_vectors(words, np.ascontiguousarray(vectors, dtype=np.float32))
    kv.fill_norms()                          # once, so concurrent readers never write
    return kv


def read_only_view(kv):
    """A second ``KeyedVectors`` sharing ``kv``'s arrays.

    gensim's ``evaluate_word_analogies`` swaps ``key_to_index`` while it runs; running it on a
    view keeps the shared, cached object untouched for the other visitors.
    """
    from gensim.models import KeyedVectors

    view = KeyedVectors(vector_size=kv.vector_size, count=0, dtype=np.float32)
    view.index_to_key, view.key_to_index = kv.index_to_key, kv.key_to_index
    view.vectors, view.norms = kv.vectors, kv.norms
    return view


def load_benchmark(directory: str | Path = GLOVE_DIR) -> dict | None:
    """The questions-words result precomputed by ``scripts/prepare_embeddings.py`` (or None)."""
    path = Path(directory) / BENCHMARK_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def memory_bytes(kv) -> int:
    """Bytes held by the vectors, their norms and the word index (the dict estimated)."""
    import sys
    words = sum(sys.getsizeof(w) for w in kv.index_to_key)
    index = sys.getsizeof(kv.key_to_index) + sys.getsizeof(kv.index_to_key) + 28 * len(kv.index_to_key)
    return int(kv.vectors.nbytes + (kv.norms.nbytes if kv.norms is not None else 0) + words + index)


_BLAS = None


def one_blas_thread():
    """A context with BLAS on one thread: spread over busy cores, the small products of a query
    wait for each other and take many times longer."""
    global _BLAS
    if _BLAS is None:
        from threadpoolctl import ThreadpoolController
        _BLAS = ThreadpoolController()
    return _BLAS.limit(limits=1, user_api="blas")


# ---------------------------------------------------------------------------------------------
# Words typed by a visitor
# ---------------------------------------------------------------------------------------------

def clean_word(raw: str) -> str:
    """``"  King "`` -> ``"king"``: NFC, strip, lowercase (GloVe 6B is lowercased)."""
    return unicodedata.normalize("NFC", str(raw)).strip().lower()


def suggestions(kv, word: str, n: int = 5) -> list[str]:
    """Known words spelled like ``word`` (frequent words first among equals)."""
    if not word:
        return []
    candidates = [w for w in kv.index_to_key if abs(len(w) - len(word)) <= 2 and w[:1] == word[:1]]
    if len(candidates) < n:
        candidates = kv.index_to_key[:RESTRICT_VOCAB]
    return difflib.get_close_matches(word, candidates, n=n, cutoff=0.6)


def check_word(kv, raw: str, what: str = "word") -> str:
    """The cleaned word, or ``InputError`` with a sentence (empty, too long, unknown + suggestions)."""
    word = clean_word(raw)
    if not word:
        raise InputError(f"The {what} is empty: type a word, e.g. “king”.")
    if len(word) > MAX_WORD_CHARS:
        raise InputError(f"The {what} is {len(word)} characters long; type one word of at most {MAX_WORD_CHARS}.")
    if any(ch.isspace() for ch in word):
        raise InputError(f"The {what} “{word}” has a space in it: type a single word (GloVe has no phrases).")
    if word not in kv.key_to_index:
        close = suggestions(kv, word)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        latin = "" if _is_latin(word) else (" These GloVe vectors were trained on English text, so most non-Latin "
                                             "words are missing.")
        raise InputError(f"“{word}” is not among the {len(kv):,} most frequent words.{hint}{latin}")
    return word


def split_words(text: str, limit: int = MAX_WORDS) -> list[str]:
    """A visitor's word list: split on commas, semicolons or whitespace, cleaned, unique, in order."""
    out: list[str] = []
    for part in str(text).replace(";", ",").replace(",", " ").split():
        word = clean_word(part)
        if word and word not in out:
            out.append(word)
    return out[:limit]


def known_words(kv, text: str) -> tuple[list[str], list[str]]:
    """The known words of a visitor's word list, and a sentence for each unknown one (left out)."""
    listed = split_words(text)
    problems = []
    for word in listed:
        try:
            check_word(kv, word)
        except InputError as error:
            problems.append(f"{error} It is left out.")
    return [w for w in listed if w in kv.key_to_index], problems


def _is_latin(word: str) -> bool:
    return all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") for ch in word)


# ---------------------------------------------------------------------------------------------
# Analogies, neighbours, similarity
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Preset:
    key: str
    a: str          # a − b + c: "king − man + woman"
    b: str
    c: str
    expected: str

    @property
    def label(self) -> str:
        return f"{self.a.title()} − {self.b.title()} + {self.c.title()} ≈ {self.expected.title()}"


# The lecture's four analogies, written a − b + c (king − man + woman ≈ queen).
PRESETS = (
    Preset("king", "king", "man", "woman", "queen"),
    Preset("his", "his", "he", "she", "her"),
    Preset("paris", "paris", "france", "italy", "rome"),
    Preset("windows", "windows", "microsoft", "google", "android"),
)
PRESET_BY_KEY = {p.key: p for p in PRESETS}
METHODS = {"add": "3CosAdd (most_similar)", "mul": "3CosMul (most_similar_cosmul)"}


def analogy(kv, a: str, b: str, c: str, topn: int = 10, method: str = "add") -> list[tuple[str, float]]:
    """The ``topn`` words closest to ``a − b + c`` with their scores; a, b, c themselves excluded.

    ``add`` is gensim's ``most_similar(positive=[a, c], negative=[b])`` (cosine to the offset
    vector); ``mul`` is ``most_similar_cosmul`` (Levy & Goldberg's 3CosMul, scores in (0, ∞)).
    """
    with one_blas_thread():
        if method == "mul":
            return kv.most_similar_cosmul(positive=[a, c], negative=[b], topn=topn)
        return kv.most_similar(positive=[a, c], negative=[b], topn=topn)


def analogy_rank(kv, a: str, b: str, c: str, expected: str, method: str = "add") -> int | None:
    """1-based rank of ``expected`` among all words for ``a − b + c`` (inputs excluded), or None."""
    if expected not in kv.key_to_index or expected in (a, b, c):
        return None
    with one_blas_thread():
        if method == "mul":
            scores = kv.most_similar_cosmul(positive=[a, c], negative=[b], topn=None)  # (V,)
        else:
            scores = kv.most_similar(positive=[a, c], negative=[b], topn=None)         # (V,)
    target = scores[kv.key_to_index[expected]]
    inputs = [kv.key_to_index[w] for w in {a, b, c}]
    better = int(np.sum(scores > target)) - sum(int(scores[i] > target) for i in inputs)
    return better + 1


def check_analogy(kv, a: str, b: str, c: str) -> tuple[str, str, str]:
    """Cleaned a, b, c, or ``InputError`` (empty, unknown, or the same word for all three)."""
    words = tuple(check_word(kv, w, name) for w, name in ((a, "first word"), (b, "second word"), (c, "third word")))
    if len(set(words)) == 1:
        raise InputError(f"All three words are “{words[0]}”: a − a + a is just a, and gensim excludes "
                         "the inputs from the answers. Type three different words.")
    return words


@dataclass(frozen=True)
class Analogy:
    """``a − b + c``: the answers, and what the rank of the visitor's expected answer says."""
    a: str
    b: str
    c: str
    answers: list[tuple[str, float]]      # the ``topn`` best words with their scores
    expected: str                          # cleaned; "" when none was typed
    rank: int | None                       # of ``expected`` among all words; None when it has none
    verdict: tuple[str, str] | None        # ("success" | "warning", sentence) about ``expected``

    @property
    def answer(self) -> str:
        return self.answers[0][0]

    @property
    def target(self) -> str:
        """Where the picture's second arrow ends: the expected answer when it has a rank, else the top one."""
        return self.expected if self.rank is not None else self.answer


def link_values(state: dict, link: dict) -> dict:
    """The page's first widget values from a shared link: a preset fills a, b, c and the expected answer,
    unless the link gives any of them itself."""
    preset = PRESET_BY_KEY.get(state["preset"])
    if preset and not any(name in link for name in ("a", "b", "c", "expect")):
        return state | {"a": preset.a, "b": preset.b, "c": preset.c, "expect": preset.expected}
    return dict(state)


def preset_of(a: str, b: str, c: str, expected: str) -> str:
    """The key of the lecture's preset these words (as typed) are, or ``"custom"``."""
    words = tuple(clean_word(w) for w in (a, b, c, expected))
    return next((p.key for p in PRESETS if (p.a, p.b, p.c, p.expected) == words), "custom")


WINDOWS_NOTE = ("Here “windows” is mostly the plural of “window” (see the top answer), and Android was only a "
                "few years old in the 2014 corpus. ")


def solve_analogy(kv, a: str, b: str, c: str, expected: str = "", topn: int = 10, method: str = "add") -> Analogy:
    """The page's analogy from the words as typed; ``InputError`` when a, b or c cannot be used."""
    a, b, c = check_analogy(kv, a, b, c)
    answers = analogy(kv, a, b, c, topn=topn, method=method)
    expected, rank, verdict = clean_word(expected), None, None
    if expected and expected not in kv.key_to_index:
        verdict = ("warning", f"The expected answer “{expected}” is not among the {len(kv):,} words, "
                              "so it has no rank.")
    elif expected in (a, b, c):
        verdict = ("warning", f"The expected answer “{expected}” is one of the inputs, which gensim always excludes.")
    elif expected:
        rank = analogy_rank(kv, a, b, c, expected, method=method)
        if rank == 1:
            verdict = ("success", f"“{expected}” is the top answer (rank 1 of {len(kv) - 3:,}).")
        else:
            why = WINDOWS_NOTE if (a, b, c, expected) == ("windows", "microsoft", "google", "android") else ""
            verdict = ("warning", f"“{expected}” is only at rank {rank:,} of {len(kv) - 3:,}. {why}50 dimensions "
                                  "trained on Wikipedia and news cannot hold every relation; bigger vectors (300 dims) "
                                  "and bigger, newer corpora get more of them right.")
    return Analogy(a, b, c, answers, expected, rank, verdict)


def answer_table(found: Analogy, method: str = "add"):
    """The answers as a table: rank, word and its score (cosine for 3CosAdd)."""
    import pandas as pd
    return pd.DataFrame([(i + 1, w, round(s, 4)) for i, (w, s) in enumerate(found.answers)],
                        columns=["rank", "word", "cosine" if method == "add" else "3CosMul score"])


def analogy_picture(kv, found: Analogy, n_components: int = 2):
    """What ``plots.pca_figure`` draws for an analogy: the words (the four, then neighbours), their PCA
    coordinates, the variance explained, each word's role and the two arrows of the parallelogram."""
    return analogies_picture(kv, [found], n_components)


def analogies_picture(kv, analogies: list[Analogy], n_components: int = 2):
    """``analogy_picture`` for one or more analogies in one PCA: are their parallelograms alike? With several,
    each word brings one neighbour, not three, so the picture stays readable."""
    words, roles, arrows = [], {}, []
    for found in analogies:
        found_words = analogy_picture_words(kv, found.a, found.b, found.c, found.answer, expected=found.target,
                                            per_word=3 if len(analogies) == 1 else 1)
        words += [w for w in found_words if w not in words]
        roles |= {w: "input" for w in (found.a, found.b, found.c)} | {found.target: "expected", found.answer: "answer"}
        arrows += [(found.b, found.c), (found.a, found.target)]
    coords, explained = pca(kv, words, n_components)
    return words, coords, explained, roles, arrows


def parse_analogy(text: str) -> tuple[str, str, str]:
    """``"paris - france + italy"`` or ``"paris france italy"`` -> its three words; ``InputError`` otherwise."""
    words = [w for w in re.split(r"[\s,;+\-−]+", clean_word(text)) if w]
    if len(words) != 3:
        raise InputError(f"Type the second analogy as three words, a − b + c (for example “paris − france + italy”); "
                         f"this has {len(words)}.")
    return words[0], words[1], words[2]


def neighbours(kv, word: str, topn: int = 10) -> list[tuple[str, float]]:
    """The ``topn`` nearest words to ``word`` by cosine similarity (gensim ``most_similar``)."""
    with one_blas_thread():
        return kv.most_similar(positive=[word], topn=topn)


def similarity(kv, first: str, second: str) -> float:
    """Cosine similarity of two known words (gensim ``similarity``)."""
    return float(kv.similarity(first, second))


# ---------------------------------------------------------------------------------------------
# Pictures: PCA, one-hot vs dense
# ---------------------------------------------------------------------------------------------

def pca(kv, words: list[str], n_components: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates (N, n_components) of ``words`` in their own principal components, and the
    share of variance each component explains."""
    from sklearn.decomposition import PCA

    X = np.stack([kv[w] for w in words])                                          # (N, D)
    n = min(n_components, len(words), X.shape[1])
    model = PCA(n_components=n, random_state=0).fit(X)
    coords = model.transform(X)                                                   # (N, n)
    if n < n_components:                                                          # too few words: pad
        coords = np.pad(coords, ((0, 0), (0, n_components - n)))
    ratio = np.pad(model.explained_variance_ratio_, (0, n_components - n))
    return coords, ratio


def analogy_picture_words(kv, a: str, b: str, c: str, answer: str, per_word: int = 3,
                          expected: str | None = None) -> list[str]:
    """The analogy words first (b, a, c, answer[, expected]), then a few neighbours of each."""
    words = [b, a, c, answer] + ([expected] if expected and expected not in (a, b, c, answer) else [])
    for word in list(words):
        added = 0
        for other, _ in neighbours(kv, word, topn=per_word + 6):
            if added < per_word and other not in words and other.isalpha():
                words.append(other)
                added += 1
    return words


def cosine_matrix(kv, words: list[str]) -> np.ndarray:
    """(N, N) cosine similarities of the dense vectors."""
    X = np.stack([kv.get_vector(w, norm=True) for w in words])                    # (N, D)
    return np.clip(X @ X.T, -1.0, 1.0)


def one_hot_matrix(kv, words: list[str]) -> np.ndarray:
    """(N, N) cosine similarities of one-hot vectors: 1 on the diagonal, 0 elsewhere (orthogonal)."""
    ids = np.array([kv.key_to_index[w] for w in words])
    one_hot = np.zeros((len(words), len(kv)), dtype=np.float32)                    # (N, V)
    one_hot[np.arange(len(words)), ids] = 1.0
    return one_hot @ one_hot.T                                                     # (N, N)


def one_hot_and_dense(kv, words: list[str]) -> list[tuple[np.ndarray, str]]:
    """The two (N, N) cosine matrices of ``words`` side by side, with their titles."""
    return [(one_hot_matrix(kv, words), f"one-hot: cosine (dimension {len(kv):,})"),
            (cosine_matrix(kv, words), f"dense GloVe: cosine (dimension {kv.vector_size})")]


def bytes_per_word(kv) -> dict[str, int]:
    """Memory of one word's vector, stored densely as float32."""
    return {"one_hot": len(kv) * 4, "dense": kv.vector_size * 4, "one_hot_dims": len(kv), "dense_dims": kv.vector_size}


def memory_table(kv) -> list[dict[str, str]]:
    """One-hot against dense vectors: dimensions, memory per word and what their similarities say."""
    size = bytes_per_word(kv)
    return [{"vectors": "one-hot", "dimensions": f"{size['one_hot_dims']:,}",
             "memory per word (float32)": f"{size['one_hot']:,} B",
             "similarity of two different words": "always 0 between different words"},
            {"vectors": "dense (GloVe)", "dimensions": f"{size['dense_dims']}",
             "memory per word (float32)": f"{size['dense']:,} B",
             "similarity of two different words": "high for related words"}]


# ---------------------------------------------------------------------------------------------
# Interpretable dimensions
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Direction:
    """A named axis ``mean(positive) − mean(negative)``; with no negative words, the positive
    words' mean minus the mean of the whole vocabulary."""
    name: str
    positive: tuple[str, ...]
    negative: tuple[str, ...] = ()


LECTURE_WORDS = ("man", "woman", "king", "queen", "apple", "orange")
LECTURE_DIRECTIONS = (
    Direction("Gender", ("woman", "she", "her", "girl", "mother", "daughter"),
              ("man", "he", "his", "boy", "father", "son")),
    Direction("Royal", ("royal", "throne", "crown", "monarch", "reign", "palace"),
              ("ordinary", "common", "citizen", "worker", "peasant", "commoner")),
    Direction("Age", ("old", "elderly", "aged", "grandfather", "grandmother", "adult"),
              ("young", "child", "baby", "kid", "teenager", "boy")),
    Direction("Food", ("food", "eat", "fruit", "juice", "delicious", "cooked"),
              ("car", "computer", "government", "building", "machine", "law")),
)


def parse_direction(text: str) -> Direction:
    """``"Size: big large huge | small tiny little"`` -> a ``Direction`` (the ``|`` part optional).

    Raises ``InputError`` with a sentence when the line is not in that form.
    """
    name, sep, rest = str(text).partition(":")
    if not sep or not name.strip() or not rest.strip():
        raise InputError(f"“{text.strip()[:60]}” is not a direction: write it as "
                         "“Name: positive words | negative words”, e.g. “Size: big huge | small tiny”.")
    positive, _, negative = rest.partition("|")
    return Direction(name.strip()[:30], tuple(split_words(positive)), tuple(split_words(negative)))


def directions_from_text(kv, text: str, limit: int = MAX_DIRECTIONS) -> tuple[list[Direction], list[str]]:
    """The lecture's directions and the visitor's own (one a line), those usable with these vectors,
    and a sentence for each line or direction left out."""
    directions, problems = list(LECTURE_DIRECTIONS), []
    for line in str(text).splitlines()[:limit]:
        if line.strip():
            try:
                directions.append(parse_direction(line))
            except InputError as error:
                problems.append(str(error))
    usable = []
    for direction in directions:
        try:
            direction_vector(kv, direction)
            usable.append(direction)
        except InputError as error:
            problems.append(str(error))
    return usable, problems


def direction_table(directions: list[Direction]) -> list[dict[str, str]]:
    """The words that build each direction."""
    return [{"direction": d.name, "positive": ", ".join(d.positive), "negative": ", ".join(d.negative)
             or "(vocabulary mean)"} for d in directions]


def direction_vector(kv, direction: Direction) -> tuple[np.ndarray, list[str]]:
    """The unit vector of ``direction`` (D,) and the words of it that are unknown (ignored)."""
    known = lambda ws: [w for w in ws if w in kv.key_to_index]
    pos, neg = known(direction.positive), known(direction.negative)
    missing = [w for w in direction.positive + direction.negative if w not in kv.key_to_index]
    if not pos:
        raise InputError(f"The direction “{direction.name}” has no known positive word. Add a known word before "
                         "the “|”.")
    unit = lambda ws: np.mean([kv.get_vector(w, norm=True) for w in ws], axis=0)
    base = unit(neg) if neg else kv.vectors.mean(axis=0) / np.linalg.norm(kv.vectors.mean(axis=0))
    vector = unit(pos) - base                                                      # (D,)
    length = float(np.linalg.norm(vector))
    if length < 1e-6:                              # the same words on both sides: no direction at all
        raise InputError(f"The direction “{direction.name}” has the same words on both sides of the “|”, so it "
                         "points nowhere. Put different words on each side.")
    return vector / length, missing


def projection_table(kv, words: list[str], directions: list[Direction]) -> tuple[np.ndarray, list[str]]:
    """(len(directions), len(words)) cosines of each word with each direction, and the problems.

    Word vectors are centred first (the vocabulary mean subtracted: GloVe vectors share a common
    component that would tilt every score). Words used to build a direction are left in: the
    lecture's table asks how much "woman" points along woman − man.
    """
    centre = kv.vectors.mean(axis=0)                                               # (D,)
    X = np.stack([kv[w] for w in words]) - centre                                  # (N, D)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    problems, rows = [], []
    for direction in directions:
        vector, missing = direction_vector(kv, direction)
        if missing:
            problems.append(f"{direction.name}: ignored unknown word(s) {', '.join(missing)}.")
        rows.append(X @ vector)                                                    # (N,)
    return np.array(rows, dtype=float).reshape(len(directions), len(words)), problems


# ---------------------------------------------------------------------------------------------
# The questions-words benchmark
# ---------------------------------------------------------------------------------------------

def questions_words_path() -> str:
    from gensim.test.utils import datapath
    return datapath("questions-words.txt")


def count_questions(path: str | None = None) -> int:
    with open(path or questions_words_path(), encoding="utf-8") as lines:
        return sum(1 for line in lines if line.strip() and not line.startswith(":"))


def analogy_benchmark(kv, restrict_vocab: int = RESTRICT_VOCAB, path: str | None = None) -> dict:
    """gensim ``evaluate_word_analogies`` (3CosAdd) summarised by section, with coverage.

    Runs on a read-only view so a shared ``kv`` is never modified.
    """
    path = path or questions_words_path()
    total_questions = count_questions(path)
    with one_blas_thread():
        score, sections = read_only_view(kv).evaluate_word_analogies(path, restrict_vocab=restrict_vocab)
    rows = [{"section": s["section"], "correct": len(s["correct"]), "total": len(s["correct"]) + len(s["incorrect"])}
            for s in sections]
    for row in rows:
        row["accuracy"] = row["correct"] / row["total"] if row["total"] else None
    covered = rows[-1]["total"]
    return {"restrict_vocab": min(restrict_vocab, len(kv)), "accuracy": float(score), "covered": covered,
            "questions": total_questions, "coverage": covered / total_questions, "sections": rows[:-1]}


def preset_ranks(kv, method: str = "add") -> list[dict]:
    """Top answer and rank of the expected answer for each of the lecture's four analogies."""
    rows = []
    for p in PRESETS:
        top = analogy(kv, p.a, p.b, p.c, topn=1, method=method)[0]
        rows.append({"analogy": p.label, "top": top[0], "score": round(top[1], 4),
                     "rank": analogy_rank(kv, p.a, p.b, p.c, p.expected, method=method)})
    return rows


def preset_table(bench: dict) -> list[dict]:
    """The lecture's four analogies in a precomputed benchmark: top answer and rank by method."""
    by_method = {m: {row["analogy"]: row for row in bench.get("presets", {}).get(m, [])} for m in METHODS}
    return [{"analogy": row["analogy"], **{f"{m}: top": by_method[m][row["analogy"]]["top"] for m in METHODS},
             **{f"{m}: rank": by_method[m][row["analogy"]]["rank"] for m in METHODS}}
            for row in bench.get("presets", {}).get("add", [])]
