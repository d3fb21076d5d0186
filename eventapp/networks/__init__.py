"""Cluster networks (organisations): their people and roles, branding and staff pages. Every
event belongs to one network; roles are held per network or per event (access.py decides what
they allow). A network's public page is the site's (site/routes.py): it composes meetings and
awards, which sit above this package.
"""

from flask import Blueprint

bp = Blueprint("networks", __name__)

from . import routes  # noqa: E402,F401  (the routes register themselves on bp)
