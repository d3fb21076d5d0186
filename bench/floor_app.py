"""The yardsticks of the benchmark, served by the same gunicorn command as eventapp.

- baseline: `GET /` returns a constant: what the stack costs with no work at all.
- floor: `POST /vote` does what a vote must do and nothing more: insert the participation
  and the ballot in one transaction with SQLAlchemy Core (a unique violation answers 409).
  It is the physical limit of a vote on this stack and database.
"""

import os
import secrets

from flask import Flask, request
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

app = Flask(__name__)
engine = create_engine(os.environ["EVENTAPP_DATABASE_URL"], pool_size=4, max_overflow=4)
PARTICIPATION = text("INSERT INTO participations (poll_id, user_id) VALUES (:poll, :user)")
BALLOT = text("INSERT INTO ballots (id, poll_id, option_id, receipt) "
              "VALUES (:id, :poll, :finalist, :receipt)")


@app.get("/")
def baseline():
    return "ok"


@app.post("/vote")
def floor():
    poll, user, finalist = (int(request.form[k]) for k in ("poll", "user", "finalist"))
    try:
        with engine.begin() as connection:
            connection.execute(PARTICIPATION, {"poll": poll, "user": user})
            connection.execute(BALLOT, {"id": secrets.token_hex(16), "poll": poll,
                                        "finalist": finalist, "receipt": secrets.token_hex(5)})
    except IntegrityError:
        return "already voted", 409
    return "counted"
