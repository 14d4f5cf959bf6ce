"""A request's log line is the JSON that `json.dumps` writes without escaping Chinese."""
import json

from app.web.requestlog import LINE


def test_a_log_line_is_written_as_json_dumps_writes_it_with_chinese_left_as_it_is():
    fields = {"request_id": "till-42-abcdef", "path": "/orders/138****8000", "status": 404,
              "ms": 1.5, "member": None, "reason": "积分不足\u2028", "ids": [1, 2]}

    assert LINE.encode(fields) == json.dumps(fields, ensure_ascii=False)
    assert "积分不足" in LINE.encode(fields)
