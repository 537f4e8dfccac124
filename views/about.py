"""About: the contest, where the data comes from and its licence, and how to call the API."""

from __future__ import annotations

import streamlit as st

from sonic_model import __version__
from sonic_model.core.curves import CURVES, INPUTS, REQUIRED, RESULT_COLUMNS, RESULT_DESCRIPTIONS
from sonic_model.core.errors import SonicModelError
from sonic_model.core.qc import QC_DESCRIPTIONS, QC_FLAGS
from sonic_model.model.card import leaderboard_rows
from sonic_model.model.features import CURVE_SETS

import ui_cache

CONTEST_URL = "https://github.com/pddasig/Machine-Learning-Competition-2020"


def _use(name: str) -> str:
    if name in REQUIRED:
        return "required"
    if name in CURVE_SETS["all"]:
        return "used when present"
    return "read and QC-checked; not a model input (see the Model page's studies)"


def _contest(card: dict | None) -> None:
    rows = ((card or {}).get("data") or {}).get("rows")
    train_rows = f"{rows:,}" if isinstance(rows, int) else "the published"
    st.markdown("""
SonicPredict synthesizes **compressional (DTC) and shear (DTS) slowness** from conventional well
logs, for wells that lack sonic: well ties, AVO modelling, geomechanics. The same library serves
this dashboard, the command line (`python -m sonic_model predict …`) and an HTTP API.

### The SPWLA PDDA 2020 contest
The SPWLA Petrophysical Data-Driven Analytics SIG's first machine-learning contest, *Pseudo Sonic
Log Generation* (March–May 2020), gave seven input logs and asked for DTC and DTS:

| curve | meaning | unit | |
|:--|:--|:--|:--|
""" + "\n".join(f"| {n} | {CURVES[n].description} | {CURVES[n].unit} | "
                    f"{_use(n)} |" for n in INPUTS)
                + f"""

Teams trained on **Well #1** ({train_rows} samples 0.1 m apart, with measured DTC and DTS) and were
scored on the blind **Well #2** (inputs only; its sonic was kept by the organisers) with
RMSE = √((ΣΔDTC² + ΣΔDTS²) / 2n) in us/ft. Published Well #2 scores (the original
SonicPredict of 2020 is another team's entry, not this tool):

| Well #2 leaderboard (published) | RMSE |
|:--|--:|
""" + "\n".join(f"| {k} | {v:.2f} |" for k, v in leaderboard_rows(card)) + """

This tool's own figures (sidebar, Model page) are **cross-validation on Well #1** with contiguous
blocks and leave-one-well-out folds; they are not Well #2 scores, whose answers were not published.
Nothing was fitted or selected on Well #2; its inputs serve only as the demo well.
""")


def _models(cards: dict) -> None:
    """The two bundled models, their real size, memory and held-out RMSE from their cards,
    beside the seed's trade-off; the FORCE 2020 credit."""
    from sonic_model.model.card import format_size

    rows = []
    for name, card in cards.items():
        full = (card.get("ensembles") or {}).get("full") or {}
        m = full.get("metrics") or {}
        ram = (full.get("resources") or {}).get("peak_rss_mb")
        lowo = (m.get("lowo") or {}).get("contest")
        rows.append(f"| {name} | {format_size(full.get('size_bytes'))} | "
                    f"{'–' if ram is None else f'{ram:.0f}'} | "
                    f"{'–' if lowo is None else f'{lowo:.2f}'} |")
    st.markdown("""
### The bundled models
**contest** learns on Well #1 alone (the leaderboard's rules); **north-sea** on Well #1's three
wells plus nine wells of the FORCE 2020 Machine Predicted Lithology data (Norwegian North Sea;
Bormann, Aursand, Dilib et al., "FORCE Machine Learning Competition", 2020,
doi:10.5281/zenodo.4351156, released openly with attribution: credit FORCE and the authors).
With **auto** (the default) each well gets the model whose training data it is closest to, and
the Predict page says which and why.

| model | size | RAM MB | contest RMSE, one well out |
|:--|--:|--:|--:|
""" + "\n".join(rows) + """
| SonicPredict 2020 random forest (the seed) | 2.1 GB | over a 1 GB host | – |
""")


