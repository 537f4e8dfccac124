"""Plotly figures as pure functions of frames and cards (no Streamlit): depth tracks,
crossplots, shear and elastic tracks, the memory-versus-RMSE chart.
"""
