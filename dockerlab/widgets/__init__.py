"""Widgets: thin, live views over tested functions of the package (one module per widget)."""
