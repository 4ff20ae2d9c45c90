"""Relay-style connections over ``resolvers.pages.Page``."""
from __future__ import annotations

from typing import Generic, Optional, TypeVar

import strawberry

from resolvers.pages import Page

NodeType = TypeVar("NodeType")


@strawberry.type(description="Where a page sits in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page.")
    start_cursor: Optional[str] = strawberry.field(description="Cursor of the first item.")
    end_cursor: Optional[str] = strawberry.field(description="Cursor of the last item; pass as `after`.")


@strawberry.type(description="An item and its cursor.")
class Edge(Generic[NodeType]):
    cursor: str = strawberry.field(description="Opaque; pass as `after` to continue after this item.")
    node: NodeType = strawberry.field(description="The item.")


@strawberry.type(description="A page of items, newest or first in order, and how many there are.")
class Connection(Generic[NodeType]):
    @strawberry.field(description="The items of this page with their cursors.")
    def edges(self: Page) -> list[Edge[NodeType]]:  # type: ignore[misc]
        return [Edge(cursor=c, node=n) for c, n in zip(self.cursors, self.nodes)]

    @strawberry.field(description="Where this page sits in the list.")
    def page_info(self: Page) -> PageInfo:  # type: ignore[misc]
        cursors = self.cursors
        return PageInfo(
            has_next_page=self.has_next_page,
            has_previous_page=self.has_previous_page,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )

    @strawberry.field(description="How many items the whole list has (only what the viewer may see).")
    def total_count(self: Page) -> int:  # type: ignore[misc]
        return self.total
