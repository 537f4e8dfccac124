"""The command-line verbs for models trained on your own wells: `train --wells`, `models`.

cli/main.py only registers their options. Output: the report on stdout, progress and log lines
on stderr. With $SONIC_STORE_READ_ONLY set, neither trains nor deletes (cli/common.py).
"""

from __future__ import annotations

import sys

from sonic_model.core.errors import InputValueError as UsageError
from sonic_model.serving.cli.common import check_store_writable


def train_wells(args) -> int:
    """Train a named model on the user's wells (owntrain) and print its LOWO report."""
    if not args.name:
        raise UsageError("--wells needs --name NAME: the name the model is saved under")
    check_store_writable(f"train model {args.name!r}")
    if args.data or args.out or args.cv_cache or getattr(args, "only", None):
        raise UsageError("--data, --out, --only and --cv-cache rebuild the bundled models; leave "
                         "them out with --wells")
    from sonic_model.model import store
    from sonic_model.training import own_wells

    store.validate_name(args.name)
    from sonic_model.io import parse_mapping

    try:
        mapping = parse_mapping(args.map or [])
    except UsageError as exc:
        raise UsageError(f"--map: {exc}") from None
    bar = _Progress(sys.stderr)
    card = own_wells.train_own(args.wells, args.name, mapping=mapping, overwrite=args.overwrite,
                              log=bar.log, progress=bar.update)
    bar.close()
    print(format_lowo(card))
    return 0


class _Progress:
    """A one-line bar on a terminal; plain lines when stderr is a file or a pipe."""

    def __init__(self, stream, width: int = 30):
        self.stream, self.width = stream, width
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.drawn = False

    def update(self, done: int, total: int, message: str = "") -> None:
        if not self.tty:
            print(f"[{done}/{total}] {message}", file=self.stream, flush=True)
            return
        filled = int(self.width * done / max(total, 1))
        line = f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} {message}"
        print(f"{line[:110]:110s}", end="", file=self.stream, flush=True)
        self.drawn = True

    def log(self, message: str) -> None:
        if self.drawn:
            print(file=self.stream)
            self.drawn = False
        print(message, file=self.stream, flush=True)

    def close(self) -> None:
        if self.drawn:
            print(file=self.stream, flush=True)
            self.drawn = False


def format_lowo(card: dict) -> str:
    """The leave-one-well-out report: the new model beside the bundled one, per well."""
    from sonic_model.training.own_wells import lowo_table

    def f(v, spec=".2f"):
        return f"{v:{spec}}" if isinstance(v, (int, float)) else "-"

    lines = [f"model {card.get('own', {}).get('name', '?')}: leave-one-well-out validation "
             "(us/ft; bundled = the shipped model on the same wells)",
             f"{'well':24s} {'curve':5s} {'rows':>7s} {'RMSE':>7s} {'bias':>7s} {'P10-P90':>8s}"
             f" | {'bundled RMSE':>12s} {'bias':>7s} {'P10-P90':>8s} | {'XGB RMSE':>8s}"]
    for r in lowo_table(card):
        lines.append(f"{str(r['well'])[:24]:24s} {r['target']:5s} {f(r['rows'], 'd'):>7s} "
                     f"{f(r['rmse']):>7s} {f(r['bias']):>7s} {f(r['coverage'], '.0%'):>8s} | "
                     f"{f(r['bundled_rmse']):>12s} {f(r['bundled_bias']):>7s} "
                     f"{f(r['bundled_coverage'], '.0%'):>8s} | {f(r.get('baseline_rmse')):>8s}")
    loses = (card.get("baseline") or {}).get("ensemble_loses_on")
    if card.get("baseline"):
        lines.append("XGB = a plain XGBoost on the 7 curves + three rolling means, same folds; "
                     "this model loses to it on " + (", ".join(loses) if loses else "no well"))
    return "\n".join(lines)


# What `models` lists before the store: the names --model takes for the bundled models.
BUNDLED = (
    ("auto", "the default: per well, contest or north-sea, whichever the well is closest to"),
    ("contest", "trained on Well #1 of the SPWLA PDDA 2020 contest (old names: full, light)"),
    ("north-sea", "trained on Well #1's three wells and nine FORCE 2020 North Sea wells"),
)


def cmd_models(args) -> int:
    """List the stored models (or ``--json``), or ``--delete NAME``."""
    import json

    from sonic_model.model import store

    if args.delete:
        check_store_writable(f"delete model {args.delete!r}")
        try:
            store.delete_model(args.delete)
        except store.UnknownModelError:
            names = store.model_names()
            have = f"the store has {', '.join(names)}" if names else "the store is empty"
            raise UsageError(f"no model named {args.delete!r} to delete ({have}); "
                             "`python -m sonic_model models` lists them") from None
        print(f"deleted model {args.delete!r}", file=sys.stderr)
        return 0
    from sonic_model.model.choice import ALIASES

    rows = store.list_models()
    if args.json:
        # "models" stays the store's list (scripts read it); the bundled ones are beside it.
        print(json.dumps({"store": str(store.store_root()), "models": rows,
                          "bundled": [{"name": n, "description": d} for n, d in BUNDLED],
                          "aliases": dict(ALIASES)}, indent=1))
        return 0
    print("bundled models (python -m sonic_model info describes them):")
    for name, descr in BUNDLED:
        print(f"  {name:20s} {descr}")
    print(f"models in {store.store_root()}:")
    if not rows:
        print("  none yet: python -m sonic_model train --wells DIR --name NAME")
    for r in rows:
        if "error" in r:
            print(f"  {r['name']:20s} unreadable: {r['error']}")
            continue
        lowo = "  ".join(f"{t} {r['lowo'][t]['rmse']:.2f}" for t in ("DTC", "DTS")
                         if r["lowo"][t].get("rmse") is not None)
        print(f"  {r['name']:20s} {len(r['wells']):3d} wells  {r['created'] or '?':20s} "
              f"{r['size_bytes'] / 1e6:6.2f} MB  LOWO RMSE {lowo or '-'}")
    return 0
