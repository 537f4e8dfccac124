"""Batch: drop several wells at once, score them all, download a zip of outputs plus the report.

Widgets and layout only: sonic_model.serving.batch.score_files reads, predicts, writes and
reports (the same score_one the CLI's `batch` runs per well). Wells are scored in this server
process, one after another; a field of hundreds of wells belongs to `python -m sonic_model batch`.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from sonic_model.core.errors import SonicModelError
from sonic_model.serving import batch

import ui_cache

UPLOAD_TYPES = ["las", "csv", "txt", "dlis", "lis"]
RESULT_KEY = "batch_result"
SHOWN_COLUMNS = {
    "file": st.column_config.TextColumn("file"),
    "status": st.column_config.TextColumn("status"),
    "rows": st.column_config.NumberColumn("rows", format="%d"),
    "qc_flagged_share": st.column_config.NumberColumn("QC-flagged", format="percent",
                                                      help="Share of samples with a QC flag"),
    "rmse_dtc": st.column_config.NumberColumn("DTC RMSE", format="%.2f",
                                              help="Against the well's measured DTC, us/ft"),
    "rmse_dts": st.column_config.NumberColumn("DTS RMSE", format="%.2f",
                                              help="Against the well's measured DTS, us/ft"),
    "seconds": st.column_config.NumberColumn("s", format="%.2f"),
    "model": st.column_config.TextColumn("model", help="The model that predicted the well "
                                         "(auto's pick for it) and its model_version"),
    "model_reason": st.column_config.TextColumn("why this model", help="Why auto picked it, "
                                                "or why a model chosen by hand is questioned"),
    "output": st.column_config.TextColumn("output file"),
    "message": st.column_config.TextColumn("message", width="large"),
}


# The table's cells are text (report_frame); labels, help and widths from SHOWN_COLUMNS.
TABLE_COLUMNS = {
    col: st.column_config.TextColumn(
        cfg.get("label") or col, help=cfg.get("help"),
        width="large" if col in ("message", "output", "model_reason") else None)
    for col, cfg in SHOWN_COLUMNS.items()}


def _key(files, fmt: str, model: str) -> str:
    h = hashlib.blake2b(digest_size=8)
    for f in files:
        h.update(f.name.encode() + b"\0" + hashlib.blake2b(f.getvalue(), digest_size=8).digest())
    h.update(f"{fmt}|{model}".encode())
    return h.hexdigest()


NUMBER_FORMATS = {"rows": "{:,.0f}", "qc_flagged_share": "{:.0%}", "rmse_dtc": "{:.2f}",
                  "rmse_dts": "{:.2f}", "seconds": "{:.2f}"}
# An empty cell: a number that does not apply (no measured DTS, no output for a refused file).
BLANK = "—"


def report_frame(rows: list[dict]) -> pd.DataFrame:
    """The report as the table shows it: every cell text, a dash where a value does not apply
    (Streamlit would print "None")."""
    frame = pd.DataFrame(rows, columns=list(batch.REPORT_COLUMNS))
    out = pd.DataFrame(index=frame.index)
    for col in SHOWN_COLUMNS:
        if col in NUMBER_FORMATS:
            values = pd.to_numeric(frame[col], errors="coerce")
            out[col] = [BLANK if pd.isna(v) else NUMBER_FORMATS[col].format(v) for v in values]
        else:
            out[col] = [BLANK if v is None or (isinstance(v, float) and pd.isna(v)) or v == ""
                        else str(v) for v in frame[col]]
    return out


def refusals(rows: list[dict]) -> str:
    """Each refused file with its whole message (the table's column cuts long ones)."""
    return "\n".join(f"- **{r['file']}**: {r.get('message') or 'refused'}"
                     for r in rows if r.get("status") == "error")


def render() -> None:
    st.title("Batch")
    st.markdown("Drop several wells at once. Each is read, mapped and scored like a single "
                "well on the Predict page; a file that cannot be read is listed with the "
                "reason and the others go on. Download one zip with an output per well and "
                "`batch_report.csv`.")
    files = st.file_uploader("Well files (LAS, CSV, TXT, DLIS or LIS)", type=UPLOAD_TYPES,
                             accept_multiple_files=True, key="batch_uploads")
    fmt = st.radio("Output format", ("csv", "las"), horizontal=True, key="batch_format",
                   format_func=str.upper)
    ens = ui_cache.current_ensemble()
    st.caption(f"Model: **{ens}** (change it in the sidebar). For hundreds of "
               "wells use the command line: `python -m sonic_model batch FOLDER -o OUT` "
               "(all cores, resumable, Dask clusters).")
    key = _key(files or [], fmt, ens)
    if st.button(f"Score {len(files or [])} well file(s)", type="primary",
                 disabled=not files, icon=":material/play_arrow:"):
        bar = st.progress(0.0, text="Starting…")

        def progress(row: dict, done: int, total: int) -> None:
            bar.progress(done / total, text=f"{done}/{total}: {row['file']} ({row['status']})")

        try:
            choice = batch.resolve_model(model=ens)   # bundled or stored, through the store
            rows, archive = batch.score_files([(f.name, f.getvalue()) for f in files], fmt,
                                              choice, progress=progress)
        except SonicModelError as exc:
            bar.empty()
            st.error(str(exc))
            return
        bar.empty()
        st.session_state[RESULT_KEY] = {"key": key, "rows": rows, "zip": archive}

    result = st.session_state.get(RESULT_KEY)
    if not result:
        return
    if result["key"] != key:
        st.info("The files, format or model changed since the last scoring: press the button "
                "to score them again. The table and the download below are for the last run.")
    rows = result["rows"]
    ok = sum(r["status"] == "ok" for r in rows)
    bad = [r for r in rows if r["status"] == "error"]
    c1, c2 = st.columns(2)
    c1.metric("Scored", f"{ok} of {len(rows)}")
    c2.metric("Refused", len(bad))
    if bad:
        st.warning(f"{len(bad)} file(s) could not be scored:\n\n{refusals(rows)}")
    st.dataframe(report_frame(rows), hide_index=True, width="stretch",
                 column_config=TABLE_COLUMNS, key="batch_report_table")
    st.download_button("Download outputs and report (zip)", result["zip"],
                       file_name="sonicpredict_batch.zip", mime="application/zip",
                       icon=":material/download:", type="primary", disabled=not rows)

