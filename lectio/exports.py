"""Tabular exports every app uses: CSV streamed line by line and XLSX written row by row,
both in constant memory whatever the number of rows.

Cells are neutralised so a spreadsheet does not run them as formulas (CSV injection)."""

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

Row = Sequence[Any]
CHUNK_LINES = 500  # CSV lines per piece of a streamed response


def safe_cell(value: object) -> str:
    """A cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


class _Echo:
    """A file-like object that hands back what is written: csv.writer then makes lines."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Row, rows: Iterable[Row]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def in_chunks(lines: Iterable[str], size: int = CHUNK_LINES) -> Iterator[str]:
    """Lines joined ``size`` at a time: the response then writes (and encodes, and the server
    sends) one piece per few hundred rows rather than one per row, in constant memory."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield "".join(batch)
            batch.clear()
    if batch:
        yield "".join(batch)


def csv_response(header: Row, rows: Iterable[Row], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        in_chunks(csv_lines(header, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (date, int, float)) or value is None:
        return value
    return str(value)


def xlsx_response(header: Row, rows: Iterable[Row], filename: str, sheet: str) -> FileResponse:
    """An XLSX file written in XlsxWriter's constant-memory mode (each row goes to disk as
    it is written) into a temporary file, then streamed from there."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    book = xlsxwriter.Workbook(
        spool, {"constant_memory": True, "strings_to_formulas": False, "in_memory": False}
    )
    page = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    page.write_row(0, 0, [str(h) for h in header], bold)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            cell = _cell(value)
            if isinstance(cell, datetime):
                page.write_datetime(number, column, cell, stamp)
            elif isinstance(cell, date):
                page.write_datetime(number, column, cell, day)
            elif cell is None:
                continue
            elif isinstance(cell, (int, float)):
                page.write_number(number, column, cell)
            else:
                page.write_string(number, column, str(cell))
    book.close()
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
