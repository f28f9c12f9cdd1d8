"""The dashboard and HTTP API: FastAPI app, server-sent events, static assets (no CDN)."""
