"""Placeholder until this page lands."""
import streamlit as st

st.title("statements")
st.info("This page is being built.")
