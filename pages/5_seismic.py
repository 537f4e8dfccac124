"""The Seismic page (/seismic): synthetic, angle gather, AVO and fluid substitution."""

from views.seismic import TITLE, render
from views.shell import run_page

run_page(TITLE, render)
