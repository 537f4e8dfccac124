"""Batch scoring of folders of wells, on a local process pool or a Dask cluster.
"""
