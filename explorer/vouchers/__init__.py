"""Voucher simulation (DESIGN §6): schemes, presets, a vectorised Monte Carlo engine and its metrics.

No Streamlit here: pages call these through explorer.ui.vouchers_view.
"""
