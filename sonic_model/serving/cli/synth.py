"""``synth``: a synthetic seismogram, angle gather and AVO attributes from a well's logs
(predicted where there is no sonic), with P10/P90, scored against the measured sonic when the
well has some. One CSV row per input row; optionally SEG-Y traces. Written atomically.

The options are declared here (add_arguments) and turned into model.synth's SynthOptions by
options_from_args; the work is model.synth.synth_well, the same function the API and the page
call.
"""

from __future__ import annotations

from pathlib import Path

from sonic_model.serving.cli.common import UsageError, note


def add_arguments(p) -> None:
    p.add_argument("input", metavar="WELL", help="a LAS, CSV, DLIS or LIS well")
    p.add_argument("-o", "--output", required=True, metavar="OUT.csv",
                   help="the synthetic, logs and AVO attributes, one row per input row")
    p.add_argument("--model", metavar="NAME",
                   help="the model predicting the missing sonic (as for predict; default auto)")
    p.add_argument("--map", action="append", metavar="CANON=MNEMONIC",
                   help="use this file curve for a canonical curve, e.g. --map ZDEN=RHOB")
    p.add_argument("--wavelet", choices=("ricker", "ormsby"), default="ricker")
    p.add_argument("--freq", default=None, metavar="HZ",
                   help="Ricker peak frequency (default 30) or Ormsby corners f1,f2,f3,f4 "
                        "(default 5,10,40,60)")
    p.add_argument("--angles", default="0,10,20,30", metavar="DEG,...",
                   help="incidence angles in degrees (default 0,10,20,30)")
    p.add_argument("--ignore-measured", action="store_true",
                   help="use the predicted sonic everywhere, even where the well has a valid one")
    p.add_argument("--realisations", type=int, default=100, metavar="N",
                   help="realisations of the predicted logs for P10/P90 (default 100; 0: none)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the realisations")
    p.add_argument("--checkshot", metavar="FILE",
                   help="time-depth from a checkshot: two columns, depth (m) and two-way time "
                        "(ms), or the units a header line names (e.g. 'MD (ft), OWT (s)'); "
                        "default: from the sonic")
    p.add_argument("--segy", metavar="OUT.sgy",
                   help="also write the time-domain traces (per angle: P10, P50, P90) as SEG-Y")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    _add_fluid_arguments(p)


def _add_fluid_arguments(p) -> None:
    g = p.add_argument_group("fluid substitution (Gassmann, Batzle-Wang; docs/seismic.md)")
    g.add_argument("--fluid", choices=("brine", "oil", "gas"),
                   help="replace the (assumed brine) pore fluid of porous sands by this one")
    g.add_argument("--sw", type=float, help="water saturation after substitution "
                                            "(default 1 for brine, 0.2 for oil or gas)")
    for flag, help_text in (
            ("--k-mineral", "mineral bulk modulus, GPa (default quartz, 36.6)"),
            ("--rho-mineral", "grain density, g/cm3 (default 2.65); porosity from density"),
            ("--k-fluid", "hydrocarbon bulk modulus, GPa (default Batzle-Wang)"),
            ("--rho-fluid", "hydrocarbon density, g/cm3 (default Batzle-Wang)"),
            ("--salinity", "brine salinity, ppm NaCl (default 35000)"),
            ("--oil-api", "oil gravity, API (default 35)"),
            ("--gas-gravity", "gas gravity relative to air (default 0.6)"),
            ("--temperature", "reservoir temperature, C (default 15 C + 30 C/km)"),
            ("--pressure", "pore pressure, MPa (default hydrostatic)")):
        g.add_argument(flag, type=float, metavar="X", help=help_text)


FLUID_FIELDS = {"k_mineral": "k_mineral", "rho_mineral": "rho_mineral", "k_fluid": "k_fluid",
                "rho_fluid": "rho_fluid", "salinity": "salinity_ppm", "oil_api": "oil_api",
                "gas_gravity": "gas_gravity", "temperature": "temperature_c",
                "pressure": "pressure_mpa"}


def fluid_from_args(args):
    from sonic_model.physics.fluids import FluidSettings

    given = {field: getattr(args, arg) for arg, field in FLUID_FIELDS.items()
             if getattr(args, arg, None) is not None}
    if args.fluid is None:
        if given or args.sw is not None:
            flag = "--sw" if args.sw is not None else "--" + next(
                a for a, f in FLUID_FIELDS.items() if f in given).replace("_", "-")
            raise UsageError(f"{flag} is a fluid-substitution setting: add --fluid brine, oil "
                             "or gas")
        return None
    return FluidSettings(fluid=args.fluid, sw=args.sw, **given)


def options_from_args(args):
    from sonic_model.model.synth_options import SynthOptions, parse_number_list, read_checkshot

    freq = args.freq or ("5,10,40,60" if args.wavelet == "ormsby" else "30")
    checkshot = None
    if args.checkshot:
        path = Path(args.checkshot)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"--checkshot {path}: cannot read it "
                             f"({exc.strerror or exc})") from None
        checkshot = read_checkshot(data, f"--checkshot {path}")
    return SynthOptions(wavelet=args.wavelet, freq=parse_number_list(freq, "--freq"),
                        angles=parse_number_list(args.angles, "--angles"),
                        realisations=args.realisations, seed=args.seed,
                        ignore_measured=args.ignore_measured, checkshot=checkshot,
                        checkshot_source=f"--checkshot {args.checkshot}",
                        fluid=fluid_from_args(args))


def write_bytes(target: Path, payload: bytes, option: str) -> None:
    """Write atomically: a failing run leaves the previous file whole."""
    from sonic_model.serving.atomic import atomic_write
    from sonic_model.serving.cli.predict import OutputWriteError

    try:
        atomic_write(target, payload)
    except OSError as exc:
        raise OutputWriteError(f"{option} {target}: cannot write ({exc.strerror or exc}); the "
                               "previous file, if any, is unchanged") from None


def cmd_synth(args) -> int:
    from sonic_model.model.synth_options import check_options, default_model
    from sonic_model.serving.cli.predict import check_inputs, parse_maps

    out = Path(args.output)
    if out.suffix.lower() != ".csv":
        raise UsageError(f"-o {out}: synth writes CSV; name the output .csv")
    if args.segy and Path(args.segy).suffix.lower() not in (".sgy", ".segy"):
        raise UsageError(f"--segy {args.segy}: name the SEG-Y output .sgy or .segy")
    mapping = parse_maps(args.map or [])
    opts = check_options(options_from_args(args))      # bad options fail before the model loads
    src = Path(args.input)
    check_inputs([src])

    from sonic_model import io as wells
    from sonic_model.model import store
    from sonic_model.model.synth import synth_well
    from sonic_model.model.synth_export import csv_bytes, segy_payload, summary_line

    ens = store.load(args.model or default_model())
    well = wells.read_well(src, mapping=mapping)
    result = synth_well(well, ens, opts)
    write_bytes(out, csv_bytes(result, well.name), "-o")
    if args.segy:
        write_bytes(Path(args.segy), segy_payload(result, well.name), "--segy")
    if not args.quiet:
        note(summary_line(result, str(src), str(out)))
    return 0
