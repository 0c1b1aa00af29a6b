"""Cells that stay text: a value from a letter must never become a formula in Excel or WPS.

A letter's text, a township read from it or a file name starting with "=", "+", "-", "@" (or a tab or
carriage return) is taken by spreadsheet programs as a formula (=HYPERLINK(...) can send data away).
OWASP's advice: prefix such a value with an apostrophe, which the program shows as plain text.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """`value` unchanged unless it is a string a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
