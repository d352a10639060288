"""A plan of operator steps: what a planner makes and what the operator backend runs.

It lives with the operators, not the planner, so that `ops/` and the backends never import
the planner: the planner depends on the operators, not the other way round.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Step(BaseModel):
    """One operation with its parameters, validated against the operator's parameter model."""

    model_config = ConfigDict(frozen=True)

    op: str
    params: dict[str, Any] = Field(default_factory=dict)
    # What the planner understood, in words ("brighter by 20 %").
    label: str = ""

    def describe(self) -> str:
        if self.label:
            return self.label
        args = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.op}({args})"


class EditPlan(BaseModel):
    """Ordered steps; executing them in order carries out the instruction."""

    model_config = ConfigDict(frozen=True)

    instruction: str
    steps: tuple[Step, ...]
    planner: str = "rules"
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        return " -> ".join(step.describe() for step in self.steps)
