"""The operations every benchmark measures, exactly as the issue names them.

*Patient 360 view*: ``patient(id)`` with demographics, ``records(first: 50)`` with authors,
``grants``, ``accessLog(first: 20)`` and ``wellnessTips``. *Provider view*: ``myPatients`` with
demographics, ``grantsToMe``, and ``records(first: 20)`` with authors. Plus ``grantAccess``, the
write the load benchmark measures.

``wellnessTips`` is asked for only once the committed SDL has it (it is being added), so the
same text runs against the API and the floor; ``WELLNESS_NOTE`` says when it was left out.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

SDL_PATH = Path(__file__).resolve().parents[1] / "schema" / "schema.graphql"


def has_wellness_tips(sdl_path: Path = SDL_PATH) -> bool:
    return "wellnessTips" in sdl_path.read_text()


WELLNESS_TIPS = has_wellness_tips()
WELLNESS_NOTE: Optional[str] = None if WELLNESS_TIPS else (
    "wellnessTips is not in schema/schema.graphql yet: the patient 360 view was measured without it")

_RECORD_FIELDS = """
        id category code system display value unit
        components { code display value unit }
        referenceRange interpretation status effectiveAt source
        author { id name npi specialty }"""

_WELLNESS = """
    wellnessTips {
      ruleId ruleVersion title message populationContext
      evidence { id category display value unit effectiveAt }
    }""" if WELLNESS_TIPS else ""

PATIENT_360 = f"""
query Patient360($id: ID!) {{
  patient(id: $id) {{
    id name birthDate gender
    records(first: 50) {{
      totalCount
      pageInfo {{ hasNextPage endCursor }}
      edges {{ cursor node {{{_RECORD_FIELDS}
      }} }}
    }}
    grants {{
      id createdAt expiresAt revokedAt categories active
      grantee {{ __typename ... on Provider {{ id name }} ... on Payor {{ id name }} }}
    }}
    accessLog(first: 20) {{
      id at viewerId viewerType viewerName operation categories recordCount outcome grantIds
    }}{_WELLNESS}
  }}
}}
"""

PROVIDER_VIEW = f"""
query ProviderView {{
  myPatients {{
    id name birthDate gender
    grantsToMe {{ id createdAt expiresAt categories active }}
    records(first: 20) {{
      totalCount
      edges {{ node {{{_RECORD_FIELDS}
      }} }}
    }}
  }}
}}
"""

GRANT_ACCESS = """
mutation GrantAccess($input: GrantAccessInput!) {
  grantAccess(input: $input) {
    id createdAt expiresAt categories active
    grantee { __typename ... on Provider { id name } }
  }
}
"""


def patient_360_variables(patient_id: str) -> dict[str, str]:
    return {"id": patient_id}


def grant_access_variables(grantee_id: str) -> dict[str, object]:
    return {"input": {"granteeId": grantee_id, "categories": ["LAB", "VITAL_SIGN"], "durationDays": 30}}
