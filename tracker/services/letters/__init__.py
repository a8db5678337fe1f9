"""Letters: addressees, campaigns, appeals, their PDFs and their counters."""
