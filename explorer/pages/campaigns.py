"""Placeholder until this page lands."""
import streamlit as st

st.title("campaigns")
st.info("This page is being built.")
