"""The bottom layer: errors, settings, the curve and column tables, units, QC vocabulary,
digests, metrics and the package version. Imports nothing else from sonic_model.
"""
