"""The Batch page (/batch): several wells dropped at once, scored, a zip of outputs plus report."""

from views.batch import render
from views.shell import run_page

run_page("Batch", render)
