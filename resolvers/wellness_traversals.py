"""The traversal behind a patient's wellness tips: their own records that the rules read."""
from __future__ import annotations

from typing import Iterable

from gremlin_python.process.graph_traversal import GraphTraversal, GraphTraversalSource

from graphdb import model
from model.categories import RecordCategory
from payor.codes import ValueSet
from resolvers.insights_traversals import records


def rule_records(g: GraphTraversalSource, patient_id: str, categories: Iterable[RecordCategory],
                 value_set: ValueSet) -> GraphTraversal:
    """The patient's records of ``value_set`` in ``categories``, none unverified: one
    traversal, whatever the rules."""
    return records(g.V(model.vid(model.PATIENT, patient_id)).has_label(model.PATIENT),
                   categories, value_set).element_map()
