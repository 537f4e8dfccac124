"""The About page (/about): the contest, the data licence, calling the API."""

from views.about import render
from views.shell import run_page

run_page("About", render)
