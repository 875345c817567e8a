"""The REST API (``/api/v1``) and the ASGI application that also serves the web pages."""
