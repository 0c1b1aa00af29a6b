"""Repeat filings (重复信访): same person + same matter across years of mail, and same-matter groups.

File hashes cannot find repeats (a rescan, a rewording or an angrier second letter never has the same
bytes), so a letter is compared by who wrote it (identity keys) and by what it says (MinHash over
character shingles, then a finer score over the demand and the key entities). The index lives in the
database (tables in `models.repeat_index`), so every worker process sees the same history.
"""
