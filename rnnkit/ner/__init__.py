"""Named-entity recognition: the lecture's synced many-to-many case, one tag per word.

One idea per module:

- ``data.py``: CoNLL files, the BIO tag set, word / character / casing features, batches;
- ``model.py``: the (bi)LSTM tagger and its optional CRF (``ModelConfig``);
- ``task.py``: ``rnnkit train ner``: training config, loss, seqeval evaluation;
- ``tagger.py``: the inference service (tags, probabilities, each direction's contribution);
- ``baseline.py``: the capitalisation + gazetteer baseline;
- ``plots.py``: highlighted words, the probability heat map, the contribution chart.
"""
