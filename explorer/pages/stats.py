"""Placeholder until this page lands."""
import streamlit as st

st.title("stats")
st.info("This page is being built.")
