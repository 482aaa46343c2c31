"""Test helpers shared by the images' tests (never copied into an image): real local servers and stand-ins."""
