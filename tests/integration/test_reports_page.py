"""The reports page and its CSV files show the known history's figures (test_reports.py),
refuse a bad period beside its field, and are for administrators only."""
import csv
import io
import re

import pytest

from tests.integration.route_support import by_testid, english, text
from tests.integration.test_reports import NOW, history  # noqa: F401  (the fixture)

WHOLE = {"from": "2025-01", "to": "2026-04"}


@pytest.fixture
def admin(staff_client, clock):
    clock.move_to(NOW)
    return staff_client("admin")


def rows(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def table_row(html: str, attribute: str) -> list[str]:
    """The cells of the table row carrying `attribute` (like data-month="total")."""
    row = re.search(rf'<tr {attribute}>(.*?)</tr>', html, flags=re.S)
    assert row, f"no row {attribute}"
    return [re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(1), flags=re.S)]


def test_the_reports_page_shows_the_known_historys_figures(history, admin):  # noqa: F811
    response = admin.get("/admin/reports", query_string=WHOLE)
    html = text(response)

    assert response.status_code == 200
    assert by_testid(html, "liability-points") == ["1,669"]
    assert by_testid(html, "liability-yuan") == ["¥16.69"]
    assert by_testid(html, "expected-cost") == ["¥11.10"]
    assert by_testid(html, "breakage-rate") == ["79.17%"]
    assert by_testid(html, "redemption-rate") == ["8.88%"]
    assert table_row(html, 'data-month="total"')[1:] == [
        "226", "43", "3", "1,980", "2,252", "300", "100", "240", "123", "20", "1,669", "8.88%"]
    assert table_row(html, 'data-month="2026-03"')[1:6] == ["83", "33", "3", "0", "119"]
    assert table_row(html, 'data-month="2026-02"')[-1] == "—"
    assert table_row(html, 'data-status="confirmed"')[1:] == ["2", "200", "¥0.00"]
    assert table_row(html, 'data-tier="silver"')[1:] == ["5", "1,669"]
    assert f'data-item-id="{history["x"]}"' in html
    for chart in ("chart-issued", "chart-spent", "chart-outstanding"):
        assert f'id="{chart}"' in html
    assert re.search(r"css/charts\.[0-9a-f]+\.css", html)
    assert "<script>" not in html and "style=" not in html
    assert "每月积分" in html and "未兑现积分" in html     # Chinese by default


def test_the_page_reads_the_twelve_months_up_to_now_by_default(admin):
    html = text(admin.get("/admin/reports"))
    assert 'data-month="2025-05"' in html and 'data-month="2026-04"' in html
    assert 'data-month="2025-04"' not in html
    assert by_testid(html, "liability-points") == ["0"]
    assert by_testid(html, "redemption-rate") == ["—"]


@pytest.mark.parametrize("table", ["flows", "liability", "top_items", "orders_by_status",
                                   "members_by_tier"])
def test_every_table_downloads_as_csv_for_the_pages_period(history, admin, table):  # noqa: F811
    html = text(admin.get("/admin/reports", query_string=WHOLE))
    link = f"/admin/reports/{table}.csv?from=2025-01&amp;to=2026-04"
    assert link in html

    response = admin.get(link.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert f'{table.replace("_", "-")}-2025-01-2026-04.csv' in \
        response.headers["Content-Disposition"]
    found = rows(response)
    expected = {
        "flows": (["月份", "购物", "活动", "任务", "调整", "发放", "兑换", "退回", "过期", "扣回",
                   "调减", "净变化", "兑换率"],
                  ["合计", "226", "43", "3", "1980", "2252", "300", "100", "240", "123", "20",
                   "1669", "8.88%"]),
        "liability": (["到期月份", "积分", "价值（分）", "状态"], ["合计", "1669", "1669", ""]),
        "top_items": (["商品编号", "名称", "名称（英文）", "订单数", "数量", "积分"],
                      [str(history["x"]), found[-1][1], "X", "2", "2", "200"]),
        "orders_by_status": (["状态", "订单数", "积分", "现金（分）"], ["已失效", "0", "0", "0"]),
        "members_by_tier": (["等级", "名称", "名称（英文）", "会员数", "积分"],
                            ["platinum", "白金卡", "Platinum", "0", "0"]),
    }[table]
    assert (found[0], found[-1]) == expected
    if table == "flows":
        assert len(found) == 1 + 16 + 1
        assert found[15] == ["2026-03", "83", "33", "3", "0", "119", "0", "60", "0", "0", "20",
                             "159", "'-50.42%"]  # a text cell starting with - is guarded
    if table == "liability":
        assert found[1] == ["2026-03", "140", "140", "已过期，等待过期任务"]


def test_a_csv_in_english_has_english_headers(history, admin):  # noqa: F811
    english(admin)
    found = rows(admin.get("/admin/reports/liability.csv", query_string=WHOLE))
    assert found[0] == ["Expires in", "Points", "Value (fen)", "State"]
    assert found[-2] == ["Never", "1000", "1000", ""]


@pytest.mark.parametrize("start, end, field, words", [
    ("2026-13", "", "from", "2000-01"), ("26-03", "", "from", "YYYY-MM"),
    ("", "2026-1", "to", "YYYY-MM"), ("2026-05", "2026-04", "to", "comes before"),
    ("2000-01", "2026-04", "to", "120"), ("-2026-03", "", "from", "YYYY-MM"),
    ("<script>alert(1)</script>", "", "from", "YYYY-MM"), ("x" * 5000, "", "from", "YYYY-MM"),
    ("2026-03", "2026-03' OR 1=1--", "to", "YYYY-MM"), ("９９９９-01", "", "from", "YYYY-MM"),
])
def test_a_bad_period_is_refused_beside_its_field_and_shows_no_figures(
        admin, start, end, field, words):
    english(admin)
    response = admin.get("/admin/reports", query_string={"from": start, "to": end})
    html = text(response)
    assert response.status_code == 422
    assert words in " ".join(by_testid(html, "error-message"))
    assert f'id="{field}-error"' in html
    assert "liability-points" not in html and "<script>alert" not in html

    csv_response = admin.get("/admin/reports/flows.csv", query_string={"from": start, "to": end})
    assert csv_response.status_code == 422
    assert words in csv_response.get_data(as_text=True)


def test_a_bad_period_is_worded_in_chinese_by_default(admin):
    html = text(admin.get("/admin/reports", query_string={"from": "2026-05", "to": "2026-04"}))
    assert by_testid(html, "error-message") == ["结束月份早于起始月份。"]


def test_a_table_that_does_not_exist_is_not_found(admin):
    assert admin.get("/admin/reports/members.csv").status_code == 404
    assert admin.get("/admin/reports/..%2Fflows.csv").status_code == 404


def test_a_clerk_is_refused_the_reports_and_their_files(staff_client):
    clerk = staff_client("clerk")
    assert clerk.get("/admin/reports").status_code == 403
    assert clerk.get("/admin/reports/flows.csv").status_code == 403
    assert "/admin/reports" not in text(clerk.get("/admin/"))


def test_administrators_find_the_reports_in_the_console_navigation(admin):
    assert 'href="/admin/reports"' in text(admin.get("/admin/"))
