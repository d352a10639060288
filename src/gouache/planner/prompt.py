"""The planner for generative backends: the instruction itself is the plan.

A model that edits from words (Gemini, OpenAI images, a diffusers or ComfyUI pipeline) gets
the user's instruction as its prompt, in one step, recorded in the recipe like any plan.
"""

from __future__ import annotations

from gouache.ops.plan import EditPlan, Step
from gouache.planner.plan import PlanContext, PlannerReply, PlanOutcome

GENERATIVE_OP = "generate_edit"


class PromptPlanner:
    name = "prompt"

    def plan(self, instruction: str, context: PlanContext | None = None) -> PlanOutcome:
        text = instruction.strip()
        if not text:
            return PlannerReply(instruction=instruction, message="say what to change")
        step = Step(op=GENERATIVE_OP, params={"prompt": text}, label=f"prompt: {text}")
        return EditPlan(instruction=text, steps=(step,), planner=self.name)
