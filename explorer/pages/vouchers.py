"""Placeholder until this page lands."""
import streamlit as st

st.title("vouchers")
st.info("This page is being built.")
