"""Sentiment of an English sentence (the lecture's many-to-one example), one idea per module:

- ``model``: the bidirectional LSTM with one ordinal score and ordered cut points (``SentimentLSTM``,
  ``ModelConfig``): the binary and the 5-class answer come from the same number;
- ``data``: the labels, the committed human-rated domains, extra binary data, vector subsets and
  the challenge set, datasets, metrics, uploaded files;
- ``task``: the training config, the loss and the evaluation (``rnnkit train sentiment``);
- ``classifier``: typed sentences end to end for the page and ``rnnkit classify``: the answer,
  the answer after every prefix, word importance, batch scoring of a file, the page's presets;
- ``baselines``: TF-IDF + logistic regression, the VADER lexicon, the majority class;
- ``plots``: probability bars, the prefix curve, importance bars and coloured tokens, confusion matrices.
"""
