"""The GraphQL schema: Strawberry types over the domain nodes, the directives, the SDL."""
