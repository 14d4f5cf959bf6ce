"""Server-drawn SVG bar charts: proportional, accessible, and nothing the CSP refuses."""
import xml.etree.ElementTree as ET

import pytest

from app.web.charts import Series, bar_chart, stacked_bar_chart

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def heights(root) -> list[float]:
    bars = root.iterfind(".//svg:g[@class='chart-bar']/svg:rect", NS)
    return [float(rect.get("height")) for rect in bars]


def test_bar_heights_are_proportional_to_the_values():
    root = parse(bar_chart("issued", "Issued", "Points issued per month",
                           [("2026-01", 100), ("2026-02", 50), ("2026-03", 25), ("2026-04", 0)]))
    tall, half, quarter, none = heights(root)
    assert tall > 0
    assert half == pytest.approx(tall / 2, abs=0.01)
    assert quarter == pytest.approx(tall / 4, abs=0.01)
    assert none == 0


def test_bars_stand_on_one_baseline():
    root = parse(bar_chart("c", "T", "D", [("a", 3), ("b", 7)]))
    bottoms = {round(float(r.get("y")) + float(r.get("height")), 2)
               for r in root.iterfind(".//svg:g[@class='chart-bar']/svg:rect", NS)}
    assert len(bottoms) == 1


def test_a_chart_has_a_title_a_description_and_text_labels_for_screen_readers():
    root = parse(bar_chart("issued", "积分发放", "每月发放的积分", [("2026-03", 1234567)]))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "issued-title issued-desc"
    assert root.find("svg:title", NS).text == "积分发放"
    assert root.find("svg:desc", NS).text == "每月发放的积分"
    texts = [t.text for t in root.iterfind(".//svg:text", NS)]
    assert "1,234,567" in texts and "2026-03" in texts
    assert root.find(".//svg:rect/svg:title", NS).text == "2026-03: 积分发放 1,234,567"


def test_all_zeros_draw_flat_bars_without_dividing_by_zero():
    root = parse(bar_chart("z", "T", "D", [("a", 0), ("b", 0)]))
    assert heights(root) == [0, 0]


def test_no_bars_at_all_still_draw_a_chart():
    root = parse(stacked_bar_chart("e", "T", "D", [], [Series("s", [])]))
    assert heights(root) == []


def test_one_huge_value_fits_the_chart_and_the_rest_stay_in_proportion():
    root = parse(bar_chart("h", "T", "D", [("a", 10**15), ("b", 10**12), ("c", 1)]))
    huge, small, tiny = heights(root)
    height = float(root.get("height"))
    assert 0 < huge < height
    assert small == pytest.approx(huge / 1000, abs=0.01)
    assert tiny == pytest.approx(0, abs=0.01)
    for rect in root.iterfind(".//svg:g[@class='chart-bar']/svg:rect", NS):
        assert float(rect.get("y")) >= 0


def test_stacked_layers_add_up_to_the_bar_and_follow_each_other():
    root = parse(stacked_bar_chart("s", "Issued", "By source", ["Mar", "Apr"], [
        Series("purchases", [60, 10]), Series("tasks", [20, 10]), Series("campaigns", [20, 0])]))
    bars = root.findall(".//svg:g[@class='chart-bar']", NS)
    assert [b.get("data-total") for b in bars] == ["100", "20"]
    march = [float(r.get("height")) for r in bars[0].findall("svg:rect", NS)]
    april = [float(r.get("height")) for r in bars[1].findall("svg:rect", NS)]
    assert march[0] == pytest.approx(3 * march[1], abs=0.01)
    assert sum(april) == pytest.approx(sum(march) / 5, abs=0.02)
    first, second = bars[0].findall("svg:rect", NS)[:2]
    assert float(second.get("y")) + float(second.get("height")) == pytest.approx(
        float(first.get("y")), abs=0.01)
    legend = [t.text for t in root.iterfind("svg:g[@class='chart-legend']/svg:text", NS)]
    assert legend == ["purchases", "tasks", "campaigns"]


def test_nothing_the_content_security_policy_refuses():
    svg = str(stacked_bar_chart("s", "T", "D", ["a"], [Series("x", [1]), Series("y", [2])]))
    root = parse(svg)
    assert not [e for e in root.iter() if "style" in e.attrib or e.tag.endswith("script")]
    assert not [e for e in root.iter() if any(a.startswith("on") for a in e.attrib)]
    assert not [e for e in root.iter() if "fill" in e.attrib]   # colours come from CSS classes


def test_hostile_labels_are_text_not_markup():
    svg = bar_chart("x", "<script>alert(1)</script>", 'a"b', [('"><script>x</script>', 1)])
    root = parse(svg)
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    assert root.find("svg:title", NS).text == "<script>alert(1)</script>"


@pytest.mark.parametrize("values", [[-1], [1.5], [True], ["3"]])
def test_values_that_are_not_whole_numbers_of_zero_or_more_are_refused(values):
    with pytest.raises(ValueError):
        bar_chart("x", "T", "D", [("a", v) for v in values])


def test_a_series_with_a_value_missing_is_refused():
    with pytest.raises(ValueError):
        stacked_bar_chart("x", "T", "D", ["a", "b"], [Series("s", [1])])
