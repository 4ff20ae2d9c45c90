"""Names the request's operation for the audit trail once the document is parsed."""
from __future__ import annotations

from typing import Iterator

from strawberry.extensions import SchemaExtension


class OperationNaming(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        if hasattr(context, "audit"):
            name = execution.operation_name
            if name is None:
                kind = execution.operation_type.value if execution.operation_type else "operation"
                name = f"anonymous {kind}"
            context.operation_name = name
            context.audit.operation = name
        yield
