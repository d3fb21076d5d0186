"""Mail: composing (compose.py), the queue (queue.py, models.py), sending and the batch worker
(send.py), the meeting's mails (meeting_mails.py) and the organiser's message (routes.py).

Why a table and a CLI command rather than RQ: the queue then needs no other service,
survives restarts with the data it belongs to, and a web request only inserts rows. Run
`flask --app wsgi mail deliver --loop` beside the app (or from cron without --loop).
"""

# The blueprint lives in routes.py and create_app imports it from there: routes and
# meeting_mails sit on top of awards and registration, which themselves import compose,
# queue and send from this package, so importing routes here would make an import cycle.
