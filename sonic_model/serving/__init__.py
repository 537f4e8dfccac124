"""The doors: the HTTP API (api/), batch scoring on a local pool or a Dask cluster (batch/) and
the command line (cli/). Thin: they validate, call model/training, and format answers.
``atomic`` is how every door writes a file: beside the target, then renamed into place.
"""
