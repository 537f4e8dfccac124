"""The command line: ``python -m sonic_model VERB ...``.

``main`` declares the verbs and their options and maps outcomes to exit codes; each verb's work
is its own module: ``predict``, ``batch``, ``train`` (the bundled model), ``own`` (``train
--wells`` and ``models``), ``info``, ``serve``, ``fetch``; ``common`` holds what they share.
"""
