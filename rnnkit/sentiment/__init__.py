"""Sentiment of a movie-review sentence (the lecture's many-to-one example), one idea per module:

- ``model``: the bidirectional LSTM with a binary and a 5-class head (``SentimentLSTM``, ``ModelConfig``);
- ``data``: the labels, the committed Rotten Tomatoes split and GloVe subset, datasets, metrics,
  uploaded files;
- ``task``: the training config, the loss and the evaluation (``rnnkit train sentiment``);
- ``classifier``: typed sentences end to end for the page and ``rnnkit classify``: the answer,
  the answer after every prefix, word importance, batch scoring of a file;
- ``baselines``: TF-IDF + logistic regression, the VADER lexicon, the majority class;
- ``plots``: probability bars, the prefix curve, importance bars and coloured tokens, confusion matrices.
"""
