"""The posted urlencoded form is read as urllib's parse_qsl reads it (deps.urlencoded_fields, the fast path for the
text editor's percent-encoded Chinese): the same names and values for every kind of character a browser sends,
a malformed escape kept as typed, the last of repeated names."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest

from jixiao.web.deps import urlencoded_fields

TEXT = "部门信息:\n  部门名称: 深圳市宝安区妇女联合会 # 注释\n  年初预算: {合计: 2377.56}\n"
TRICKY = "a+b c%20d & e=f ? \\x41 \\ 100% 50%2 ％ \t\r\n 😀 \x00"


@pytest.mark.parametrize("value", [TEXT, TRICKY, "", "plain-ascii_1.0"])
def test_the_same_fields_as_parse_qsl(value):
    body = urlencode({"csrf_token": "tok-EN_1", "version": "3", "data_yaml": value, "空": ""})
    expected = dict(parse_qsl(body, keep_blank_values=True))
    assert urlencoded_fields(body.encode("ascii")) == expected
    assert urlencoded_fields(body.encode("ascii"))["data_yaml"] == value


def test_malformed_escapes_and_repeated_names():
    body = b"a=100%&b=%zz%4&a=%E4%B8%AD&c&=x&&d=1+1"
    assert urlencoded_fields(body) == dict(parse_qsl(body.decode("latin-1"), keep_blank_values=True))
    # worked by hand: a's last value %E4%B8%AD is 中; %zz and a trailing % stay as typed; + is a space
    assert urlencoded_fields(body) == {"a": "中", "b": "%zz%4", "c": "", "": "x", "d": "1 1"}
