"""Geometry for the server-rendered SVG map of the United States."""
