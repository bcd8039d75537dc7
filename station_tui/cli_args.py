"""Command-line options in both languages, for `station` and `county-center` alike.

Kept apart from the station's commands (and free of its storage) so the county's command line
can use the same words without importing the station."""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Callable
from typing import NoReturn

EXIT_USAGE = 2


#: argparse's own complaints (English only), said again in Chinese.
_IN_CHINESE = (
    (re.compile(r"the following arguments are required: (?P<a>.+)"), "缺少必填的参数：{a}"),
    (re.compile(r"unrecognized arguments: (?P<a>.+)"), "不认识的参数：{a}"),
    (re.compile(r"argument (?P<a>\S+): invalid choice: (?P<v>.+?) \(choose from (?P<c>.+)\)"),
     "参数 {a} 只能是 {c} 之一，不能是 {v}"),
    (re.compile(r"argument (?P<a>\S+): expected one argument"), "参数 {a} 后面要跟一个值"),
    (re.compile(r"argument (?P<a>\S+): ignored explicit argument (?P<v>.+)"), "参数 {a} 不带值，多了 {v}"),
    (re.compile(r"argument (?P<a>\S+): not allowed with argument (?P<b>\S+)"), "参数 {a} 不能和 {b} 一起用"),
)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose complaints are in Chinese too, with a pointer to --help. (Those
    raised by the option types here are bilingual already and pass through as they are.)"""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        for pattern, chinese in _IN_CHINESE:
            found = pattern.fullmatch(message)
            if found:
                message = f"{chinese.format(**found.groupdict())} / {message}"
                break
        self.exit(EXIT_USAGE, f"{self.prog}: {message}\n运行 {self.prog} --help 查看用法 / see {self.prog} --help\n")


def whole_number(zh: str, en: str, low: int | None = None, high: int | None = None) -> Callable[[str], int]:
    """An argparse ``type`` for a whole-number option that says what is wrong in both languages
    (argparse's own "invalid int value" is English only)."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{zh}应为整数，不是“{text}” / {en} must be a whole number, not {text!r}") from None
        _check_range(value, zh, en, low, high)
        return value

    return parse


def decimal_number(zh: str, en: str, low: float | None = None) -> Callable[[str], float]:
    """Like ``whole_number``, for an option that may have a fraction (a rate)."""

    def parse(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            value = math.nan
        if not math.isfinite(value):  # words, and also "nan" and "inf", which float() reads
            raise argparse.ArgumentTypeError(f"{zh}应为数字，不是“{text}” / {en} must be a number, not {text!r}")
        _check_range(value, zh, en, low, None)
        return value

    return parse


def _check_range(value: float, zh: str, en: str, low: float | None, high: float | None) -> None:
    if low is not None and high is not None and not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{zh}应在 {low} 到 {high} 之间 / {en} must be {low}-{high}: {value}")
    if low is not None and value < low:
        raise argparse.ArgumentTypeError(f"{zh}不能小于 {low} / {en} must be at least {low}: {value}")
    if high is not None and value > high:
        raise argparse.ArgumentTypeError(f"{zh}不能大于 {high} / {en} must be at most {high}: {value}")
