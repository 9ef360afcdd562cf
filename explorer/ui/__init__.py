"""The Streamlit layer: cached data access, layout, charts and formatting bound to the current language."""
