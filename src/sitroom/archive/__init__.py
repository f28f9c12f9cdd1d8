"""The evidence core: Merkle log, signed notes and checkpoints, bundles and timestamps."""
