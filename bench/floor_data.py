"""The floor's data: what the two operations show, read once from the graph into plain dicts
keyed by GraphQL field names, values already in their wire form. Lists come pre-ordered the
way the API orders them, so the floor's resolvers only look up and slice."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Optional


from graphdb import codec, model
from graphdb.client import GraphClient
from model.nodes import AccessEventNode, GrantNode, PatientNode, RecordNode
from resolvers.pages import encode_cursor

Dict = dict[str, Any]


def _iso(value: Optional[dt.date]) -> Optional[str]:
    return value.isoformat() if value is not None else None


def _categories(grant: GrantNode) -> list[str]:
    return sorted(c.value for c in grant.categories)


class FloorData:
    """``patients[id]`` are Patient dicts; ``grants_to[(patient, viewer)]`` and
    ``patients_of[viewer]`` answer grantsToMe and myPatients for a viewer."""

    def __init__(self) -> None:
        self.patients: dict[str, Dict] = {}
        self.providers: dict[str, Dict] = {}
        self.grants_to: dict[tuple[str, str], list[Dict]] = {}
        self.patients_of: dict[str, list[Dict]] = {}

    @classmethod
    async def read(cls, graph: GraphClient, patient_ids: Iterable[str], now: dt.datetime) -> "FloorData":
        data = cls()
        g = graph.g
        ids = list(patient_ids)
        vids = [model.vid(model.PATIENT, i) for i in ids]
        providers = await graph.run(g.V().has_label(model.PROVIDER).element_map())
        payors = await graph.run(g.V().has_label(model.PAYOR).element_map())
        patients = await graph.run(g.V(*vids).has_label(model.PATIENT).element_map())
        records = await graph.run(g.V(*vids).out(model.HAS_RECORD).element_map())
        grants = await graph.run(g.V(*vids).out(model.GRANTED).element_map())
        events = await graph.run(g.V(*vids).out(model.HAS_EVENT).element_map())

        for m in providers:
            p = codec.provider_from_map(m)
            data.providers[p.id] = {"__typename": "Provider", "id": p.id, "name": p.name,
                                    "npi": p.npi, "specialty": p.specialty}
        payor_dicts = {}
        for m in payors:
            payor = codec.payor_from_map(m)
            payor_dicts[payor.id] = {"__typename": "Payor", "id": payor.id, "name": payor.name}
        for m in patients:
            patient = codec.patient_from_map(m)
            data.patients[patient.id] = data._patient(patient)

        by_patient: dict[str, list[tuple[int, str, RecordNode]]] = {pid: [] for pid in data.patients}
        for m in records:
            record = codec.record_from_map(m)
            by_patient[record.patient_id].append((m["sortKey"], record.id, record))
        for pid, keyed in by_patient.items():
            keyed.sort(key=lambda r: (-r[0], r[1]))   # newest first, undated last, ties by id
            data.patients[pid]["edges"] = [
                {"cursor": encode_cursor(i), "node": data._record(r)} for i, (_, _, r) in enumerate(keyed)]

        grant_nodes = sorted((codec.grant_from_map(m) for m in grants),
                             key=lambda gr: (gr.created_at, gr.id), reverse=True)
        for grant in grant_nodes:
            grantee = (data.providers if grant.grantee_type == model.PROVIDER else payor_dicts).get(grant.grantee_id)
            as_dict = data._grant(grant, grantee, now)
            data.patients[grant.patient_id]["grants"].append(as_dict)
            if grant.active_at(now):
                data.grants_to.setdefault((grant.patient_id, grant.grantee_id), []).append(as_dict)
                data.patients_of.setdefault(grant.grantee_id, []).append(data.patients[grant.patient_id])
        for viewer, rows in data.patients_of.items():
            unique = {p["id"]: p for p in rows}.values()
            data.patients_of[viewer] = sorted(unique, key=lambda p: ((p["name"] or "").lower(), p["id"]))

        event_nodes = sorted((codec.event_from_map(m) for m in events), key=lambda e: e.id)
        event_nodes.sort(key=lambda e: e.at, reverse=True)   # newest first, ties by id
        for event in event_nodes:
            data.patients[event.patient_id]["accessLog"].append(data._event(event))
        return data

    def _patient(self, p: PatientNode) -> Dict:
        return {"id": p.id, "name": p.name, "birthDate": _iso(p.birth_date), "gender": p.gender,
                "edges": [], "grants": [], "accessLog": [], "wellnessTips": []}

    def _record(self, r: RecordNode) -> Dict:
        return {
            "id": r.id, "category": r.category.value, "code": r.code, "system": r.system,
            "display": r.display, "value": r.value, "unit": r.unit,
            "components": [{"code": c.code, "display": c.display, "value": c.value, "unit": c.unit}
                           for c in r.components],
            "referenceRange": r.reference_range, "interpretation": r.interpretation,
            "status": r.status, "effectiveAt": _iso(r.effective_at), "source": r.source,
            "author": self.providers.get(r.author_id) if r.author_id else None,
        }

    @staticmethod
    def _grant(grant: GrantNode, grantee: Optional[Dict], now: dt.datetime) -> Dict:
        return {"id": grant.id, "createdAt": _iso(grant.created_at), "expiresAt": _iso(grant.expires_at),
                "revokedAt": _iso(grant.revoked_at), "categories": _categories(grant),
                "active": grant.active_at(now), "grantee": grantee}

    @staticmethod
    def _event(e: AccessEventNode) -> Dict:
        return {"id": e.id, "at": _iso(e.at), "viewerId": e.viewer_id, "viewerType": e.viewer_type,
                "viewerName": e.viewer_name, "operation": e.operation,
                "categories": [c.value for c in e.categories], "recordCount": e.record_count,
                "outcome": e.outcome, "grantIds": list(e.grant_ids)}
