import io, os
from PIL import Image
from sqlalchemy import select
from eventapp.events.models import Event
from eventapp.awards.models import Finalist
from eventapp.extensions import db

def test_missing_optional(client, auth, organiser):
    auth.login_organiser()
    r = client.post("/organiser/events/new", data={"title": "T", "slug": "t", "starts_at": "2027-10-20T09:00", "ends_at": "2027-10-20T17:00", "format": "online"})
    print(r.status_code, r.headers.get("Location"))
    e = db.session.scalar(select(Event))
    print(repr(e.motto), repr(e.venue), repr(e.online_link), e.starts_at, e.capacity)
    r = client.post("/organiser/events/new", data={"title": "T", "slug": "t2", "starts_at": "2027-10-20T09:00", "ends_at": "2027-10-20T08:00", "format": "online"})
    print(r.status_code); page = r.get_data(as_text=True); i = page.find("nach ihrem Beginn"); print(page[i-300:i+50])

def test_big(client, auth, create_event):
    auth.login_organiser()
    ev = create_event()
    data = os.urandom(2*1024*1024+10)
    img = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000)); out = io.BytesIO(); img.save(out, format="PNG", compress_level=0); big = out.getvalue()
    print(len(big))
    r = client.post(f"/organiser/events/{ev.slug}/finalists/new", content_type="multipart/form-data",
        data={"organisation": "A", "project_title": "B", "pitch_seconds": "180", "logo": (io.BytesIO(big), "big.png")})
    print(r.status_code)
    page = r.get_data(as_text=True); i = page.find("MB"); print(page[i-300:i+50])
