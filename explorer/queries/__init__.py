"""Pure query functions: (engine, filters) → DataFrame or plain values. Bound parameters only,
bounded result sizes, aggregates computed in SQL. No Streamlit here."""
