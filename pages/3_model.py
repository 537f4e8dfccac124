"""The Model page (/model): ensembles, memory against RMSE, validation per fold."""

from views.model import render
from views.shell import run_page

run_page("Model", render)
