"""The speed targets, judged from the load bench's figures, and the table that shows them.

Each target is one or more checks of a figure against a bound. A figure that could not be
measured (a page that answered anything but 2xx under load, a run that was skipped) is None
and falls short: a failed measurement never passes. A target without a bound is reported.
"""
import operator
from dataclasses import dataclass

OPERATORS = {">=": operator.ge, "<=": operator.le, "<": operator.lt, "==": operator.eq}
PAGE_KB, JS_KB = 100, 20


@dataclass(frozen=True)
class Check:
    label: str
    value: float | None
    op: str | None = None         # None: reported, no bound
    bound: float | None = None

    def passed(self) -> bool | None:
        if self.op is None:
            return None
        if self.value is None:
            return False
        return OPERATORS[self.op](self.value, self.bound)


def judged(checks: list[Check]) -> dict:
    """{"value", "bound", "pass"} for a target: one check's figures as they are, several as
    objects keyed by their labels; it passes when every bounded check does."""
    verdicts = [check.passed() for check in checks]
    verdict = None if all(v is None for v in verdicts) else all(v is not False for v in verdicts)
    bounds = {c.label: f"{c.op} {c.bound:g}" if c.op else None for c in checks}
    if len(checks) == 1:
        return {"value": checks[0].value, "bound": bounds[checks[0].label], "pass": verdict}
    return {"value": {c.label: c.value for c in checks}, "bound": bounds, "pass": verdict}


def share(of: dict | None, base: dict | None) -> float | None:
    """Requests per second of one wrk run as a share of another's; None if either failed."""
    if not of or not base or of.get("failed") or base.get("failed"):
        return None
    return round(of["requests_per_second"] / base["requests_per_second"], 4)


def targets(results: dict) -> dict:
    """The nine targets from the figures in `results` (see bench/load.py)."""
    http, weight = results.get("http", {}), results.get("page_weight", {})
    hello = http.get("hello")
    home = http.get("home") or {}
    postgresql = results.get("postgresql") or {}
    expiry = results.get("expiry") or []
    statements = results.get("statements") or {}
    memory = results.get("memory", {}).get("mall_workers_mb") or []

    redemption = [Check("sqlite", share(http.get("redeem"), http.get("probe")), ">=", 0.10)]
    if postgresql.get("redeem"):
        redemption.append(Check("postgresql", share(postgresql["redeem"], postgresql["probe"]),
                                ">=", 0.10))
    per_lot = [run["microseconds_per_lot"] for run in expiry]
    largest = max(expiry, key=lambda run: run["lots"]) if expiry else {}
    few, many = statements.get("few") or {}, statements.get("many") or {}
    unequal = (sum(few.get(page) != many.get(page) for page in few | many)
               if few and many else None)
    return {
        "1 home": judged([Check("share_of_hello", share(home, hello), ">=", 0.20),
                          Check("p99_ms", None if home.get("failed") else home.get("p99_ms"),
                                "<", 50)]),
        "2 catalog": judged([Check("share_of_hello", share(http.get("catalog"), hello),
                                   ">=", 0.15)]),
        "3 item and history": judged([Check("item", share(http.get("item"), hello), ">=", 0.15),
                                      Check("points", share(http.get("points"), hello),
                                            ">=", 0.15)]),
        "4 redemption": judged(redemption),
        "5 POS purchase": judged([Check("share_of_probe", share(http.get("purchase"),
                                                                 http.get("probe")), ">=", 0.10)]),
        "6 expiry": judged([
            Check(f"lots_per_second_at_{largest.get('lots', 0):,}",
                  largest.get("lots_per_second"), ">=", 50_000),
            Check("slowest_over_fastest_per_lot",
                  round(max(per_lot) / min(per_lot), 2) if per_lot else None, "<=", 1.5)]),
        "7 statements per page": judged([Check("pages_with_unequal_counts", unequal, "==", 0)]),
        "8 page weight": judged([
            Check(f"{page}_{part}_kb", (weight.get(page) or {}).get(f"{part}_kb"), "<=", bound)
            for page in ("home", "catalog") for part, bound in (("total", PAGE_KB),
                                                                ("js", JS_KB))]),
        "9 peak memory per worker": judged([Check("largest_worker_mb",
                                                  max(memory) if memory else None)]),
    }


def table(judged_targets: dict) -> str:
    """A readable table: each target with its figures, bounds and pass or short."""
    lines = [f"{'target':<26}{'figure':<34}{'value':>12}  {'bound':<12}result"]
    for name, target in judged_targets.items():
        values, bounds = target["value"], target["bound"]
        rows = values.items() if isinstance(values, dict) else [("", values)]
        for n, (label, value) in enumerate(rows):
            bound = bounds.get(label) if isinstance(bounds, dict) else bounds
            shown = "not measured" if value is None else f"{value:,.4g}" \
                if isinstance(value, float) else f"{value:,}"
            result = {True: "pass", False: "short", None: "reported"}[target["pass"]] \
                if n == 0 else ""
            lines.append(f"{name if n == 0 else '':<26}{label:<34}{shown:>12}  "
                         f"{bound or '-':<12}{result}")
    return "\n".join(lines)
