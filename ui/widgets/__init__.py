"""Reusable widgets: the keypad, the signature pad, the car outline, the live chart."""
