"""Placeholder until this page lands."""
import streamlit as st

st.title("verify")
st.info("This page is being built.")
