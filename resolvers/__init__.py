"""AppSync-style resolvers, one module per GraphQL type, and the per-request DataLoaders
with their traversals. Resolvers ask ``authz`` what is visible; they never decide it."""
