"""The committed Tux Paint stamps data set (scripts/prepare_captioning_stamps.py): splits, pictures, captions."""

from __future__ import annotations

import collections
import csv
import hashlib

import pytest
from PIL import Image

from rnnkit import ROOT

STAMPS = ROOT / "data" / "captioning" / "stamps"
COLUMNS = ["id", "category", "split", "en", "fr", "file", "source"]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with open(STAMPS / "stamps.tsv", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_splits_are_disjoint_by_stamp(rows):
    ids = [r["id"] for r in rows]
    files = [r["file"] for r in rows]
    assert len(set(ids)) == len(ids) and len(set(files)) == len(files)
    assert {r["split"] for r in rows} == {"train", "dev", "test"}
    by_split = {split: {r["id"] for r in rows if r["split"] == split} for split in ("train", "dev", "test")}
    assert not by_split["train"] & by_split["test"] and not by_split["train"] & by_split["dev"]
    assert not by_split["dev"] & by_split["test"]


def test_test_split_is_about_15_percent_and_every_big_category_has_test_stamps(rows):
    counts = collections.Counter(r["split"] for r in rows)
    assert 0.13 <= counts["test"] / len(rows) <= 0.17
    assert 0.03 <= counts["dev"] / len(rows) <= 0.07
    per_category = collections.defaultdict(collections.Counter)
    for r in rows:
        per_category[r["category"]][r["split"]] += 1
    for category, c in per_category.items():
        if c.total() >= 7:
            assert c["test"] >= 1, category
            assert c["train"] > c["test"], category


def test_split_follows_the_sha1_rule(rows):
    """Oracle: per category and picture format, stamps ranked by sha1 of the id; first 15 % test, next 5 % dev
    (half up). Per format, so that the PNG stamps kept their split when the SVG-only ones were added."""
    by_group = collections.defaultdict(list)
    for r in rows:
        assert r["category"] == r["id"].split("/", 1)[0]
        assert r["source"] in ("png", "svg")
        by_group[r["category"], r["source"]].append(r)
    for members in by_group.values():
        members.sort(key=lambda r: hashlib.sha1(r["id"].encode("utf-8")).hexdigest())
        n_test, n_dev = int(0.15 * len(members) + 0.5), int(0.05 * len(members) + 0.5)
        want = ["test"] * n_test + ["dev"] * n_dev + ["train"] * (len(members) - n_test - n_dev)
        assert [r["split"] for r in members] == want


def test_every_row_has_english_and_french_text(rows):
    for r in rows:
        for lang in ("en", "fr"):
            text = r[lang]
            assert text and text == " ".join(text.split()), (r["id"], lang)
            assert any(ch.isalpha() for ch in text), (r["id"], lang)
    assert sum(r["en"] != r["fr"] for r in rows) > 0.9 * len(rows)  # French, not a copy of the English


def test_every_picture_is_an_rgba_cut_out_of_at_most_128_px(rows):
    for r in rows:
        path = STAMPS / r["file"]
        assert path.resolve().is_relative_to(STAMPS.resolve()) and path.suffix == ".png", r["file"]
        with Image.open(path) as image:
            image.load()
            assert image.mode == "RGBA", r["file"]
            assert max(image.size) <= 128, r["file"]
            alpha = image.getchannel("A")
            assert alpha.getbbox() is not None, r["file"]  # not fully transparent


def test_no_picture_is_left_without_a_row(rows):
    on_disk = {p.relative_to(STAMPS).as_posix() for p in (STAMPS / "images").rglob("*") if p.is_file()}
    assert on_disk == {r["file"] for r in rows}


def test_provenance_totals_match_the_tsv(rows):
    counts = collections.Counter(r["split"] for r in rows)
    totals = f"| **all** | {counts['train']} | {counts['dev']} | {counts['test']} | {len(rows)} |"
    assert totals in (STAMPS / "PROVENANCE.md").read_text(encoding="utf-8")
