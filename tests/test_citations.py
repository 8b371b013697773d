"""Sources are cited by file and symbol, never by line numbers that go stale.

The rule (docs and code alike): "provider.go kubeProvider.DiffConfig", not "provider.go:453-566".
A line number or range right after a file name (`cluster.ts 488-498`, `diff.go:207-212`,
`(addon.py 51)`, `provider.go ~504`, `` `cluster.ts` 739 ``), a range closing a clause that names
a file (`provider.go DiffConfig, 506-515)`), `README line 12` or a `#L12` anchor fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

EXTENSIONS = r"(?:ts|tsx|js|go|py|pyi|json|tf|ya?ml|md|toml|sh|txt|rs|java)"
FILE = rf"[\w./@-]*\w\.{EXTENSIONS}\b`?"
NUMBER = r"~?\d+(?:\s*[-–]\s*\d+)?"
CITATION = re.compile(
    "|".join(
        (
            # file.ext:12, file.ext 12-34, file.ext ~504, `file.ext` 739, file.ext:12, 34
            rf"{FILE}(?::\s*|\s+){NUMBER}(?![\w.])",
            # file.ext Symbol, 506-515)
            rf"{FILE}[^\n()]{{0,60}}?,\s*{NUMBER}\)",
            # file.ext line 12 / lines 3-4, README line 12
            rf"(?:{FILE}|README),?\s+(?:at\s+)?lines?\s+\d+",
            # GitHub line anchors
            r"#L\d+\b",
        )
    )
)

# Where the rule holds: the package, its docs and tools, and what ships beside them.
SCANNED = (
    ["README.md", "CHANGELOG.md", "Makefile", "__main__.py"]
    + [str(p.relative_to(ROOT)) for p in sorted(ROOT.glob("Pulumi.*.yaml"))]
    + [
        str(p.relative_to(ROOT))
        for folder in ("components", "docs", "tools", "bench", "policypack", "examples", "tests")
        for p in sorted((ROOT / folder).rglob("*"))
        if p.is_file()
        and p.suffix in {".py", ".md", ".yaml", ".yml", ".toml", ".txt"}
        and "fixtures" not in p.parts
        and "venv" not in p.parts
        and p.name != Path(__file__).name
    ]
)


def citations(text: str) -> list[tuple[int, str]]:
    """(line, matched text) of each line-number citation in `text`."""
    return [(text.count("\n", 0, m.start()) + 1, m.group(0)) for m in CITATION.finditer(text)]


@pytest.mark.parametrize(
    "text",
    [
        "pulumi-eks nodejs/eks/cluster/cluster.ts 488-498, `getVpc({default: true})`",
        "endpointPublicAccess is given (cluster.ts:806)",
        "(pulumi-kubernetes provider.go:1622-1643)",
        "(CreateAddon resolveConflicts, pulumi_aws/eks/addon.py 51).",
        "(nodes/nodegroup.ts 1956-1971): nodes",
        "NAT gateway per AZ (awsx/ec2/vpc.ts 131-132)",
        "provider/pkg/await/await.go 275-291",
        "provider.go ~504",
        "`bootstrapClusterCreatorAdminPermissions` (`cluster/cluster.ts` 739)",
        "(pulumi-kubernetes provider/provider.go DiffConfig, 506-515); the cluster",
        "provider/pkg/provider/diff.go:207-212 (metadataForceNewProperties)",
        "internal/provider/resource_time_sleep.go 95-103",
        "see README line 40",
        "internal/service/ec2/vpc_subnet.go:65, 78",
        "https://github.com/pulumi/pulumi-eks/blob/v4.4.0/nodejs/eks/cluster/cluster.ts#L806",
    ],
)
def test_the_pattern_finds_a_line_number_citation(text):
    assert citations(text), text


@pytest.mark.parametrize(
    "text",
    [
        "pulumi-kubernetes@v4.32.0 provider/pkg/provider/diff.go metadataForceNewProperties",
        "nodejs/eks/cluster/cluster.ts createCore, `getVpc({default: true})`",
        "pulumi-aws 7.51.1 bridges it; botocore 1.44.8 API model",
        "docs/AmazonEBSCSIDriverPolicyV2.json @ v1.64.0",
        "tests/fixtures/aws/malformed-truncated.json: not valid JSON at line 6 column 1",
        "`wrote plan-out/dev.mmd (14 nodes, 31 edges)`",
        "3 stack files (Pulumi.dev.yaml, Pulumi.prod.yaml) and 2 identities",
        "step_generator.go getOldResource, errors 2008 and 2016",
    ],
)
def test_the_pattern_leaves_symbols_versions_and_counts_alone(text):
    assert citations(text) == [], text


def test_the_scan_covers_the_package_docs_and_tools():
    for expected in ("README.md", "CHANGELOG.md", "docs/reviewing.md", "tools/preflight.py", "components/offline/review/provider_rules.py"):
        assert expected in SCANNED


def test_no_source_is_cited_by_line_number():
    found = [f"{name}:{line}: {match}" for name in SCANNED for line, match in citations((ROOT / name).read_text(encoding="utf-8"))]
    assert found == [], "cite the symbol (function, method, type, const or resource), not line numbers:\n" + "\n".join(found)
