"""The typed plan a planner makes from an instruction, and its reply when it cannot make one."""

from __future__ import annotations

from typing import Any, Protocol

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


class PlannerReply(BaseModel):
    """The planner could not map the instruction: what it understood and what it can do instead.

    No version is made from a reply; nothing is done in place of what was asked.
    """

    model_config = ConfigDict(frozen=True)

    instruction: str
    message: str
    understood: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()

    def describe(self) -> str:
        lines = [self.message]
        if self.understood:
            lines.append("Understood: " + "; ".join(self.understood))
        if self.suggestions:
            lines.append("Closest edits I can do: " + "; ".join(self.suggestions))
        return "\n".join(lines)


PlanOutcome = EditPlan | PlannerReply


class Planner(Protocol):
    """Anything that turns an instruction into a plan or a reply."""

    name: str

    def plan(self, instruction: str) -> PlanOutcome: ...
