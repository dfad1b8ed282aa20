"""Rules of §3 beyond `status.py`: data provision (the prefecture's imports reach its municipalities' slices).

The workspace part adds its rules here.
"""
