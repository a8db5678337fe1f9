"""Reports: the yearly report of releases, as data, HTML, PDF, CSV and JSON."""
