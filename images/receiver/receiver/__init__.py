"""The data receiver (the BRAIN seed's Brain Receiver): authenticated uploads into the raw bucket."""
