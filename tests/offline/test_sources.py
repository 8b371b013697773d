"""The offline package's own sources, as a whole: citations a reader can open, nothing the
components define written again, and every engine fact cited by the module that relies on it."""

from __future__ import annotations

import ast
import re

from eks_pod_identity import arn, kubernetes
from eks_pod_identity.cluster import rules as cluster_rules
from eks_pod_identity.iam import grammar
from eks_pod_identity.identity import trust as components_trust
from eks_pod_identity.offline.review.facts import ENGINE_FACTS
from eks_pod_identity.sample import rules as sample_rules

from tests.helpers import ROOT, parse_source

SOURCES = {
    str(p.relative_to(ROOT / "components" / "offline")): p.read_text() for p in sorted((ROOT / "components" / "offline").rglob("*.py"))
}
# Parsed at import, before any Pulumi run has threads (see parse_source).
TREES = {name: parse_source(ROOT / "components" / "offline" / name) for name in SOURCES}


def test_the_offline_tools_cite_only_what_a_reader_can_open():
    """No private path, no search-index id, no file of the repository that is not there."""
    for name, text in SOURCES.items():
        assert "/work/" not in text and "index id" not in text, name
        for cited in re.findall(r"(?<![\w/.:-])((?:[\w-]+/)+[\w.-]+\.md)\b", text):
            assert (ROOT / cited).is_file(), f"offline/{name} cites {cited}, which is not in the repository"


def _top_level(tree: ast.Module) -> list[tuple[str, str, object]]:
    """(name, its definition as text, its literal value or None) of each top-level def, class and assignment."""
    out = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out.append((node.name, ast.dump(node), None))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                value = None
            out += [(t.id, ast.dump(node.value), value) for t in targets if isinstance(t, ast.Name)]
    return out


SHARED = (arn, kubernetes, grammar, cluster_rules, sample_rules)


def test_no_constant_or_helper_is_written_twice():
    """A value or helper the offline tools share is defined once and imported, here and from components/."""
    where: dict[tuple[str, str], list[str]] = {}
    for name, tree in TREES.items():
        for symbol, definition, value in _top_level(tree):
            where.setdefault((symbol, definition), []).append(name)
            shared = [m for m in SHARED if value is not None and getattr(m, symbol, None) == value]
            if shared:
                raise AssertionError(f"offline/{name} redefines {shared[0].__name__}.{symbol}: import it")
        literals = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        assert components_trust.SID not in literals, f"offline/{name} spells out components.trust.SID: import it"
    twice = {symbol: files for (symbol, _), files in where.items() if len(files) > 1}
    assert not twice, f"defined in more than one module of offline/: {twice}"


def test_every_engine_fact_is_cited_somewhere():
    others = "".join(text for name, text in SOURCES.items() if not name.endswith(("provider_rules.py", "facts.py")))
    unused = [key for key in ENGINE_FACTS if f"'{key}'" not in others and f'"{key}"' not in others]
    assert not unused, f"ENGINE_FACTS entries nothing cites: {unused}"
