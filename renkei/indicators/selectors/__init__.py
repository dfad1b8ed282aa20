"""Reads of the indicators app, built from the policy's scopes (deny by default): see each module."""
