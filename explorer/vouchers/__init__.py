"""Voucher simulation (DESIGN §6): schemes, presets, a vectorised Monte Carlo engine and its metrics.

No Streamlit here: the page reaches these through the views in explorer.ui.vouchers.

  scheme      the Scheme dataclasses, field ranges, cross-field validation, SchemeError(field, code)
  codec       Scheme ⇄ JSON and ⇄ a compact URL token; untrusted input is parsed, never evaluated
  presets     New-Year gift, baby vouchers, storm relief, with their documented eligible counts
  population  the engine's input frames (no personal data) and a seeded synthetic generator
  prepare     what does not change between runs: eligibility, duplicates, vouchers, nearest shops
  geo         haversine and exact k-nearest merchants (a k-d tree on the unit sphere)
  engine      one run (claims → shop → request days → merchant queues → expiry, caps) and K runs
  metrics     per-run figures, curves and breakdowns; means and 5–95 % bands over runs
  duplicates  the same person registered twice, found by hashed national id
  report      what may be shown: aggregates only, groups under 10 people dropped
  funding     a campaign's balance as the budget and a preview of the statement lines (never written)
  budget      budget first: how many people a budget serves, groups in priority order, group/province caps
  sweep       sensitivity: one parameter over a range, K common-seed runs a point, means with 5–95 % bands
  inputs      uploaded counts per group × province and merchant lists (CSV), checked cell by cell
"""
