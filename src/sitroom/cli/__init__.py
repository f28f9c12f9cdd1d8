"""The command line: click commands, each a thin wrapper over one library function."""
