"""The bottom layer: settings, errors, privacy rules, identity numbers and deadlines.

Nothing here imports another part of xinfang, so every layer above can rely on it.
"""
