"""Mail: composing one mail for one person (compose.py), the queue (queue.py, models.py),
sending and the batch worker (send.py). Any feature may queue mail; the meeting's mails to
everyone are the package meeting_mails on top.

Why a table and a CLI command rather than RQ: the queue then needs no other service,
survives restarts with the data it belongs to, and a web request only inserts rows. Run
`flask --app wsgi mail deliver --loop` beside the app (or from cron without --loop).
"""
