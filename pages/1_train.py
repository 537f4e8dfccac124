"""The Train page (/train): your own offset wells in, a named model out."""

from views.shell import run_page
from views.train import render

run_page("Train", render)
