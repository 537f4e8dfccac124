"""QC vocabulary: why a predicted sample is suspect, as text (CSV/API/app) and as bit flags (LAS).

The QC column holds "OK" or reasons joined by "; ", each reason starting with one of the
keys of QC_FLAGS (e.g. "missing input: CNC, ZDEN"). LAS data sections are numeric, so the
LAS writer stores ``qc_bits(result["QC"])`` and documents QC_FLAGS in the header.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

QC_OK = "OK"
QC_SEPARATOR = "; "

# reason prefix -> bit. Order is the order reasons appear in the QC text.
QC_FLAGS: dict[str, int] = {
    "missing input": 1,             # a required curve is null here: no prediction (NaN)
    "outside training range": 2,    # an input is beyond what Well #1 ever showed
    "unfamiliar log combination": 4,  # inputs far from every training sample jointly
    "washout": 8,                   # caliper well above bit size: density/neutron unreliable
    "model chosen by hand": 16,     # the other bundled model knows this well better (choice.py)
    # a measured DTC no other log supports: not used for the shear here (physics/measured.py)
    "measured DTC inconsistent": 32,
}

QC_DESCRIPTIONS: dict[str, str] = {
    "missing input": "A required input curve (CNC, GR, HRD, ZDEN) is null; no prediction.",
    "outside training range": "An input value lies outside the range seen in training (Well #1); "
                              "the models extrapolate and the band is widened.",
    "unfamiliar log combination": "The combination of inputs is far from any training sample; "
                                  "expect errors well above the validation RMSE.",
    "washout": "Caliper reads well above the bit size (the file's bit-size curve where it has "
               "one, else the caliper's low percentile over 400 ft): density and neutron may "
               "read the mud.",
    "model chosen by hand": "The bundled model was chosen by hand and the other bundled model "
                            "knows this well clearly better; the band was calibrated on "
                            "another field's wells and can be confidently wrong here.",
    "measured DTC inconsistent": "The measured DTC lies further outside the band the other "
                                 "logs predict than that band is wide; the shear here comes "
                                 "from the logs alone and the measured reading is not used.",
}


def join_reasons(reasons: list[str]) -> str:
    return QC_SEPARATOR.join(reasons) if reasons else QC_OK


def qc_bits(qc: pd.Series | list[str]) -> np.ndarray:
    """Integer bit mask per sample from QC texts (0 = OK)."""
    texts = pd.Series(qc, dtype="object").fillna(QC_OK).astype(str)
    bits = np.zeros(len(texts), dtype=np.int64)
    for reason, bit in QC_FLAGS.items():
        bits |= np.where(texts.str.contains(reason, regex=False).to_numpy(), bit, 0)
    return bits


def count_reasons(qc: pd.Series | list[str]) -> dict[str, int]:
    """Samples per QC reason, from ``qc_bits``: {"OK": n_clean, reason: n, ...}.

    Reasons with no sample are left out; a sample with two reasons counts under both, so the
    counts may add up to more than the number of samples.
    """
    bits = qc_bits(qc)
    out = {QC_OK: int((bits == 0).sum())}
    for reason, bit in QC_FLAGS.items():
        k = int(((bits & bit) != 0).sum())
        if k:
            out[reason] = k
    return out
