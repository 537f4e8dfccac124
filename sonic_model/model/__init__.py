"""Prediction: features, the members' exported predictors (engine), ensembles with P10-P90
bands and QC, DTC-conditioned shear, the model card, artifacts and the model store.
"""
