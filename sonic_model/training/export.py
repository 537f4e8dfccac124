"""Writing a trained model's files: one .npz per shipped member (model.artifacts, never a
pickle), runtime.json, and the resource measurements of the written model.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from sonic_model.model import artifacts
from sonic_model.model.artifacts import RUNTIME_FILE
from sonic_model.training.card_build import weights_dict
from sonic_model.training.dataset import PE_FILL
from sonic_model.training.member_fit import FULL_MEMBERS


def write_members(out_dir: Path, fitted: dict, shipped) -> dict[str, Path]:
    """<kind>.npz for every shipped member (one payload per curve set); a candidate that did not
    earn its place ships no (stale) file. -> {file name: path}"""
    out_dir = Path(out_dir)
    for kind in FULL_MEMBERS:
        if kind not in shipped:
            (out_dir / f"{kind}{artifacts.SUFFIX}").unlink(missing_ok=True)
    files = {}
    for kind in shipped:
        path = artifacts.dump({s: fitted[s]["members"][kind] for s in fitted},
                              out_dir / f"{kind}{artifacts.SUFFIX}")
        files[path.name] = path
    return files


def runtime_spec(fitted: dict, ensembles: dict, qc: dict) -> dict:
    """runtime.json: each curve set's columns and clip envelope, each ensemble's members,
    weights, band calibration and shear prior, the QC settings."""
    return {
        "sets": {s: {"columns": fitted[s]["columns"],
                     "clip_lo": fitted[s]["clip"][0].tolist(),
                     "clip_hi": fitted[s]["clip"][1].tolist()} for s in fitted},
        "ensembles": {name: {"members": list(e["kinds"]),
                             "weights": weights_dict(e["kinds"], e["weights"]),
                             "intervals": e["intervals"], "shear_prior": e["shear_prior"]}
                      for name, e in ensembles.items()},
        "qc": qc, "pe_fill": PE_FILL, "xgboost_version": xgboost_version(),
    }


def write_runtime(out_dir: Path, runtime: dict) -> Path:
    path = Path(out_dir) / RUNTIME_FILE
    path.write_text(json.dumps(runtime, indent=1, sort_keys=True), encoding="utf-8")
    return path


def xgboost_version() -> str:
    from importlib.metadata import version

    import xgboost
    return getattr(xgboost, "__version__", None) or version("xgboost-cpu")


def measure_resources(model_dir: Path, key: str, sample: pd.DataFrame) -> dict:
    """Load time, peak RSS and predict time for `sample` (10,000 input rows), in a fresh
    process. The sample goes through a temporary .npy file (our own, deleted after)."""
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample.npy"
        np.save(path, sample.to_numpy(dtype=float), allow_pickle=False)
        code = (
            "import json,sys,time;import numpy as np,pandas as pd;"
            "t=time.perf_counter();"
            "from sonic_model.model import ensemble as E;"
            f"ens=E.load_member_or_ensemble({key!r}, {str(model_dir)!r});"
            "load=time.perf_counter()-t;"
            f"frame=pd.DataFrame(np.load({str(path)!r}, allow_pickle=False), "
            f"columns={list(sample.columns)!r});"
            "t=time.perf_counter();E.predict(frame, ens);pred=time.perf_counter()-t;"
            "print(json.dumps({'load_s':round(load,3),'predict_10k_s':round(pred,3),"
            "'peak_rss_mb':E.peak_rss_mb()}))"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])
