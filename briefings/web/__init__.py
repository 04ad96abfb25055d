"""Reading the web: pages and feeds fetched within limits (``fetch.py``), feeds parsed (``feeds.py``)."""
