"""FHIR R4 import: bulk NDJSON and Bundles → patients, providers and records in the graph.

``command.import_fhir`` is the command; ``run.run_import`` returns an ``ImportReport``.
"""
