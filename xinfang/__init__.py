"""xinfang: intake and triage of petition letters (信访件)."""

__version__ = "0.1.0"
