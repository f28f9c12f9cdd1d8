"""Source adapters: one module per input format; each reads bytes and yields records."""
