"""Query limits as validation rules built once, so the validation cache can recognise them
(a rule class made per request would make every request a cache miss)."""
from __future__ import annotations

from strawberry.extensions import AddValidationRules, MaxAliasesLimiter, QueryDepthLimiter

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5000

_RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]


class QueryLimits(AddValidationRules):
    def __init__(self) -> None:
        super().__init__(_RULES)
