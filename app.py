"""SonicPredict dashboard: `streamlit run app.py`. This file is the entry page, Predict.

Layout (Streamlit's classic multipage app): app.py is the entry page and pages/ holds one
small file per other page (e.g. pages/3_model.py -> /model). Every page file calls
views.shell.run_page with its body's ``render``, which draws the page and then the shared
sidebar (navigation, the contest, the model choice), so any page URL opened first, in a fresh
session on a fresh server, has its sidebar and content. Page bodies live in views/ (widgets
and layout only; data from sonic_model through ui_cache).
"""

from views.predict import render
from views.shell import run_page

run_page("Predict", render)
