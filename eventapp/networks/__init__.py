"""Cluster networks (organisations): their people and roles, branding, public page and
hall of fame. Every event belongs to one network; roles are held per network or per event.

The blueprint lives in routes.py (as mailing's does): the pages compose events and awards,
which sit above this package, while its models and services sit below them.
"""
