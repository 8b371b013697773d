"""EKS Pod Identity end to end: read the stack config, build the components, export outputs.

Run by `pulumi package add` as the component package's plugin instead (PulumiPlugin.yaml), it
serves the public components to programs in other languages (eks_pod_identity.provider).
"""

import pulumi
from eks_pod_identity import provider, stack

if provider.hosting():
    provider.host()
else:
    outputs = stack.build(stack.load())
    for key, value in outputs.items():
        pulumi.export(key, value)
