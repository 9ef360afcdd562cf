"""Placeholder until this page lands."""
import streamlit as st

st.title("accounts")
st.info("This page is being built.")
