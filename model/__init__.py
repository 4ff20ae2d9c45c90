"""The domain model: plain data the graph layer stores and the API shows.

Nothing here knows GraphQL or Gremlin; every other package speaks these types.
"""
