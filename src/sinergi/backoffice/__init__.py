"""Officials' workspaces: the agency inbox, the step page, the agency head's load, the front
desk and the coordinator's view."""
