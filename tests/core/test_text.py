"""The shared text helpers: special ids, padding a batch, tokens back to a sentence."""

import torch

from rnnkit.core.text import SPECIALS, Vocabulary, detokenize, pad_batch


def test_special_ids_are_the_vocabularys_and_known_without_one():
    vocab = Vocabulary.build([["the", "cat"]])
    ids = (Vocabulary.pad_id, Vocabulary.unk_id, Vocabulary.bos_id, Vocabulary.eos_id)
    assert [vocab.itos[i] for i in ids] == list(SPECIALS)
    assert (vocab.pad_id, vocab.unk_id, vocab.bos_id, vocab.eos_id) == ids
    assert vocab.encode(["the", "dog"], add_bos=True, add_eos=True) == [2, vocab.stoi["the"], 1, 3]


def test_pad_batch_pads_to_the_longest_and_gives_the_lengths():
    ids, lengths = pad_batch([[4, 5, 6], torch.tensor([7]), []])
    assert ids.tolist() == [[4, 5, 6], [7, 0, 0], [0, 0, 0]] and ids.dtype == torch.long
    assert lengths.tolist() == [3, 1, 0]
    ids, lengths = pad_batch([[], [8]], pad_id=9, min_length=1)
    assert ids.tolist() == [[9], [8]] and lengths.tolist() == [1, 1]


def test_detokenize_attaches_punctuation_and_joins_class_names():
    french = ["elle", "dort", ".", "il", "a", "un", "chat", "?"]
    assert detokenize(french, capitalize=True) == "Elle dort. il a un chat?"
    assert detokenize(["a", "photo", "of", "a", "Egyptian_cat", ",", "a", "dog", "."], english_articles=True) \
        == "a photo of an Egyptian cat, a dog."
    assert detokenize(["il", "a", "un", "ami"]) == "il a un ami"          # French "a" is left alone
