"""Names the request's operation for the audit trail once the document is parsed."""
from __future__ import annotations

from typing import Iterator

from strawberry.extensions import SchemaExtension

MAX_LOGGED_NAME = 100


class OperationNaming(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        if hasattr(context, "audit"):
            name = execution.operation_name
            if name is None:
                kind = execution.operation_type.value if execution.operation_type else "operation"
                name = f"anonymous {kind}"
            # The name is the caller's text: keep it short in the patient's log.
            name = name if len(name) <= MAX_LOGGED_NAME else name[:MAX_LOGGED_NAME - 1] + "…"
            context.operation_name = name
            context.audit.operation = name
        yield
