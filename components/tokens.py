"""Pulumi type tokens of the resources the program declares, for the code that finds them again
(the renames of `migrations`, the offline tools reading what a run registered)."""

ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
ADDON = "aws:eks/addon:Addon"
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
INLINE = "aws:iam/rolePolicy:RolePolicy"
AWS_PROVIDER = "pulumi:providers:aws"
ADDON_COMPONENT = "eks-pod-identity:index:EksAddon"
