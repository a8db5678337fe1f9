"""Where people are held: the facility directory, placements, hearings and letter reports."""
