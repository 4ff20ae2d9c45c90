"""Who is asking and what they may see: tokens, identity, the consent policy, audit.

Knows nothing of Gremlin: graph lookups reach it as plain callables and plain data.
"""
