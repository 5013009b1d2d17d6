"""Estimation of behavioural parameters: Morris screening (SALib) and the simulated method of
moments (scipy.optimize) against the 2015-2019 record (docs/calibration.md)."""
