"""Rules of §4 sharing what works: the good-practice library, copies (横展開), sharing meetings.
The practices part adds its rules here."""
