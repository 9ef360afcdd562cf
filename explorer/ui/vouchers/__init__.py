"""The voucher page's views (Streamlit), one module per concern; the simulation itself is explorer.vouchers.

labels (names and formatted values) · errors (scheme errors in words) · stale (a rejected edit clears the
results) · scheme_file (the scheme as JSON in and out) · form with form_fields, form_sections and form_parts
(the designer) · run (population, the run, who was simulated) · results and charts (the results tab) ·
tables (tables as people read them, downloads) · compare (named scenarios with bands) · merchants · map ·
budget (budget first) · sweep (one parameter over a range) · fund (funding from a campaign) · inputs
(uploaded counts and merchant lists).
"""
