"""Analysis: ordered, versioned steps that read each message and write annotations."""
