"""The transform job (the seeds' watch-folder Brain Transform): raw uploads into processed and visualization data."""
