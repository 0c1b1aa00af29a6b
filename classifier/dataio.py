"""Reading an office's records (CSV or XLSX; UTF-8 or GB18030, as exported by older Windows systems)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from xinfang.core.errors import BadInputError


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadInputError("文件既不是 UTF-8 也不是 GB18030 编码。请在表格软件中另存为 UTF-8 CSV 后再试。")


def read_table(path: Path) -> list[dict[str, str]]:
    """Rows as dicts keyed by the header row, all values as strings."""
    path = Path(path)
    if not path.exists():
        raise BadInputError(f"找不到文件 {path}。")
    if path.suffix.lower() in (".xlsx", ".xlsm"):

        sheet = load_workbook(path, read_only=True, data_only=True).active
        rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        if not rows:
            return []
        header = [h.strip() for h in rows[0]]
        return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(row)]
    text = _decode(path.read_bytes())
    return [{(k or "").strip(): v or "" for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))]


def check_columns(rows: list[dict[str, str]], columns: list[str], path: Path) -> None:
    if not rows:
        raise BadInputError(f"{path} 中没有数据行。")
    missing = [c for c in columns if c and c not in rows[0]]
    if missing:
        raise BadInputError(f"{path} 中没有列 {'、'.join(missing)}；现有的列：{'、'.join(rows[0])}。")


def to_records(rows: list[dict[str, str]], text_col: str, title_col: str | None,
               label_cols: dict[str, str]) -> list[dict]:
    """Rows -> training records; `label_cols` maps our head name (category, ...) to the file's column."""
    records = []
    for row in rows:
        record = {"text": row.get(text_col, ""), "title": row.get(title_col, "") if title_col else ""}
        for head, column in label_cols.items():
            record[head] = (row.get(column) or "").strip() or None
        records.append(record)
    return records
