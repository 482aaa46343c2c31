"""The transformation itself, pure: parse a CSV or JSON upload, keep the numeric columns and complete rows,
and summarise each column for visualization (count, mean, min, max, a 10-bin histogram)."""
from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

HISTOGRAM_BINS = 10


class UnreadableData(Exception):
    """The upload cannot be parsed as its extension says; the message says where."""


@dataclass(frozen=True)
class Table:
    columns: List[str]
    rows: List[List[float]]
    dropped_rows: int


def parse_records(data: bytes, extension: str) -> List[Dict[str, Any]]:
    """Records of a `.csv` (header row) or `.json` (an array of objects, or one object per line) upload."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UnreadableData(f"not UTF-8 text (byte {e.start})") from None
    if extension == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames:
            raise UnreadableData("a CSV file needs a header row")
        return [dict(row) for row in reader]
    try:
        parsed = json.loads(text)
        records = parsed if isinstance(parsed, list) else [parsed]
    except json.JSONDecodeError:
        try:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as e:
            raise UnreadableData(f"neither a JSON document nor JSON lines (line {e.lineno}: {e.msg})") from None
    if not all(isinstance(r, dict) for r in records):
        raise UnreadableData("JSON records must be objects")
    return records


def _number(value: Any) -> Optional[float]:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def to_table(records: Sequence[Dict[str, Any]]) -> Table:
    """Numeric columns (every non-blank value a finite number), rows complete in all of them."""
    columns: List[str] = []
    for record in records:
        columns.extend(k for k in record if k not in columns)
    numeric = [c for c in columns if all(_blank(r.get(c)) or _number(r.get(c)) is not None for r in records) and any(not _blank(r.get(c)) for r in records)]
    rows: List[List[float]] = []
    for record in records:
        values = [_number(record.get(c)) for c in numeric]
        if all(v is not None for v in values):
            rows.append([float(v) for v in values if v is not None])
    return Table(columns=numeric, rows=rows, dropped_rows=len(records) - len(rows))


def table_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([repr(v) if not v.is_integer() else str(int(v)) for v in row])
    return out.getvalue().encode()


def _histogram(values: List[float]) -> Dict[str, List[float]]:
    low, high = min(values), max(values)
    width = (high - low) / HISTOGRAM_BINS or 1.0
    counts = [0] * HISTOGRAM_BINS
    for v in values:
        counts[min(int((v - low) / width), HISTOGRAM_BINS - 1)] += 1
    return {"edges": [low + i * width for i in range(HISTOGRAM_BINS + 1)], "counts": counts}


def viz_summary(table: Table, source_key: str) -> Dict[str, Any]:
    """What the visualization reads: rows kept and dropped, and per column its distribution."""
    summary: Dict[str, Any] = {"source": source_key, "rows": len(table.rows), "droppedRows": table.dropped_rows, "columns": {}}
    for i, column in enumerate(table.columns):
        values = [row[i] for row in table.rows]
        if not values:
            summary["columns"][column] = {"count": 0}
            continue
        summary["columns"][column] = {"count": len(values), "mean": sum(values) / len(values), "min": min(values), "max": max(values), "histogram": _histogram(values)}
    return summary
