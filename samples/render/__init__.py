"""Render letters to page images like a scanner or a phone camera would (see samples/render/scan.py)."""
