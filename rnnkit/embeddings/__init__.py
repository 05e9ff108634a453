"""Word embeddings (the lecture's GloVe vectors and a word2vec of your own), one idea per module:

- ``vectors``: the committed GloVe subset as gensim ``KeyedVectors`` and what the lecture says of
  it: analogies with the rank of an expected answer, neighbours, PCA, one-hot against dense,
  interpretable directions, the questions-words benchmark (the Word Embeddings page and
  ``rnnkit analogy``);
- ``word2vec``: training gensim's word2vec on a small corpus (bundled or uploaded) and comparing it
  with GloVe on the same questions;
- ``explain``: the sentences the page shows beside the results;
- ``plots``: the PCA scatter with the analogy's parallelogram, cosine heat maps, benchmark bars.
"""
