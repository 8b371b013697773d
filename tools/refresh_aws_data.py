"""Regenerate the AWS facts the config checks use, from AWS's own machine-readable sources.

    python -m tools.refresh_aws_data          # rewrite components/data/*.json
    python -m tools.refresh_aws_data --check  # exit 1 when they differ from the installed sources

- components/data/aws_limits.json: name, length, pattern, count and enum limits from botocore's
  service models (IAM, EKS, STS, EC2) and the regions where EKS has an endpoint, per partition,
  from botocore's endpoints.json.
- components/data/aws_managed_policies.json: the name and path of every AWS managed policy, from
  the copy of AWS's list that moto ships (moto/iam/aws_managed_policies.py), and the ones whose
  document components/iam/admin.py calls admin, each with its reason.

The program reads only the JSON (botocore and moto are test tools);
tests/tools/test_refresh_aws_data.py fails when the committed files drift from the installed botocore
and moto.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from eks_pod_identity.arn import PARTITIONS
from eks_pod_identity.aws_data import DATA

# (service, shape) -> key in the output, for string and integer shapes.
SHAPES = {
    ("iam", "roleNameType"): "iam.roleName",
    ("iam", "pathType"): "iam.path",
    ("iam", "roleDescriptionType"): "iam.roleDescription",
    ("iam", "tagKeyType"): "iam.tagKey",
    ("iam", "tagValueType"): "iam.tagValue",
    ("iam", "tagListType"): "iam.tags",
    ("iam", "roleMaxSessionDurationType"): "iam.maxSessionDuration",
    ("iam", "policyNameType"): "iam.policyName",
    ("iam", "policyPathType"): "iam.policyPath",
    ("iam", "policyDescriptionType"): "iam.policyDescription",
    ("eks", "ClusterName"): "eks.clusterName",
    ("eks", "TagKey"): "eks.tagKey",
    ("eks", "TagValue"): "eks.tagValue",
    ("eks", "TagMap"): "eks.tags",
    ("sts", "externalIdType"): "sts.externalId",
}


def limits() -> dict[str, Any]:
    import botocore
    import botocore.session

    session = botocore.session.get_session()
    models = {name: session.get_service_model(name) for name in ("iam", "eks", "sts", "ec2")}
    out: dict[str, Any] = {"source": f"botocore {botocore.__version__}"}
    for (service, shape), key in SHAPES.items():
        meta = models[service].shape_for(shape).metadata
        section, name = key.split(".")
        out.setdefault(section, {})[name] = {k: meta[k] for k in ("min", "max", "pattern") if k in meta}
    out["ec2"] = {"instanceTypes": sorted(models["ec2"].shape_for("InstanceType").enum)}
    endpoints = json.loads((Path(botocore.__file__).parent / "data" / "endpoints.json").read_text())
    regions = {}
    for partition in endpoints["partitions"]:
        if partition["partition"] in PARTITIONS:
            eks = partition["services"].get("eks", {}).get("endpoints", {})
            regions[partition["partition"]] = sorted(r for r in eks if r in partition["regions"])
    out["eksRegions"] = regions
    return out


def managed_policies() -> dict[str, Any]:
    import moto
    from eks_pod_identity.iam import admin, grammar
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    policies = json.loads(aws_managed_policies_data)
    found = {}
    for name, policy in sorted(policies.items()):
        document = policy["Document"]
        document = json.loads(document) if isinstance(document, str) else document
        problems = admin.admin_problems(grammar.as_list(document.get("Statement", [])))
        if problems:
            found[name] = problems[0].replace("statements[", "its statement[").replace("the statements", "its statements")
    return {
        "source": f"moto {moto.__version__}",
        "paths": {name: p["Path"] for name, p in sorted(policies.items())},
        "admin": found,
    }


def rendered() -> dict[str, str]:
    return {
        "aws_limits.json": json.dumps(limits(), indent=1, sort_keys=True) + "\n",
        "aws_managed_policies.json": json.dumps(managed_policies(), indent=1, sort_keys=True) + "\n",
    }


def same_data(committed: str, rendered_text: str) -> bool:
    """The data, not its "source" label (the botocore or moto release it was read from): a later
    release with the same limits and policies is no drift."""
    old, new = json.loads(committed), json.loads(rendered_text)
    old.pop("source", None), new.pop("source", None)
    return bool(old == new)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.refresh_aws_data", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    stale = []
    for name, text in rendered().items():
        path = DATA / name
        if args.check:
            if not path.exists() or not same_data(path.read_text(), text):
                stale.append(name)
        else:
            path.write_text(text)
            print(f"wrote {path}")
    if stale:
        print(f"stale: {', '.join(stale)}; run python -m tools.refresh_aws_data", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
