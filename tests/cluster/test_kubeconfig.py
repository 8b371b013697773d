"""The kubeconfig of a cluster: no credential in the file, a token from `aws eks get-token` at each
use, with the stack's own credentials."""

from __future__ import annotations

import json

from eks_pod_identity.cluster import kubeconfig


def test_the_kubeconfig_gets_its_token_from_aws_eks_get_token_with_the_stacks_credentials():
    text = kubeconfig.exec_kubeconfig("shop", "https://shop.example", "Q0E=", "eu-west-1", ["--profile", "team"])
    config = json.loads(text)
    assert config["clusters"] == [{"name": "shop", "cluster": {"server": "https://shop.example", "certificate-authority-data": "Q0E="}}]
    assert config["current-context"] == "shop"
    assert config["contexts"] == [{"name": "shop", "context": {"cluster": "shop", "user": "shop"}}]
    (user,) = config["users"]
    assert set(user["user"]) == {"exec"}, "no token, key or password in the file"
    exec_ = user["user"]["exec"]
    assert exec_["command"] == "aws" and exec_["interactiveMode"] == "Never"
    assert exec_["args"] == ["eks", "get-token", "--cluster-name", "shop", "--region", "eu-west-1", "--output", "json", "--profile", "team"]


def test_the_kubeconfig_text_is_stable():
    """The provider takes it as an input: the same cluster must always give the same text."""
    first = kubeconfig.exec_kubeconfig("shop", "https://shop.example", "Q0E=", "eu-west-1")
    assert first == kubeconfig.exec_kubeconfig("shop", "https://shop.example", "Q0E=", "eu-west-1")
    assert first == json.dumps(json.loads(first), sort_keys=True)
    assert "--role-arn" not in first and "--profile" not in first, "ambient credentials when the stack names none"
