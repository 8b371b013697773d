"""EKS Pod Identity end to end: read the stack config, build the components, export outputs."""

import pulumi
from eks_pod_identity import stack

outputs = stack.build(stack.load())
for key, value in outputs.items():
    pulumi.export(key, value)
