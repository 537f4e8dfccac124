"""Training and validation: datasets, blocked and leave-one-well-out folds, member selection,
ensemble and card building, transfer bands, studies, honesty figures and own-well training.
"""
