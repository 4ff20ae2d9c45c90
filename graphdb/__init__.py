"""The graph connection: one way to submit gremlinpython traversals, two places they run.

Knows the graph model and Gremlin; knows nothing of GraphQL or of who is asking.
"""
