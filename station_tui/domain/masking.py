"""How personal numbers are shown where they must not be read whole (PIPL's minimum necessary):
one rule for the station's lists and the county's listings."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str:
    """``13812345678`` -> ``138****5678``, as lists show phones; empty for none."""
    if not phone:
        return ""
    if len(phone) == 11 and phone.isdigit():
        return f"{phone[:3]}****{phone[-4:]}"
    return phone[:-4] + "****" if len(phone) > 4 else "****"


def mask_id_number(id_number: str | None) -> str:
    """``140105199001011234`` -> ``1403**********1234`` as the DOMAIN says: the first four and
    the last four characters, a star for each one between; empty for none."""
    if not id_number:
        return ""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]
