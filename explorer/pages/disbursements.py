"""Placeholder until this page lands."""
import streamlit as st

st.title("disbursements")
st.info("This page is being built.")
