"""The payor program: population insights over the members who authorized the payor, and
wellness tips for those members. Pure Python (no Gremlin, no GraphQL): the figures and rules
are data and functions; ``resolvers/`` runs them against the graph."""
