"""The API's pages for people: the browsable documentation, rendered from the OpenAPI
document on the server (no script, no CDN: the app's CSP allows neither)."""

from flask import current_app, render_template

from . import pages


@pages.route("/api/v1/docs")
def docs():
    """The API's documentation: every route of the OpenAPI document, its parameters and
    answers."""
    spec = current_app.extensions["eventapp_api"].spec.to_dict()
    operations = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if method in ("get", "post", "put", "patch", "delete"):
                operations.append({"path": path, "method": method.upper(), **operation})
    return render_template("api/docs.html", spec=spec, operations=operations)
