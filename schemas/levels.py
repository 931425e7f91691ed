"""The levels a plan's issuer sits at: kept apart from schemas.models so that reading a sidecar (every run, the
no-change night too) does not import pydantic."""
from typing import Literal

IssuerLevel = Literal["province", "department", "commune", "unknown"]
