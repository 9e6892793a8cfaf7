"""Request bodies (validated, bounded, no unknown fields) and the small fixed responses."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Id = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.:-]+$")
Why = Field(min_length=1, max_length=2000, description="why: kept with the judgement, who and when")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LoginBody(Body):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class SearchBody(Body):
    q: str = Field(min_length=1, max_length=500)
    limit: int = Field(20, ge=1, le=200)


class MergeBody(Body):
    first: str = Id
    second: str = Id
    why: str = Why


class SplitBody(Body):
    claim: str = Id
    why: str = Why


class JudgeBody(Body):
    verdict: Literal["accept", "reject", "edit"]
    why: str = Why
    changes: dict[str, str] | None = Field(None, max_length=20,
                                          description="for edit: field → value (see refwatch judge --help)")


class ErrorBody(BaseModel):
    error: str
    hint: str | None = None


class LoginResult(BaseModel):
    name: str
    role: str
    csrf_token: str
    expires_in: int


class SessionInfo(BaseModel):
    name: str
    role: str
    via: str
    csrf_token: str | None = None
