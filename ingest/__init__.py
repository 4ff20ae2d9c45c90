"""Turning outside material (FHIR files, photos of paper reports) into model nodes."""
