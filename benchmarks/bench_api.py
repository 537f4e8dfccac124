"""HTTP API latency, throughput and memory, measured against a real uvicorn server.

    .venv/bin/python benchmarks/bench_api.py [--url URL] [--data DIR] [--ensemble full|light]

Without --url it starts `uvicorn sonic_model.serving.api:app` on a free 127.0.0.1 port and reads the
server's RSS from /proc. Input: the contest's Well #2 inputs (test.csv, 11,088 rows), found at
run time like every other door finds the data (never copied). Requests are sent the way
SonicPredict's clients send them: json.dumps(df.to_json(orient='split')).

Prints p50/p95 latency of 1-row and 11,000-row get_predictions requests, rows/s, and 200
requests from 8 concurrent clients (errors, wall time, server RSS growth).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "benchmarks"))

from _common import start_api

from sonic_model.io.contest import load_test  # noqa: E402

COLUMNS = ["CNC", "GR", "HRD", "ZDEN"]


def rss_mb(pid: int | None) -> float | None:
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def post(session: requests.Session, url: str, body: str) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    r = session.post(url, data=body, headers={"content-type": "application/json"}, timeout=300)
    # json.loads, not pd.read_json: the timing is the server's, not pandas' date sniffing.
    rows = len(json.loads(r.text)["data"]) if r.ok else -1
    return time.perf_counter() - t0, r.status_code, rows


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def latency(url: str, body: str, n: int, rows: int, label: str) -> None:
    with requests.Session() as s:
        post(s, url, body)  # warm-up
        times = []
        for _ in range(n):
            dt, status, got = post(s, url, body)
            if status != 200 or got != rows:
                sys.exit(f"{label}: status {status}, {got} rows")
            times.append(dt)
    p50, p95 = pct(times, 50), pct(times, 95)
    print(f"{label:>22}: n={n:<4} p50 {p50 * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms   "
          f"{rows / statistics.mean(times):10,.0f} rows/s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="a running server (default: start one)")
    ap.add_argument("--data", help="contest data directory (default: found as the CLI finds it)")
    ap.add_argument("--ensemble", choices=["full", "light"], default="full")
    ap.add_argument("--n-small", type=int, default=200)
    ap.add_argument("--n-large", type=int, default=30)
    args = ap.parse_args()

    well2 = load_test(args.data)[COLUMNS]
    proc, pid = None, None
    if args.url:
        base = args.url.rstrip("/")
    else:
        proc, base = start_api(name="server", announce=True)
        pid = proc.pid
    url = f"{base}/api/get_predictions?ensemble={args.ensemble}"
    try:
        print(f"ensemble={args.ensemble}  Well #2 rows={len(well2)}  cpus={os.cpu_count()}")
        one = json.dumps(well2.iloc[:1].to_json(orient="split"))
        big = json.dumps(well2.iloc[:11_000].to_json(orient="split"))
        print(f"body sizes: 1 row {len(one)} B, 11,000 rows {len(big) / 1e6:.2f} MB")
        latency(url, one, args.n_small, 1, "get_predictions 1 row")
        latency(url, big, args.n_large, 11_000, "get_predictions 11k")

        # 200 requests from 8 concurrent clients, sizes cycling 1 / 1,000 / 11,000 rows.
        sizes = [1, 1_000, 11_000]
        bodies = {n: json.dumps(well2.iloc[:n].to_json(orient="split")) for n in sizes}
        sessions = [requests.Session() for _ in range(8)]

        def call(i: int) -> tuple[float, int, int, int]:
            n = sizes[i % len(sizes)]
            dt, status, got = post(sessions[i % 8], url, bodies[n])
            return dt, status, got, n

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(call, range(24)))  # warm-up
        before = rss_mb(pid)
        t0 = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(call, range(200)))
        wall = time.perf_counter() - t0
        after = rss_mb(pid)
        errors = sum(1 for _, status, got, n in results if status != 200 or got != n)
        rows = sum(n for *_, n in results)
        times = [dt for dt, *_ in results]
        print(f"{'8 clients x 200 req':>22}: errors {errors}   wall {wall:.1f} s   "
              f"{200 / wall:.1f} req/s   {rows / wall:,.0f} rows/s   "
              f"p50 {pct(times, 50) * 1000:.0f} ms   p95 {pct(times, 95) * 1000:.0f} ms")
        if before is not None and after is not None:
            print(f"{'server RSS':>22}: {before:.0f} MB -> {after:.0f} MB "
                  f"(growth {after - before:+.1f} MB over 200 requests)")
        for s in sessions:
            s.close()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=15)


if __name__ == "__main__":
    main()
