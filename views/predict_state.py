"""How Predict reads its well (the curve-mapping overrides, the DLIS/LIS frame and resampling),
kept in the session so other pages read the same well the same way, and put back into Predict's
boxes when the user returns.

Streamlit forgets a widget's value once a run does not draw it (a visit to another page), so
the choices are copied into a plain session key on every Predict run; they belong to one file
(its digest), and a page showing another file reads it as recognised automatically.
"""

from __future__ import annotations

import hashlib

import streamlit as st

KEY = "predict_read"
NOT_USED = "— not used —"      # views.predict.NONE: the box value of a curve left out
AUTOMATIC = {"mapping": None, "frame": None, "resample": False}


def digest(data: bytes) -> str:
    """A file's key (as views.predict keys its widgets)."""
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def remember(data: bytes, mapping, frame: str | None, resample: bool) -> None:
    """Predict's choices for this file: mapping None = as recognised; frame None = the
    reader's default."""
    st.session_state[KEY] = {"digest": digest(data), "mapping": mapping, "frame": frame,
                             "resample": bool(resample)}


def chosen(data: bytes) -> dict:
    """{"mapping", "frame", "resample"} Predict uses for this file (automatic if Predict has
    not shown it)."""
    kept = st.session_state.get(KEY) or {}
    if kept.get("digest") != digest(data):
        return dict(AUTOMATIC)
    return {k: kept[k] for k in AUTOMATIC}


def restore_frame(data: bytes) -> None:
    """Before Predict draws its frame picker: the frame and resampling chosen earlier."""
    kept = chosen(data)
    d = digest(data)
    if kept["frame"] is not None:
        st.session_state.setdefault(f"frame_{d}", kept["frame"])
    if kept["resample"]:
        st.session_state.setdefault(f"resample_{d}", True)


def restore_mapping(data: bytes, box_digest: str) -> None:
    """Before Predict draws its mapping boxes (keyed map_<box_digest>_<curve>): the curves
    chosen earlier."""
    kept = chosen(data)
    d = digest(data)
    boxes = f"{d}_{kept['frame']}_{int(kept['resample'])}" \
        if kept["frame"] is not None or kept["resample"] else d
    if boxes != box_digest:     # another frame is another table: its own, fresh boxes
        return
    for canon, mnemonic in kept["mapping"] or ():
        st.session_state.setdefault(f"map_{box_digest}_{canon}", mnemonic or NOT_USED)


def describe(well, auto, read: dict) -> str:
    """One line: the curves `well` is read with, those the user changed on Predict (against
    `auto`, the same file recognised automatically) marked, and the frame."""
    used = {canon: info.get("mnemonic") for canon, info in well.report.used.items()}
    auto_used = {canon: info.get("mnemonic") for canon, info in auto.report.used.items()}
    parts = [f"{canon} = {mnemonic}" + (" (set on Predict)" if auto_used.get(canon) != mnemonic
                                        else "")
             for canon, mnemonic in used.items()]
    parts += [f"{canon} not used (set on Predict)" for canon in auto_used if canon not in used]
    text = "curves " + (", ".join(parts) or "none recognised")
    if read.get("frame"):
        text += f"; frame {read['frame']}"
    if read.get("resample"):
        text += ", other frames resampled onto it"
    return text


MODEL_KEY = "predict_model"


def remember_model(data: bytes, name: str, choice: str, attrs: dict) -> None:
    """The model that predicted this file on Predict (``attrs``: the result's; with "auto" its
    pick, the reason and any DTC blend), for the Model page to show that model's card."""
    st.session_state[MODEL_KEY] = {
        "digest": digest(data), "well": name, "choice": choice,
        "model": attrs.get("model") or choice, "reason": attrs.get("model_reason"),
        "blend": attrs.get("dtc_blend")}


def predicted_model(choice: str) -> dict | None:
    """{"well", "model", "reason", "blend"} of the well on Predict when it was predicted with
    the sidebar's current ``choice``; None when no well is loaded, it has not been predicted
    yet, or the choice changed since (the model that predicted it is then not the one chosen)."""
    kept = st.session_state.get(MODEL_KEY)
    source = st.session_state.get("uploaded") or st.session_state.get("demo")
    if not kept or not source or kept["choice"] != choice:
        return None
    return kept if digest(source["data"]) == kept["digest"] else None
