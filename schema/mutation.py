"""The Mutation root."""
from __future__ import annotations

import dataclasses
from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

import resolvers.mutation
import resolvers.upload
from resolvers.context import invoke
from schema.directives import guarded
from schema.grant import Grant
from schema.inputs import GrantAccessInput, RecordInput
from schema.record import Record

_arg = lambda description: strawberry.argument(description=description)  # noqa: E731


@strawberry.type(description="Writes.")
class Mutation:
    @guarded(description="Grant a provider or the payor access for a limited time. The patient only.",
             groups=["patients"])
    async def grant_access(self, info: Info, input: Annotated[GrantAccessInput, _arg("Who, which categories, how long.")]) -> Grant:
        return await invoke(resolvers.mutation.grant_access, info, input=dataclasses.asdict(input))

    @guarded(description="Revoke a grant; it stops working with the next request. The granting patient "
                         "only; revoking twice returns the first revocation.", groups=["patients"])
    async def revoke_grant(self, info: Info, id: Annotated[strawberry.ID, _arg("The grant's id.")]) -> Grant:
        return await invoke(resolvers.mutation.revoke_grant, info, id=id)

    @guarded(description="Add a record: the patient (their own entry), or a provider with an active grant "
                         "(EPISODE, or a category the grant covers).", groups=["patients", "providers"])
    async def add_record(self, info: Info,
                         patient_id: Annotated[strawberry.ID, _arg("Whose record.")],
                         input: Annotated[RecordInput, _arg("The record.")]) -> Record:
        return await invoke(resolvers.mutation.add_record, info, patient_id=patient_id,
                            input=dataclasses.asdict(input))

    @guarded(description="The patient confirms a record read from a photo: `unverified` becomes `final`.",
             groups=["patients"])
    async def confirm_record(self, info: Info, id: Annotated[strawberry.ID, _arg("The record's id.")]) -> Record:
        return await invoke(resolvers.mutation.confirm_record, info, id=id)

    @guarded(description="A photo or scan of a paper lab report (PNG or JPEG, at most 10 MiB): its lab "
                         "lines become LAB records with status `unverified`, shown to the patient but used "
                         "for no tip or insight until confirmed, plus a DOCUMENT record with the full text. "
                         "The patient only.", groups=["patients"])
    async def upload_record_image(self, info: Info,
                                  file: Annotated[Upload, _arg("The image, as a GraphQL multipart upload.")]) -> list[Record]:
        return await invoke(resolvers.upload.upload_record_image, info, file=file)

    @guarded(description="Link an identity provider's (issuer, subject) to a Patient, Provider or Payor. Admins.",
             groups=["admins"])
    async def link_identity(self, info: Info,
                            issuer: Annotated[str, _arg("The token issuer (iss), e.g. a Cognito user pool URL.")],
                            subject: Annotated[str, _arg("The subject (sub) at that issuer.")],
                            entity_id: Annotated[strawberry.ID, _arg("Id of the Patient, Provider or Payor.")]) -> bool:
        return await invoke(resolvers.mutation.link_identity, info, issuer=issuer, subject=subject,
                            entity_id=entity_id)
