"""The Gremlin steps the application may use.

Every one is part of TinkerPop 3.7 and supported by Amazon Neptune, JanusGraph and the
embedded engine. The renderer refuses anything else, and a test walks every traversal the
application builds against this list, so a step one engine lacks never reaches production.
"""

SOURCE_STEPS = frozenset({"V", "E", "addV", "addE", "inject", "with"})

STEPS = frozenset({
    # navigation
    "V", "E", "out", "in", "both", "outE", "inE", "bothE", "outV", "inV", "otherV",
    # filters
    "has", "hasLabel", "hasId", "hasNot", "hasKey", "is", "where", "and", "or", "not",
    "dedup", "range", "limit", "skip", "tail", "filter", "coalesce", "optional",
    # maps
    "id", "label", "values", "valueMap", "elementMap", "properties", "project", "select",
    "constant", "identity", "count", "sum", "max", "min", "mean", "fold", "unfold",
    "group", "groupCount", "order", "by", "as", "local", "union", "choose", "option",
    "math", "cap", "store", "aggregate", "sideEffect", "map", "flatMap", "path",
    # writes
    "addV", "addE", "from", "to", "property", "drop",
    # terminals the remote protocol understands as steps
    "none", "barrier",
})
