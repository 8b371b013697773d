"""Reusable Pulumi components for EKS Pod Identity, and the pure helpers they are built from."""
