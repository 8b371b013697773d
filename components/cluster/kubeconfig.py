"""Kubeconfig for a cluster, created or adopted, as a pure function.

The token comes from the `aws eks get-token` exec plugin at each use, so the file holds no
credential and works for whoever runs `pulumi up` with access to the cluster.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence


def exec_kubeconfig(
    cluster_name: str,
    endpoint: str,
    certificate_authority: str,
    region: str,
    credentials: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> str:
    """A kubeconfig (JSON) that authenticates with `aws eks get-token` for `cluster_name`.

    `credentials` are more arguments of get-token (components/credentials.py: `--role-arn`,
    `--profile`, as pulumi-eks passes them, cluster.ts generateKubeconfig: AWS_PROFILE would
    lose to ambient credentials), so the Kubernetes objects are managed with the same
    credentials as the AWS resources. `env` is set for the plugin (the stack's static keys and
    shared files: the plugin inherits the Kubernetes provider's environment, which stack config
    does not reach); the kubeconfig then holds what it holds and must be kept secret.
    """
    args = ["eks", "get-token", "--cluster-name", cluster_name, "--region", region, "--output", "json"]
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": cluster_name, "cluster": {"server": endpoint, "certificate-authority-data": certificate_authority}}],
            "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": cluster_name}}],
            "current-context": cluster_name,
            "users": [
                {
                    "name": cluster_name,
                    "user": {
                        "exec": {
                            "apiVersion": "client.authentication.k8s.io/v1beta1",
                            "command": "aws",
                            "args": [*args, *credentials],
                            "interactiveMode": "Never",
                            **({"env": [{"name": k, "value": v} for k, v in sorted(env.items())]} if env else {}),
                        }
                    },
                }
            ],
        },
        sort_keys=True,
    )
