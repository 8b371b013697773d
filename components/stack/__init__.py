"""The stack configuration as a typed, validated model.

The program reads its structured config once, here, and refuses to start when anything is
wrong: every problem is collected and reported together with the key's path (for example
`identities[1].serviceAccount`), the bad value and the fix, before a single resource is
registered. Checks that need the whole config (references, duplicates, limits) run after
each key parsed on its own.
"""

from ..cluster.rules import DEFAULT_KUBERNETES_VERSION
from ..errors import ConfigError
from .clusters import AddonConfig, ClusterConfig
from .config import DEFAULT_AWS_CLI_IMAGE, PROJECT, Binding, StackConfig
from .identities import AbacConfig, IdentityConfig, StackRoleConfig, TargetRoleConfig, TargetRoleCreate, TrustConfig, WellKnownConfig
from .load import STRUCTURED_KEYS, from_config_map, load, parse, raw_from_pulumi
from .program import build
from .sample import SampleConfig

__all__ = [
    "DEFAULT_AWS_CLI_IMAGE",
    "DEFAULT_KUBERNETES_VERSION",
    "PROJECT",
    "STRUCTURED_KEYS",
    "AbacConfig",
    "AddonConfig",
    "Binding",
    "ClusterConfig",
    "ConfigError",
    "IdentityConfig",
    "SampleConfig",
    "StackConfig",
    "StackRoleConfig",
    "TargetRoleConfig",
    "TargetRoleCreate",
    "TrustConfig",
    "WellKnownConfig",
    "build",
    "from_config_map",
    "load",
    "parse",
    "raw_from_pulumi",
]
