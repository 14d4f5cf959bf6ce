"""The load bench judges its figures against the speed targets: shares of a baseline in the
same run, counts and sizes against their bounds, and a failed measurement never passes."""
from bench.drive import phone_pick
from bench.targets import Check, judged, share, table, targets


def run(per_second: float, p99_ms: float = 10.0, failed: int = 0) -> dict:
    return {"requests_per_second": per_second, "p99_ms": p99_ms, "failed": failed}


def figures(**changes) -> dict:
    results = {
        "http": {"hello": run(1000), "home": run(250, p99_ms=40), "catalog": run(200),
                 "item": run(160), "points": run(170), "redeem": run(30), "probe": run(200),
                 "purchase": run(25)},
        "postgresql": {"redeem": run(40), "probe": run(300)},
        "expiry": [{"lots": 10_000, "lots_per_second": 60_000, "microseconds_per_lot": 16.0},
                   {"lots": 100_000, "lots_per_second": 55_000, "microseconds_per_lot": 18.0}],
        "statements": {"few": {"/": 9, "/points": 8}, "many": {"/": 9, "/points": 8}},
        "page_weight": {"home": {"total_kb": 40.0, "js_kb": 17.3},
                        "catalog": {"total_kb": 60.0, "js_kb": 17.3}},
        "memory": {"mall_workers_mb": [110.5, 98.0]},
    }
    results.update(changes)
    return results


def test_figures_within_every_bound_pass_each_target_and_memory_is_reported():
    judged_targets = targets(figures())

    assert [t["pass"] for t in judged_targets.values()] == [True] * 8 + [None]
    assert judged_targets["1 home"]["value"] == {"share_of_hello": 0.25, "p99_ms": 40}
    assert judged_targets["4 redemption"]["value"] == {"sqlite": 0.15, "postgresql": 0.1333}
    assert judged_targets["9 peak memory per worker"] == {"value": 110.5, "bound": None,
                                                          "pass": None}


def test_a_page_slower_than_its_share_of_hello_falls_short():
    results = figures()
    results["http"]["catalog"] = run(100)

    assert targets(results)["2 catalog"] == {"value": 0.1, "bound": ">= 0.15", "pass": False}


def test_a_home_page_with_a_slow_tail_falls_short_though_fast_on_average():
    results = figures()
    results["http"]["home"] = run(400, p99_ms=50)

    assert targets(results)["1 home"]["pass"] is False


def test_a_run_that_answered_anything_but_2xx_is_not_measured_and_never_passes():
    results = figures()
    results["http"]["points"] = run(5000, failed=3)

    target = targets(results)["3 item and history"]
    assert target["value"]["points"] is None
    assert target["pass"] is False


def test_a_failed_baseline_makes_every_share_of_it_short():
    results = figures()
    results["http"]["probe"] = run(200, failed=1)

    judged_targets = targets(results)
    assert judged_targets["4 redemption"]["pass"] is False
    assert judged_targets["5 POS purchase"]["pass"] is False


def test_redemption_is_judged_on_sqlite_alone_when_postgresql_was_not_run():
    assert targets(figures(postgresql=None))["4 redemption"] == {
        "value": 0.15, "bound": ">= 0.1", "pass": True}


def test_expiry_whose_time_per_lot_grows_more_than_half_again_falls_short():
    results = figures(expiry=[
        {"lots": 10_000, "lots_per_second": 90_000, "microseconds_per_lot": 11.0},
        {"lots": 100_000, "lots_per_second": 55_000, "microseconds_per_lot": 18.0}])

    target = targets(results)["6 expiry"]
    assert target["value"] == {"lots_per_second_at_100,000": 55_000,
                               "slowest_over_fastest_per_lot": 1.64}
    assert target["pass"] is False


def test_a_page_whose_statements_grow_with_the_history_falls_short():
    results = figures(statements={"few": {"/": 9, "/points": 8}, "many": {"/": 9, "/points": 9}})

    assert targets(results)["7 statements per page"] == {"value": 1, "bound": "== 0",
                                                         "pass": False}


def test_heavy_javascript_falls_short_though_the_page_is_light_enough():
    results = figures()
    results["page_weight"]["catalog"]["js_kb"] = 20.5

    assert targets(results)["8 page weight"]["pass"] is False


def test_nothing_measured_is_short_everywhere_but_memory():
    judged_targets = targets({})

    assert [t["pass"] for t in judged_targets.values()] == [False] * 8 + [None]


def test_a_share_needs_both_runs():
    assert share(run(10), None) is None
    assert share(run(10), run(40)) == 0.25


def test_the_table_shows_each_target_once_with_its_figures_and_result():
    printed = table({"2 catalog": judged([Check("share_of_hello", None, ">=", 0.15)]),
                     "9 peak memory per worker": judged([Check("largest_worker_mb", 110.5)])})

    lines = printed.splitlines()
    assert "not measured" in lines[1] and lines[1].endswith("short")
    assert "110.5" in lines[2] and lines[2].endswith("reported")


def test_a_phone_takes_the_narrowest_image_wide_enough_for_a_card():
    srcset = "/m/a-240.webp 240w, /m/a-480.webp 480w, /m/a-960.webp 960w"

    assert phone_pick(srcset, "/m/a-960.webp") == "/m/a-480.webp"
    assert phone_pick("/m/a-240.webp 240w", "/m/a.webp") == "/m/a-240.webp"
    assert phone_pick("/a.png 1x, /a@2x.png 2x", "/a.png") == "/a@2x.png"
    assert phone_pick(None, "/a.svg") == "/a.svg"
