"""A synth result as files and text every door hands out the same way: the CSV with its
commented header (options, this well's scores, what to expect from the card), the SEG-Y of the
time-domain traces, and a one-line summary."""

from __future__ import annotations

import json

from sonic_model.io.segy import segy_bytes, table_csv
from sonic_model.model.synth_score import score_lines
from sonic_model.physics.seismic import interval_text


def header_lines(result, well_name: str = "") -> list[str]:
    o = result.options
    title = "SonicPredict synth" + (f" of {well_name}" if well_name else "")
    if o.get("model"):
        title += f" (model: {o['model']})"
    freq = ",".join(f"{f:g}" for f in o["freq"])
    angles = ",".join(f"{a:g}" for a in o["angles"])
    lines = [title,
             f"wavelet {o['wavelet']} {freq} Hz, angles {angles} deg, "
             f"{o['realisations']} realisations "
             f"(seed {o['seed']}), time-depth from "
             f"{'a checkshot' if o['checkshot_points'] else 'the sonic'}"
             f"{', logs only (measured sonic ignored)' if o['ignore_measured'] else ''}",
             "VP, VS, RHOB: measured sonic where valid, else predicted"
             + (f"; after {o['fluid']['fluid']} substitution (Sw {o['fluid']['sw']:g})"
                if o.get("fluid") else ""),
             "SYN_<angle>: synthetic at each sample's two-way time (Zoeppritz reflectivity, "
             "convolved); AVO_A, AVO_B: Shuey intercept and gradient, convolved; _P10/_P90 "
             "from realisations of the predicted logs inside their bands"]
    for note in (checkshot_note(o.get("checkshot")), o.get("depth_note"),
                 o.get("fluid_summary")):
        if note:
            lines.append(note)
    lines += score_lines(result.scores, result.expected, result.options.get("in_sample"))
    if result.scores:
        lines.append("scores: " + json.dumps(result.scores, separators=(",", ":")))
    return lines


def checkshot_note(info: dict | None) -> str | None:
    """What was done with a checkshot's levels outside the logs (None when all lie inside)."""
    if not info or not (info["above"] or info["below"]):
        return None
    where = ", ".join(f"{n} {side}" for n, side in ((info["above"], "above"),
                                                    (info["below"], "below")) if n)
    ends = " and ".join(info["interpolated_at"])
    use = (f"used only to interpolate the checkshot time at the {ends} of the logs"
           if ends else "ignored (a level inside lies at the logs' end)")
    # The same interval, written the same way, as the refusal (S.range_message) names.
    logged = interval_text(info["logs_top_m"], info["logs_base_m"])
    return (f"checkshot: {info['inside']} of its {info['levels']} levels lie within the logs "
            f"({logged}, the depths with a sonic, measured or predicted); the levels outside "
            f"({where}) have no sonic to compare with and were {use}")


def csv_bytes(result, well_name: str = "") -> bytes:
    return table_csv(result.frame, header_lines(result, well_name))


def segy_payload(result, well_name: str = "") -> bytes:
    """One trace per angle and per P10, P50, P90 (angle-major), time-domain, 1 ms."""
    keys = sorted(result.traces, key=lambda k: (k[0], k[1]))
    headers = [{"angle": angle, "percentile": int(kind[1:])} for angle, kind in keys]
    times = result.times_ms
    dt = float(times[1] - times[0]) if len(times) > 1 else 1.0
    text = [f"SonicPredict synthetic seismogram {well_name}".strip(),
            "one trace per angle and per P10/P50/P90 of the realisations",
            "trace header offset (bytes 37-40) = incidence angle, degrees",
            "trace header ShotPoint (bytes 197-200) = 10, 50 or 90 (P10, P50, P90)",
            f"first sample at {times[0]:g} ms two-way time (DelayRecordingTime), dt {dt:g} ms",
            *header_lines(result, well_name)[1:3]]
    return segy_bytes([result.traces[k] for k in keys], dt, float(times[0]), headers, text)


def summary_line(result, source: str, target: str) -> str:
    first = score_lines(result.scores, result.expected, result.options.get("in_sample"))
    for note in (checkshot_note(result.options.get("checkshot")),
                 result.options.get("depth_note")):
        if note:
            first.append(note)
    return f"{source} -> {target}: {len(result.frame)} rows; " + "; ".join(first)
