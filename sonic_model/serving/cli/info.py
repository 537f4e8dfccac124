"""``info``: the model card, as a table of every model (or, ``--json``, the whole card)."""

from __future__ import annotations

import json


def _cell(value, width: int = 6) -> str:
    return f"{value:{width}.2f}" if isinstance(value, (int, float)) else f"{'-':>{width}s}"


def _tradeoff(card: dict) -> None:
    from sonic_model.model.card import tradeoff_rows

    scheme = "blocked-CV" if "blocked" in (card.get("validation") or {}) else "leave-one-well-out"
    print(f"{'name':38s} {'size KB':>8s} {'RSS MB':>7s} {'DTC':>6s} {'DTS':>6s} "
          f"{'contest':>8s} {'LOWO':>6s}   ({scheme} RMSE, us/ft)")
    for row in tradeoff_rows(card):
        print(f"{row['name'][:38]:38s} {row['size_kb']:8.1f} {_cell(row['peak_rss_mb'], 7)} "
              f"{_cell(row['rmse_dtc'])} {_cell(row['rmse_dts'])} "
              f"{_cell(row['rmse_contest'], 8)} {_cell(row['rmse_contest_lowo'])}")


def _conditioned(card: dict) -> None:
    cond = card.get("conditioned")
    if not cond:
        return
    print("DTS with a valid measured DTC, held-out RMSE (us/ft) on the same rows: "
          "conditioned / logs-only / mudrock / Greenberg-Castagna")
    for scheme, v in cond["validation"].items():
        p = v["pooled"]
        print(f"  {scheme:8s} {p['conditioned']['rmse']:7.2f} {p['logs_only']['rmse']:7.2f} "
              f"{p['mudrock']['rmse']:7.2f} {p['greenberg_castagna']['rmse']:7.2f}"
              f"   ({p['conditioned']['rows']:,} rows)")
        if "fused" in p:
            print(f"           fused {p['fused']['rmse']:.2f}, logs-only ensemble "
                  f"{p['logs_only_ensemble']['rmse']:.2f}; per fold (conditioned / logs-only "
                  "ensemble / fused): " + ", ".join(
                      f"{f['fold']} {f['conditioned']['rmse']:.1f}/"
                      f"{f['logs_only_ensemble']['rmse']:.1f}/{f['fused']['rmse']:.1f}"
                      for f in v["per_fold"]))
    from sonic_model.model.conditioned import fusion_summary

    if fusion_summary(card):
        print("  " + fusion_summary(card))


def _nested(card: dict) -> None:
    from sonic_model.model.card import nested_rows, nested_summary

    rows = nested_rows(card)
    if not rows:
        return
    print("Full ensemble's band per held-out fold, calibrated without that fold (out of "
          "sample): P10-P90 coverage (in sample: the shipped band on the same rows) / share "
          "beyond 3 sigma / share beyond 3 sigma with no QC flag")
    for r in rows:
        cells = []
        for t in ("DTC", "DTS"):
            if r[f"{t} coverage"] is None:
                cells.append(f"{t}  -")
                continue
            cells.append(" ".join([t, _pct(r[f"{t} coverage"]),
                                   f"({_pct(r[f'{t} coverage, in sample'])})",
                                   _pct(r[f"{t} beyond 3 sigma"]),
                                   _pct(r[f"{t} silently beyond 3 sigma"])]))
        print(f"  {r['scheme']:8s} {r['held out'][:14]:14s} " + "   ".join(cells))
    print("  " + (nested_summary(card) or ""))


def _fit_for_purpose(card: dict) -> None:
    """The card's synthetic and AVO figures over held-out wells (synth_score.card_rows)."""
    from sonic_model.model.synth_score import card_rows, expectation_line, expectations

    rows = card_rows(card)
    if not rows:
        return
    print("Fit for purpose, held-out wells: normal-incidence synthetic from predicted vs "
          "measured sonic (correlation in depth / in time, shift at the base, share inside "
          "P10-P90), AVO gradient correlation from the logs alone / with the measured DTC")
    for r in rows:
        print(f"  {r['well'][:26]:26s} {_cell(r['corr_depth'], 5)} {_cell(r['corr_time'], 5)} "
              f"{_cell(r['base_shift_ms'], 7)} ms {_pct(r['coverage'])} "
              f"{_cell(r['avo_gradient_corr'], 5)} {_cell(r['avo_gradient_corr_with_dtc'], 5)}")
    line = expectation_line(expectations(card))
    print("  " + line[0].upper() + line[1:])


def _blend(card: dict) -> None:
    from sonic_model.model.card import blend_rows, blend_summary

    rows = blend_rows(card)
    if not rows:
        return
    print("auto on contest's field, per held-out well: weight, contest score alone -> blended, "
          "DTC and DTS RMSE alone -> blended (us/ft)")
    for r in rows:
        print(f"  {r['held-out well'][:26]:26s} {_cell(r['weight (contest)'], 5)} "
              f"{_cell(r['contest score, alone'])} -> {_cell(r['contest score, blended'])}   "
              f"{_cell(r['DTC RMSE, alone'])} -> {_cell(r['DTC RMSE, blended'])}   "
              f"{_cell(r['DTS RMSE, alone'])} -> {_cell(r['DTS RMSE, blended'])}")
    print("  " + (blend_summary(card) or ""))


def _pct(value) -> str:
    return f"{value:5.1%}" if isinstance(value, (int, float)) else "    -"


def _per_interval(card: dict) -> None:
    from sonic_model.training.breakdown import format_breakdown

    for scheme, table in card["ensembles"].get("full", {}).get("per_interval", {}).items():
        print()
        print(format_breakdown("full ensemble, held out", scheme, table))


def _header(name: str, card: dict) -> None:
    data = card.get("data") or {}
    print(f"SonicPredict bundled model {name} {card.get('model_version')} — "
          f"{data.get('source', '?')}")
    print(f"Licence: {data.get('licence', '?')}")
    if data.get("held_out"):
        print(f"Held out of training: {data['held_out']['well']} "
              f"({data['held_out']['why']})")
    if card.get("training_seconds") is not None:
        print(f"Trained in {card['training_seconds']:.0f} s")


def cmd_info(args) -> int:
    """Both bundled models' cards as tables (``--model NAME``: one); ``--json``: the whole card
    of one (contest unless ``--model`` names another)."""
    from sonic_model.model.card import load_card
    from sonic_model.model.choice import BUNDLED, bundled_dir, canonical

    wanted = getattr(args, "model", None)
    names = [canonical(wanted)] if wanted else list(BUNDLED)
    for name in names:
        if name not in BUNDLED:
            from sonic_model.core.errors import InputValueError

            raise InputValueError(f"--model {wanted}: info describes the bundled models "
                                  f"{', '.join(BUNDLED)}; for a stored model use "
                                  "`python -m sonic_model models --json`")
    if args.json:
        print(json.dumps(load_card(bundled_dir(names[0])), indent=1))
        return 0
    for i, name in enumerate(names):
        card = load_card(bundled_dir(name))
        if i:
            print()
        _header(name, card)
        _tradeoff(card)
        _conditioned(card)
        _nested(card)
        _fit_for_purpose(card)
        _blend(card)
        _per_interval(card)
    return 0
