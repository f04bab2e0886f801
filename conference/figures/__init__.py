"""Figures for the funder's report (Sachbericht, Verwendungsnachweis): per event and per network over a period."""
