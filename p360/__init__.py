"""The server and command line of Patient 360."""
