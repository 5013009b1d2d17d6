"""Pseudo-out-of-sample forecast evaluation (``longjiang forecast``): the model estimated on
2015-2017 forecasts 2018-2019 under the recorded national drivers, scored with RMSE and CRPS
against a random walk, the national growth rate and an AR(1) per series."""
