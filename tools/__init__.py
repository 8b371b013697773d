"""Maintenance commands that are not part of the Pulumi program."""
