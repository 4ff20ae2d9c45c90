"""Errors of the graph layer. Messages name what went wrong; none carries user data."""


class GraphError(Exception):
    pass


class GraphUnavailable(GraphError):
    """The graph cannot be reached (endpoint down, store closed or unopenable)."""


class StoreLocked(GraphUnavailable):
    """Another process holds the embedded store."""


class GraphQueryError(GraphError):
    """The graph refused or failed a traversal."""
