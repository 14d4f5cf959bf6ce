"""Member numbers: "88", twelve random digits and a Luhn check digit (15 digits).

The prefix tells a member number from a phone number at the till (mainland mobiles are 11
digits starting with 1); the random digits make a number impossible to guess from another;
the check digit catches a mistyped or misread digit before anything is looked up.
"""
import re
import secrets

PREFIX = "88"
RANDOM_DIGITS = 12
LENGTH = len(PREFIX) + RANDOM_DIGITS + 1
FORM = re.compile(rf"{PREFIX}[0-9]{{{RANDOM_DIGITS + 1}}}")
DESCRIPTION = f"{LENGTH} digits: {PREFIX}, {RANDOM_DIGITS} digits and a Luhn check digit"


def check_digit(payload: str) -> str:
    """The Luhn check digit that makes `payload` + it a valid number."""
    total = 0
    for position, digit in enumerate(reversed(payload)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str(-total % 10)


def new() -> str:
    """A fresh random member number (the caller makes sure it is not taken)."""
    payload = PREFIX + "".join(secrets.choice("0123456789") for _ in range(RANDOM_DIGITS))
    return payload + check_digit(payload)


def is_valid(number) -> bool:
    """Whether `number` is a member number in the current form, check digit included."""
    return (isinstance(number, str) and FORM.fullmatch(number) is not None
            and check_digit(number[:-1]) == number[-1])


def masked(number) -> str:
    """The number as logs show it: the prefix and the last four digits. Anything else a
    caller sent is reduced to its length, so no log line carries what a till typed."""
    if is_valid(number):
        return number[:len(PREFIX)] + "*" * (LENGTH - len(PREFIX) - 4) + number[-4:]
    return f"<malformed, {len(number) if isinstance(number, str) else 0} characters>"
