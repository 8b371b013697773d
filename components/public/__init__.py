"""The public components: what a Pulumi program in any language declares with this package.

Each takes the keys of a stack file of this project as its inputs (`inputs`), is checked by the
stack config's own models, and is built by the stack program's own stages, so a component
registers what a stack file with the same keys does. `provider.py` serves them to TypeScript,
Go, C#, Java and YAML; `eks_pod_identity` exports them to Python.
"""
