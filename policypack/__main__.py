"""The policy pack: `pulumi preview --policy-pack policypack` runs it against any stack.

Only this file constructs the PolicyPack (its constructor serves the analyzer and never
returns), so the policies themselves live in policies.py where tests can import them.
"""

from policies import POLICIES
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(name="eks-pod-identity", enforcement_level=EnforcementLevel.MANDATORY, policies=POLICIES)
