"""The stack's own tags: on every AWS resource it creates, and never a user's to set."""

from __future__ import annotations

PROJECT = "eks-pod-identity"
# So a fleet's resources can be traced to their stack, and the add-ons a stack installed told
# from others' (addons.installed.OWNER_TAGS).
PROGRAM_TAGS = ("managed-by", "pulumi-project", "pulumi-stack", "environment")


def base_tags(environment: str, stack: str, project: str = PROJECT) -> dict[str, str]:
    """The program's own tags of a stack (`environment` only when set)."""
    values = {"managed-by": "pulumi", "pulumi-project": project, "pulumi-stack": stack, "environment": environment}
    return {key: values[key] for key in PROGRAM_TAGS if values[key]}
