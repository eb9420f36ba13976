"""The share checker: covered, not covered or escalate, decided by the law, with citations.

The order of checks follows the decision procedure in the domain reference (§3.8):
emergency first (``decision``); then each agreement the discloser is party to, in force on
the date, signed, with a flow matching direction, purpose, data subject and every category,
and Art 6, Art 9 with DPA 2018 Sch 1, Art 10, the consent model and the restrictions on that
flow (``rules``); and, when no agreement covers, the routes the law offers outside agreements
(``routes``). ``facts`` derives what the rules turn on from the question; ``terms`` names the
legal conditions. Each rule is a small function that returns reasons with stable codes.
Pure: no I/O and no clock; the question carries ``as_of``.
"""

from agreements.checker.decision import check_share
from agreements.checker.terms import SCH1_PREVENTING_UNLAWFUL_ACTS, SCH1_SAFEGUARDING

__all__ = ["SCH1_PREVENTING_UNLAWFUL_ACTS", "SCH1_SAFEGUARDING", "check_share"]
