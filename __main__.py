"""EKS Pod Identity end to end: read the stack config, build the components, export outputs."""

import pulumi

from components import config, program

outputs = program.build(config.load())
for key, value in outputs.items():
    pulumi.export(key, value)
