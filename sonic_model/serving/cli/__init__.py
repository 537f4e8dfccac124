"""The command line: ``python -m sonic_model VERB ...``.
"""
