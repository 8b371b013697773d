"""`python -m eks_pod_identity`: the `eks-pod-identity` command."""

from .cli import entry

entry()
