"""Shared rendering pieces that are not pages: components and small widgets.

May import streamlit; holds no data or model logic (that lives in core/).
"""
