"""A well whose predicted DTS is above 240 us/ft shows those values on the print scales, in
Chromium: the DTS track's dotted backup curve holds them inside the track, and the track says
which backup scale it is."""

from __future__ import annotations

import io

import lasio
import numpy as np
import pytest
from test_browser import ARTIFACTS, _serve, browser, upload_and_wait  # noqa: F401

from support import force_well

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Per DTS track on the page: its range, and the backup curve's points that fall inside it.
DTS_ON_TRACK = """() => {
  for (const g of document.querySelectorAll('.js-plotly-plot')) {
    const backup = (g._fullData || []).find(t => t.name === 'DTS predicted backup');
    if (!backup) continue;
    const axis = g._fullLayout[backup.xaxis.replace('x', 'xaxis')];
    const [a, b] = axis.range, lo = Math.min(a, b), hi = Math.max(a, b);
    const inside = Array.from(backup.x).filter(v => Number.isFinite(v) && v >= lo && v <= hi);
    const notes = (g._fullLayout.annotations || []).map(n => n.text);
    const drawn = g.querySelectorAll('.scatterlayer .trace').length;
    return {range: axis.range, inside: inside.length, notes: notes, drawn: drawn};
  }
  return null; }"""


@pytest.fixture(scope="module")
def app_url(model_dir, tmp_path_factory):
    yield from _serve(tmp_path_factory.mktemp("streamlit") / "server.log")


def dts_above_240_las(tmp_path) -> str:
    """3,000 samples of FORCE 31_2-9 whose predicted DTS is mostly above 240 us/ft: the
    model's inputs only (a measured DTC would route DTS through it)."""
    from sonic_model import io as wells

    well = wells.read_well(force_well("31_2-9"))
    keep = slice(4000, 7000)
    las = lasio.LASFile()
    las.append_curve("DEPT", np.asarray(well.depth)[keep], unit=well.depth_unit.upper())
    for name in ("CNC", "GR", "HRD", "ZDEN", "CAL", "HRM"):
        if name in well.curves:
            las.append_curve(name, well.curves[name].to_numpy(dtype=float)[keep])
    buf = io.StringIO()
    las.write(buf, version=2.0)
    path = tmp_path / "31_2-9_part.las"
    path.write_text(buf.getvalue())
    return path


def test_dts_above_240_shows_on_the_print_scales(app_url, browser, tmp_path):  # noqa: F811
    path = dts_above_240_las(tmp_path)
    page = browser.new_page(viewport={"width": 1600, "height": 1400})
    upload_and_wait(page, app_url, path)
    page.wait_for_function(f"() => ({DTS_ON_TRACK})() !== null", timeout=60_000)
    found = page.evaluate(DTS_ON_TRACK)
    assert sorted(found["range"]) == [40, 240]          # the print scale, not a fitted one
    assert found["inside"] > 1000, found                 # thousands of values on the track
    assert "backup 440–240" in found["notes"]
    page.locator("text=backup 440–240").first.wait_for(timeout=10_000)   # drawn, visible
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "backup_scales.png"), full_page=True)
    page.close()
