"""Helpers for tests that run the command line in this process and read what it printed."""

from __future__ import annotations

from jixiao.cli import main


def run_cli(capsys, *argv: str) -> tuple[int, str]:
    """`jixiao ARGV` run here: its exit code and all it printed (standard error, then standard output). A traceback
    or an 内部错误 (an exception the command did not expect) fails the test: bad input must be answered in words."""
    code = main(list(argv))
    captured = capsys.readouterr()
    said = captured.err + captured.out
    assert "Traceback" not in said and "内部错误" not in said, said
    return code, said
