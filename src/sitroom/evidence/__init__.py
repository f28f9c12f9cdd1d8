"""Evidence services over an opened archive: keys, checkpoints, verify, proofs."""
