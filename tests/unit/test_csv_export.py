"""CSV files open in a spreadsheet as written: Chinese intact, no cell run as a formula."""
import csv
import io
from datetime import datetime, timezone
from fractions import Fraction

import pytest

from app.loyalty.report_periods import Month, Period
from app.loyalty.report_tables import TABLES, percent, tables
from app.loyalty.reports import (
    Breakage,
    ExpiryBucket,
    Flow,
    Flows,
    Issued,
    ItemRank,
    Liability,
    Report,
    StatusCount,
    TierCount,
)
from app.web.csv_export import csv_bytes


def read(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_csv_file_starts_with_a_byte_order_mark_and_keeps_chinese():
    data = csv_bytes(["商品", "积分"], [["电影票", 1200]])
    assert read(data) == [["商品", "积分"], ["电影票", "1200"]]


@pytest.mark.parametrize("text", ["=1+1", "+86138", "-2+3", "@SUM(A1)", "=HYPERLINK(\"x\")",
                                  "\t=1", "\r=1"])
def test_text_a_spreadsheet_would_run_as_a_formula_gets_a_leading_quote(text):
    assert read(csv_bytes(["name"], [[text]]))[1] == ["'" + text]


def test_numbers_commas_quotes_and_newlines_survive():
    rows = read(csv_bytes(["a", "b", "c"], [[-5, 'say "hi", ok', "two\nlines"], [None, 0, True]]))
    assert rows[1:] == [["-5", 'say "hi", ok', "two\nlines"], ["", "0", "true"]]


def test_percent_rounds_half_up_to_two_decimals():
    assert percent(Fraction(200, 2222)) == "9.00%"
    assert percent(Fraction(1, 8)) == "12.50%"
    assert percent(Fraction(19, 24)) == "79.17%"
    assert percent(None) == ""


def test_every_report_table_exports():
    month = Month(2026, 4)
    flow = Flow(month, Issued(purchases=10, tasks=2), redeemed=6)
    report = Report(
        Period(month, month), datetime(2026, 4, 15, tzinfo=timezone.utc),
        Flows(Period(month, month), [flow], Flow(None, Issued(purchases=10, tasks=2),
                                                 redeemed=6)),
        Liability([ExpiryBucket(Month(2027, 4), 6, 6), ExpiryBucket(None, 0, 0)], 6, 6,
                  Breakage(0, 0), 6),
        [ItemRank(1, "=电影票", "Ticket", 1, 1, 6)], [StatusCount("confirmed", 1, 6, 0)],
        [TierCount("silver", "银卡", "Silver", 1, 6)])
    found = tables(report)
    assert tuple(found) == TABLES
    assert found["flows"].rows == [("2026-04", 10, 0, 2, 0, 12, 6, 0, 0, 0, 0, 6, "50.00%"),
                                   ("total", 10, 0, 2, 0, 12, 6, 0, 0, 0, 0, 6, "50.00%")]
    assert found["liability"].rows[-1] == ("total", 6, 6, "")
    exported = read(csv_bytes(found["top_items"].header, found["top_items"].rows))
    assert exported[1] == ["1", "'=电影票", "Ticket", "1", "1", "6"]
