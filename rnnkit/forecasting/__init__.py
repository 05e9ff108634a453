"""Forecasting a series (the lecture's many-to-many example), one idea per module:

- ``data``: the bundled stocks, CSV uploads checked row by row, the split, the scaler and the
  many-to-many training windows;
- ``model``: the LSTM that reads step changes and predicts the next k values at every step;
- ``baselines``: last value, moving average and linear trend, and the MAE / RMSE tables;
- ``task``: the training settings (the page's defaults) and the loss (``rnnkit train forecasting``);
- ``forecaster``: live training on one series and the verdict, for the page and ``rnnkit forecast``;
- ``plots``: the forecasts over the series and the error by steps ahead.
"""