def _data_and_outputs() -> None:
    st.markdown(f"""
### Data and licence
The logs come from Equinor's **Volve** field data set, as published by the contest at
[{CONTEST_URL}]({CONTEST_URL}) under **Creative Commons Attribution-NonCommercial-ShareAlike
(CC BY-NC-SA)**. SonicPredict does not ship the data: it finds it at run time (`--data`,
`$SONIC_DATA_DIR`, `./data/pdda2020`, `../shared/pdda2020`) or downloads the public archive with
`python -m sonic_model fetch-data`, which checks its sha256. The trained models are derived from
the data and carry the same attribution and licence (see the model card).

### Outputs and QC
Every output has one row per input row, in the same order; rows that cannot be predicted hold
NaN (the LAS null) and say why in QC.
""")
    st.markdown("\n".join(f"- **{c}**: {RESULT_DESCRIPTIONS[c]}" for c in RESULT_COLUMNS))
    st.markdown("QC reasons (bit values in the LAS `QC` curve):\n\n"
                + "\n".join(f"- `{bit}` **{r}**: {QC_DESCRIPTIONS.get(r, '')}"
                            for r, bit in QC_FLAGS.items()))


def _api() -> None:
    st.markdown("""
### Calling the API
Start it with `python -m sonic_model serve` (port 8000); the interactive reference is at `/docs`,
and docs/API.md has the details.

**SonicPredict-compatible** — `POST /api/get_predictions`. The body is a JSON *string* holding a
pandas `orient='split'` frame (existing clients `json.dumps` it, so it is double-encoded); columns
CNC, GR, HRD and ZDEN are required, CAL and HRM used when present. The answer is split JSON
with `pred_DTC` and `pred_DTS` and your index.
""")
    st.code('''import json, pandas as pd, requests

logs = pd.read_csv("well.csv")[["CNC", "GR", "HRD", "ZDEN"]]
body = json.dumps(logs.to_json(orient="split"))      # a JSON string of split JSON
answer = requests.post("http://127.0.0.1:8000/api/get_predictions", data=body,
                       headers={"Content-Type": "application/json"}, timeout=60)
answer.raise_for_status()
pred = pd.read_json(answer.text, orient="split")    # columns pred_DTC, pred_DTS''',
            language="python")
    st.markdown("""
**v1** — `POST /api/v1/predict` takes curves by canonical name or by mnemonic (NPHI, RHOB, ILD,
…), an optional depth, the ensemble and a mapping; it answers every result column (P10/P90 and
QC included), the units and the mapping it applied. `POST /api/v1/predict/file` takes a LAS, CSV,
DLIS or LIS upload (form field `frame` picks a DLIS frame) and answers JSON, CSV or LAS;
`GET /api/v1/model` returns the model card.
""")
    st.code('''import requests

req = {"curves": {"NPHI": [0.3521, 0.3639], "GR": [55.18, 57.01],
                  "ILD": [0.8121, 0.8038], "RHOB": [2.3256, 2.3255]},
       "depth": [10250.0, 10250.5], "depth_unit": "ft", "ensemble": "full"}
res = requests.post("http://127.0.0.1:8000/api/v1/predict", json=req, timeout=60).json()
res["results"]["DTC_PRED"], res["results"]["QC"]

with open("well.las", "rb") as fh:                   # a whole file, LAS back
    las = requests.post("http://127.0.0.1:8000/api/v1/predict/file",
                        files={"file": fh}, data={"format": "las"}, timeout=120).content''',
            language="python")
    st.markdown("""
Errors a client can cause answer 4xx with a one-line message naming the file, curve or value
(422 for missing curves or bad values, 413 for an oversized request); 503 means the server's
models are not available.
""")


def render() -> None:
    st.title("About SonicPredict")
    try:
        card = ui_cache.get_card()
    except SonicModelError:
        card = None  # the published scores fall back to card.LEADERBOARD
    st.caption(f"Version {__version__}")
    _contest(card)
    _models(ui_cache.bundled_cards())
    _data_and_outputs()
    _api()
