"""Image captioning (the lecture's one-to-many example), one idea per module:

- ``encoder``: the frozen ImageNet EfficientNet-Lite0 (7 x 7 x 1280 features, top-5 classes);
- ``model``: the Show-Attend-Tell LSTM decoder with soft attention and the optional copy head
  over the encoder's class evidence (greedy and beam search from ``rnnkit.core.decoding``);
- ``scenes``: Tux Paint stamps (cut-outs with human-written English and French captions) composed
  into scenes with counts, sizes and relations, the training-time augmentation;
- ``samples``: the real photos bundled with scikit-image / scikit-learn / matplotlib, and the
  held-out stamps and scenes of the page's gallery;
- ``data``: Flickr8k and COCO readers, photo crops, the feature cache;
- ``task``: the training config, the loss and the evaluation (``rnnkit train captioning``);
- ``captioner``: one image end to end for the page and ``rnnkit caption``, BLEU-1..4;
- ``plots``: an attention map drawn on the image.

Safe decoding of uploaded files lives in ``rnnkit.core.images`` (shared by every page).
"""
